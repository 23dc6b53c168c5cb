"""MP3 and ADTS AAC files: ffprobe's mp3 and aac demuxers. An MP3 stream lasts its Xing/Info frame
count (or the bytes over the probed bit rate) and starts after LAME's priming where the header names
its encoder; an ADTS stream lasts the file's size over the average of the frames ffprobe probes.
The structural reads are in mp3.py and probe_window.py."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from pymediainfo import Track

from . import mp3, probe_window, trace
from .family import Family
from .probe_window import running_average
from .timing import sample_rate, samples_per_frame
from .values import integer, rescale

if TYPE_CHECKING:
    from .facts import Facts

Read = Callable[[int, int], bytes]
LAME_PRIMING = 1105  # encoder delay 576 + decoder delay 529: FFmpeg's start_pad for LAME/Lavf tagged MP3


class Mp3(Family):
    def read(self, facts: Facts, read: Read, text: str) -> None:
        if text:
            facts.mp3 = trace.mp3(text)
        facts.mp3_window = probe_window.mp3_window(read, facts.size)
        facts.mp3_encoder_tag = mp3.encoder_tag(read)

    def start(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        rate = sample_rate(track)
        tagged = facts.mp3_encoder_tag  # a Xing/Info frame: primed only if it names its encoder
        if tagged is not None:
            primed = tagged
        else:
            primed = facts.mp3.xing if facts.mp3 else "LAME" in str(track.writing_library or "")
        return Fraction(LAME_PRIMING, rate) if primed and rate else Fraction(0)

    def seconds(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        rate, spf = sample_rate(track), samples_per_frame(track, codec)
        if kind == "audio" and rate:
            if facts.mp3 and facts.mp3.frames and spf:  # the Xing/VBRI frame count
                return Fraction(facts.mp3.frames * spf, rate)
            if facts.mp3_window:  # estimate_timings_from_bit_rate, from the first frame on
                bitrate, start = facts.mp3_window
                return Fraction((facts.size - start) * 8, bitrate)
            frames = integer(track.frame_count)
            if frames and spf:
                return Fraction(frames * spf, rate)
        return super().seconds(track, kind, codec, facts)

    def bitrate(self, track: Track, kind: str, codec: str | None, facts: Facts) -> int | None:
        if facts.mp3 and facts.mp3.bytes and track.bit_rate_mode == "VBR":
            rate, spf = sample_rate(track), samples_per_frame(track, codec)
            if facts.mp3.frames and rate and spf:
                return rescale(Fraction(facts.mp3.bytes * 8 * rate, facts.mp3.frames * spf), Fraction(1))
        if not (facts.mp3 and facts.mp3.frames) and facts.mp3_window:
            return facts.mp3_window[0]
        return super().bitrate(track, kind, codec, facts)


class Adts(Family):
    def read(self, facts: Facts, read: Read, text: str) -> None:
        facts.adts_frames = probe_window.adts_frame_lengths(read, facts.size)

    def seconds(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        """estimate_timings_from_bit_rate: the file size over the average bit rate."""
        rate = sample_rate(track)
        if kind == "audio" and rate:
            bitrate = self.bitrate(track, kind, codec, facts)
            return Fraction(facts.size * 8, bitrate) if bitrate else None
        return super().seconds(track, kind, codec, facts)

    def bitrate(self, track: Track, kind: str, codec: str | None, facts: Facts) -> int | None:
        """The ADTS parser's running average of per-frame bit rates over the frames probing reads."""
        rate = sample_rate(track) or 0
        return running_average([length * 8 * rate // 1024 for length in facts.adts_frames]) or None
