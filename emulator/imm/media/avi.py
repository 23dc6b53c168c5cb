"""AVI/DivX/XviD: ffprobe's avi demuxer times a video stream by its frames and an audio stream by
its stream header; the audio streams' stream headers (strh), which avidec times them by. The time base is
dwScale/dwRate, the frame count dwLength (chunks, samples or bytes), and only a stream of whole frames
(dwSampleSize 0: VBR MP3, AAC) has a duration of its own. MediaInfo reports samples and milliseconds."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from pymediainfo import Track

from . import jpeg
from .family import Family
from .timing import frame_rate, sample_rate, samples_per_frame
from .values import integer, rescale

if TYPE_CHECKING:
    from .facts import Facts

HEAD = 64 * 1024  # the hdrl list, where every strh is, comes first


@dataclass(frozen=True)
class AudioHeader:
    time_base: Fraction
    length: int
    sample_size: int
    byte_rate: int = 0  # the strf WAVEFORMATEX's nAvgBytesPerSec: ffprobe's bit rate, x 8

    @property
    def duration(self) -> Fraction | None:
        return None if self.sample_size else self.length * self.time_base


def audio_headers(read: Callable[[int, int], bytes], size: int) -> list[AudioHeader]:
    """The 'auds' stream headers, in stream order."""
    head = read(0, min(HEAD, size))
    if head[:4] != b"RIFF" or head[8:12] not in (b"AVI ", b"AVIX"):
        return []
    found = []
    at = head.find(b"strh")
    while 0 <= at and at + 56 <= len(head):
        body = head[at + 8 : at + 56]
        if body[:4] == b"auds":
            scale, rate, _start, length = struct.unpack("<IIII", body[20:36])
            sample_size = struct.unpack("<I", body[44:48])[0]
            strf = at + 8 + struct.unpack("<I", head[at + 4 : at + 8])[0]
            strf += strf & 1
            byte_rate = 0
            if head[strf : strf + 4] == b"strf" and strf + 20 <= len(head):
                byte_rate = struct.unpack("<I", head[strf + 16 : strf + 20])[0]
            if scale and rate:
                found.append(AudioHeader(Fraction(scale, rate), length, sample_size, byte_rate))
        at = head.find(b"strh", at + 8)
    return found


class Avi(Family):
    def read(self, facts: Facts, read: Callable[[int, int], bytes], text: str) -> None:
        facts.avi_headers = audio_headers(read, facts.size)
        if any(track.format == "JPEG" for track in facts.inspection.of_type("Video")):
            facts.jpeg_limited_range = jpeg.avi_itu601(read, facts.size)

    def time_base(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        rate, fps = sample_rate(track), frame_rate(track)
        if kind == "video":
            return 1 / fps if fps else None
        header = facts.avi_audio(track)
        if header is not None:
            return header.time_base
        spf = samples_per_frame(track, codec)
        if (codec or "").startswith("pcm_") or not spf:
            return Fraction(1, rate) if rate else None
        return Fraction(spf, rate) if rate else None

    def seconds(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        rate = sample_rate(track)
        if kind == "audio" and rate:
            if (header := facts.avi_audio(track)) is not None:
                return header.duration
            samples, spf = integer(track.samples_count), samples_per_frame(track, codec)
            if (codec or "").startswith("pcm_") or not samples or not spf:
                return None
            return Fraction(round(samples / spf) * spf, rate)  # MediaInfo's count is ms-rounded
        if kind == "video":
            frames, fps = integer(track.frame_count), frame_rate(track)
            if frames and fps:
                return frames / fps
        return super().seconds(track, kind, codec, facts)

    def bitrate(self, track: Track, kind: str, codec: str | None, facts: Facts) -> int | None:
        if kind == "video":  # calculate_bitrate: index bytes over the index's span (last minus first frame)
            size = integer(track.source_stream_size) or integer(track.stream_size)
            frames, fps = integer(track.frame_count), frame_rate(track)
            if size and frames and frames >= 2 and fps:
                return rescale(size * 8 * fps / (frames - 1), Fraction(1))
            return integer(track.bit_rate)
        if (header := facts.avi_audio(track)) is not None and header.byte_rate:
            return header.byte_rate * 8  # the WAVEFORMATEX's, as avidec keeps it
        return super().bitrate(track, kind, codec, facts)

    def frame_count(self, track: Track, kind: str, codec: str | None, facts: Facts) -> int | None:
        if kind == "audio" and (header := facts.avi_audio(track)) is not None:
            return header.length
        return super().frame_count(track, kind, codec, facts)
