"""A container family's ffprobe rules. Each family module (mp4, ebml, avi, asf, flv, ogg, pes, mp3, wav,
aiff, flac, au, wavpack, swf, nsv) subclasses ``Family`` for its demuxer: ``read`` adds what the demuxer
takes from the bytes that MediaInfo's report rounds or leaves out, and the other methods say how it
times, weighs and counts each stream. The defaults here are what most demuxers share: the container's
time base and start rule from data/containers.json, and MediaInfo's own figures."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from pymediainfo import Track

from .timing import frame_rate, sample_rate, samples_per_frame
from .values import exact, integer, rescale

if TYPE_CHECKING:
    from .facts import Facts

Read = Callable[[int, int], bytes]
MPEG1_VARIABLE_RATE = 0x3FFFF * 400


class Family:
    from_pts = False  # streams timed by their last packets' timestamps (estimate_timings_from_pts)

    def read(self, facts: Facts, read: Read, text: str) -> None:
        """Add to ``facts`` what the demuxer reads beyond MediaInfo's report (``text``: MediaInfo's trace
        where the probe asked for one, else '')."""

    def time_base(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        rule = facts.container.time_base
        if "/" in rule:
            return Fraction(rule)
        rate, fps = sample_rate(track), frame_rate(track)
        if rule == "sample_rate":
            return Fraction(1, rate) if kind == "audio" and rate else (1 / fps if fps else None)
        return None

    def start(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        """In seconds; None where ffprobe states no start time for the stream."""
        rule = facts.container.start
        if rule == "zero" or (rule == "video_zero" and kind == "video"):
            return Fraction(0)
        if rule == "delay":
            delay = exact(track.delay)
            return None if delay is None else delay / 1000
        return None

    def duration(
        self, track: Track, kind: str, codec: str | None, facts: Facts, time_base: Fraction
    ) -> int | None:
        """In ticks of ``time_base``."""
        seconds = self.seconds(track, kind, codec, facts)
        return None if seconds is None else rescale(seconds, time_base)

    def seconds(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        milliseconds = exact(track.source_duration) if kind == "video" else None
        milliseconds = milliseconds or exact(track.duration)
        return None if milliseconds is None else milliseconds / 1000

    def bitrate(self, track: Track, kind: str, codec: str | None, facts: Facts) -> int | None:
        if codec == "mpeg1video":  # the sequence header's bit_rate; 0x3FFFF (x400) marks variable rate
            if track.bit_rate_mode == "VBR":  # MediaInfo: the header's rate (unless the marker) as maximum
                return integer(track.maximum_bit_rate) or MPEG1_VARIABLE_RATE
            return integer(track.nominal_bit_rate) or integer(track.bit_rate)
        return integer(track.bit_rate)

    def frame_count(self, track: Track, kind: str, codec: str | None, facts: Facts) -> int | None:
        if kind != "audio":
            return integer(track.frame_count)
        samples, spf = integer(track.samples_count), samples_per_frame(track, codec)
        if (codec or "").startswith("pcm_"):
            return samples
        return round(samples / spf) if samples and spf else None

    def average_rate(self, track: Track, facts: Facts) -> Fraction | None:
        """A video stream's average frame rate where the demuxer computes one (else the nominal rate)."""
        return None

    def header_duration(self, facts: Facts) -> Fraction | None:
        """The file's duration as the demuxer's own header states it, which ffprobe keeps over the
        streams' (None: the streams' starts and ends decide)."""
        return None

    def unlisted_streams(self, facts: Facts) -> int:
        """Streams ffprobe counts that the answer's lists leave out."""
        return 0


def sample_count_seconds(track: Track) -> Fraction | None:
    """Lossless and PCM files: the stream's sample count over its rate."""
    rate, samples = sample_rate(track), integer(track.samples_count)
    return Fraction(samples, rate) if rate and samples else None


def general_seconds(facts: Facts) -> Fraction | None:
    """MediaInfo's file duration, in seconds."""
    milliseconds = exact(facts.general.duration)
    return milliseconds / 1000 if milliseconds is not None else None
