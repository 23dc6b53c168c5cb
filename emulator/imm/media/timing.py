"""Stream time bases, start times, durations, bit rates and frame counts, by the rules of the stream's
container family (family.py and the family modules); and the container totals, the way libavformat's
update_stream_timings does.

Times are kept as integer ticks of the stream's time base (ffprobe's start_pts / duration_ts), so the
same rounding applies as in libavformat.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from pymediainfo import Track

from .tables import table
from .values import integer, rate_from_decimal, rescale

if TYPE_CHECKING:
    from .facts import Facts
    from .family import Family

MICROSECOND = Fraction(1, 1_000_000)


@dataclass
class StreamTiming:
    time_base: Fraction | None = None
    start: int | None = None  # ticks of time_base
    duration: int | None = None
    bitrate: int | None = None
    frame_count: int | None = None
    average_rate: Fraction | None = None
    text: bool = False  # subtitle/data: libavformat weighs these apart

    def seconds(self, ticks: int | None) -> Fraction | None:
        return None if ticks is None or self.time_base is None else ticks * self.time_base


def frame_rate(track: Track) -> Fraction | None:
    """The nominal frame rate MediaInfo states (exact numerator/denominator when it has them)."""
    num, den = integer(track.framerate_num), integer(track.framerate_den)
    if num and den:
        return Fraction(num, den)
    return rate_from_decimal(track.frame_rate, table("video")["frame_rate_bases"])


def vui_rate(codec: str | None, facts: Facts) -> Fraction | None:
    """H.264 VUI ticks are fields (two per frame); HEVC's are frames."""
    timing = facts.video_timing
    if not timing.time_scale or not timing.num_units_in_tick or len(facts.inspection.of_type("Video")) != 1:
        return None
    per_frame = 2 if codec == "h264" else 1
    return Fraction(timing.time_scale, timing.num_units_in_tick * per_frame)


def sample_rate(track: Track) -> int | None:
    return integer(track.sampling_rate)


def samples_per_frame(track: Track, codec: str | None) -> int | None:
    spf = integer(track.samples_per_frame)
    if spf:
        return spf
    if codec == "mp3":
        return table("audio")["mp3_samples_per_frame"].get(track.format_version, 1152)
    return table("audio")["samples_per_frame"].get(codec or "")


def stream_timing(track: Track, kind: str, codec: str | None, facts: Facts, family: Family) -> StreamTiming:
    """One stream's times by its family's rules, each field only where ffprobe prints it."""
    timing = StreamTiming(text=kind != "video" and kind != "audio")
    if track.track_type == "Image":  # an attached picture: one packet, no timestamps of its own
        timing.time_base = Fraction(1, 90000)
        return timing
    container = facts.container
    timing.time_base = family.time_base(track, kind, codec, facts)
    if timing.time_base is None:
        return timing
    start = family.start(track, kind, codec, facts)
    timing.start = None if start is None else rescale(start, timing.time_base)
    if container.reports(container.stream_duration, kind, codec):
        timing.duration = family.duration(track, kind, codec, facts, timing.time_base)
    # PCM's bit rate follows from its format: libavcodec states it whatever the demuxer says
    if container.reports(container.stream_bitrate, kind, codec) or (codec or "").startswith("pcm_"):
        timing.bitrate = family.bitrate(track, kind, codec, facts)
    if container.reports(container.frame_count, kind, codec):
        timing.frame_count = family.frame_count(track, kind, codec, facts)
    if kind == "video":
        timing.average_rate = family.average_rate(track, facts)
    return timing


# -- container totals ------------------------------------------------------------------------------------
@dataclass
class Totals:
    start: int | None = None  # microseconds
    duration: int | None = None
    bitrate: int | None = None


def container_totals(
    streams: list[StreamTiming], header_duration: Fraction | None, size: int, from_pts: bool
) -> Totals:
    """libavformat estimate_timings: fill streams lacking times from the container, then total up."""
    header_us = None if header_duration is None else rescale(header_duration, MICROSECOND)
    first = _update(streams, header_us)
    if not from_pts and first.duration is not None:  # fill_all_stream_timings runs only has_duration()
        for stream in streams:
            if stream.start is None and stream.time_base:
                if first.start is not None:
                    stream.start = rescale(first.start * MICROSECOND, stream.time_base)
                if first.duration is not None:
                    stream.duration = rescale(first.duration * MICROSECOND, stream.time_base)
    totals = _update(streams, header_us)
    totals.duration = first.duration  # ic->duration is set once, before the fill; only start_time moves
    if totals.duration and totals.duration > 0 and size > 0:
        totals.bitrate = int(size * 8.0 * 1_000_000 / totals.duration)
    return totals


def _update(streams: list[StreamTiming], header_us: int | None) -> Totals:
    starts: dict[bool, list[int]] = {False: [], True: []}
    ends: dict[bool, list[int]] = {False: [], True: []}
    durations: dict[bool, list[int]] = {False: [], True: []}
    for stream in streams:
        if not stream.time_base:
            continue
        if stream.start is not None:
            start_us = rescale(stream.start * stream.time_base, MICROSECOND)
            starts[stream.text].append(start_us)
            if stream.duration is not None:
                ends[stream.text].append(start_us + rescale(stream.duration * stream.time_base, MICROSECOND))
        if stream.duration is not None:
            durations[stream.text].append(rescale(stream.duration * stream.time_base, MICROSECOND))
    start = _primary(starts, min, lambda main, text: main > text and main - text < 1_000_000)
    end = _primary(ends, max, lambda main, text: main < text and text - main < 1_000_000)
    duration = _primary(durations, max, lambda main, text: main < text and text - main < 1_000_000)
    if start is not None and end is not None and end >= start:
        duration = max(duration if duration is not None else end - start, end - start)
    if header_us is not None:
        duration = header_us
    elif duration is not None and duration <= 0:
        duration = None
    return Totals(start=start, duration=duration)


def _primary(values: dict[bool, list[int]], pick, prefer_text) -> int | None:
    main = pick(values[False]) if values[False] else None
    text = pick(values[True]) if values[True] else None
    if main is None or (text is not None and prefer_text(main, text)):
        return text
    return main
