"""Stream time bases, start times, durations, bit rates and frame counts, the way each FFmpeg demuxer
derives them; and the container totals, the way libavformat's update_stream_timings does.

Times are kept as integer ticks of the stream's time base (ffprobe's start_pts / duration_ts), so the
same rounding applies as in libavformat.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from pymediainfo import Track

from .facts import Facts
from .probe_window import running_average
from .tables import table
from .values import exact, integer, rate_from_decimal, rescale

MICROSECOND = Fraction(1, 1_000_000)
MPEG1_VARIABLE_RATE = 0x3FFFF * 400
LAME_PRIMING = 1105  # encoder delay 576 + decoder delay 529: FFmpeg's start_pad for LAME/Lavf tagged MP3


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


def stream_timing(track: Track, kind: str, codec: str | None, facts: Facts) -> StreamTiming:
    timing = StreamTiming(text=kind != "video" and kind != "audio")
    if track.track_type == "Image":  # an attached picture: one packet, no timestamps of its own
        timing.time_base = Fraction(1, 90000)
        return timing
    container = facts.container
    timing.time_base = _time_base(track, kind, codec, facts)
    if timing.time_base is None:
        return timing
    # an MPEG stream whose packets carry no timestamps (none in the tail) has no times for ffprobe
    untimed = container.name in ("mpeg", "mpegts") and not facts.last_pts
    start = None if untimed else _START[container.start](track, kind, codec, facts)
    timing.start = None if start is None else rescale(start, timing.time_base)
    if container.reports(container.stream_duration, kind, codec) and not untimed:
        timing.duration = _duration(track, kind, codec, facts, timing.time_base)
    # PCM's bit rate follows from its format: libavcodec states it whatever the demuxer says
    if container.reports(container.stream_bitrate, kind, codec) or (codec or "").startswith("pcm_"):
        timing.bitrate = _bitrate(track, kind, codec, facts)
    if container.reports(container.frame_count, kind, codec):
        timing.frame_count = _frame_count(track, kind, codec, facts)
    if kind == "video" and container.time_base == "mp4":
        timing.average_rate = _mp4_average_rate(track, facts)
    return timing


# -- time base ---------------------------------------------------------------------------------------
def _time_base(track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
    rule = facts.container.time_base
    if "/" in rule:
        return Fraction(rule)
    rate, fps = sample_rate(track), frame_rate(track)
    if rule == "mp4":
        return _mp4_time_base(track, kind, facts, rate, fps)
    if rule == "sample_rate":
        return Fraction(1, rate) if kind == "audio" and rate else (1 / fps if fps else None)
    if rule == "matroska":
        return facts.matroska_tick
    if rule == "nsv":  # nsvdec: video in frames, audio in 1/1000 of a frame (the file's frame rate)
        fps = fps or frame_rate(facts.general)
        return None if not fps else (1 / fps if kind == "video" else 1 / (fps * 1000))
    if rule == "avi":
        if kind == "video":
            return 1 / fps if fps else None
        header = facts.avi_audio(track)
        if header is not None:
            return header.time_base
        spf = samples_per_frame(track, codec)
        if (codec or "").startswith("pcm_") or not spf:
            return Fraction(1, rate) if rate else None
        return Fraction(spf, rate) if rate else None
    return None


def _mp4_time_base(track: Track, kind: str, facts: Facts, rate: int | None, fps: Fraction | None):
    info = facts.mp4_track(track)
    if info and info.timescale:
        return Fraction(1, info.timescale)
    if kind == "audio" and rate:
        return Fraction(1, rate)
    if kind != "video":
        return Fraction(1, 1000)
    writer = f"{facts.general.writing_application or ''} {facts.general.encoded_application or ''}"
    if fps and fps.denominator == 1 and "Lavf" in writer:  # FFmpeg's muxer: fps * 2^n >= 10000
        scale = fps.numerator
        while scale < 10000:
            scale *= 2
        return Fraction(1, scale)
    return Fraction(1, 600) if (facts.general.comapplequicktimemake or "").startswith("Apple") else None


# -- start ---------------------------------------------------------------------------------------------
def _start_zero(track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
    return Fraction(0)


def _start_mp4(track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
    info = facts.mp4_track(track)
    if info and info.first_pts is not None and info.timescale:
        # fragments: the first sample's presentation time (mov.c applies no edit list to fragments)
        return Fraction(info.first_pts, info.timescale)
    if info and info.edits and info.edits[0][1] == -1 and facts.movie and facts.movie.timescale:
        return Fraction(info.edits[0][0], facts.movie.timescale)  # an empty edit delays the track
    return Fraction(0)


def _start_delay(track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
    if facts.flv and kind == "video" and facts.flv.first_video_pts is not None:
        return Fraction(facts.flv.first_video_pts, 1000)
    delay = exact(track.delay)
    if delay is None:
        return None
    start = delay / 1000
    if facts.container.name == "matroska,webm" and codec == "opus":
        start -= Fraction(7, 1000)  # CodecDelay 6.5 ms (312-sample pre-skip) in 1 ms ticks, rounded
    return start


def _start_mp3(track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
    rate = sample_rate(track)
    tagged = facts.mp3_encoder_tag  # a Xing/Info frame: primed only if it names its encoder
    if tagged is not None:
        primed = tagged
    else:
        primed = facts.mp3.xing if facts.mp3 else "LAME" in str(track.writing_library or "")
    return Fraction(LAME_PRIMING, rate) if primed and rate else Fraction(0)


def _start_none(track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
    return None


def _start_asf(track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
    """The stream's first presentation time less the preroll (asfdec)."""
    found = facts.asf
    first = found.first_ms.get(integer(track.track_id) or -1) if found else None
    return Fraction(max(0, first - found.preroll_ms), 1000) if found and first is not None else Fraction(0)


def _start_video_zero(track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
    return Fraction(0) if kind == "video" else None


_START = {
    "none": _start_none,
    "zero": _start_zero,
    "mp4": _start_mp4,
    "delay": _start_delay,
    "mp3": _start_mp3,
    "video_zero": _start_video_zero,
    "asf": _start_asf,
}


# -- duration ------------------------------------------------------------------------------------------
def _duration(track: Track, kind: str, codec: str | None, facts: Facts, time_base: Fraction) -> int | None:
    name = facts.container.name
    if facts.container.time_base == "mp4":
        info = facts.mp4_track(track)
        if info and info.timescale and facts.movie and facts.movie.timescale:
            return _mp4_duration(info, facts.movie.timescale, time_base)
    if name == "asf" and facts.asf:  # every stream: the play duration less the preroll
        return rescale(Fraction(facts.asf.duration_ms, 1000), time_base)
    seconds = _duration_seconds(track, kind, codec, facts, name)
    return None if seconds is None else rescale(seconds, time_base)


def _last_packet_end(track: Track, frame: Fraction, facts: Facts) -> Fraction | None:
    """estimate_timings_from_pts: the highest PES PTS plus one frame (rounded down), less the start."""
    key: int | str | None = str(track.track_id or "")
    if facts.container.name == "mpegts":
        key = integer(track.track_id)
    last, delay = facts.last_pts.get(key), exact(track.delay)  # type: ignore[arg-type]
    if last is None or delay is None:
        return None
    tick = Fraction(1, 90000)
    ticks = last + int(frame / tick) - rescale(delay / 1000, tick)
    return ticks * tick if ticks > 0 else None


def _mp4_duration(info, movie_timescale: int, time_base: Fraction) -> int | None:
    """mov.c after applying the edit list: presentation ends where the samples end, shifted by the
    edit's media time unless composition offsets (B-frames) already push the last picture that late,
    and never past the edit itself."""
    edits = [(length, media_time) for length, media_time in info.edits if media_time != -1]
    if not edits:
        return info.media_duration
    media_time = edits[0][1]
    end = info.stts_duration or info.media_duration or 0
    if not info.composition_offsets:
        end -= media_time
    edit_end = rescale(Fraction(sum(length for length, _ in edits), movie_timescale), time_base)
    return min(end, edit_end) if end > 0 else edit_end


def _duration_seconds(track: Track, kind: str, codec: str | None, facts: Facts, name: str) -> Fraction | None:
    rate = sample_rate(track)
    if kind == "audio" and rate:
        spf = samples_per_frame(track, codec)
        if name in ("mpegts", "mpeg") and facts.last_pts and spf:
            end = _last_packet_end(track, Fraction(spf, rate), facts)
            if end is not None:
                return end
        if name == "mp3":
            if facts.mp3 and facts.mp3.frames and spf:  # the Xing/VBRI frame count
                return Fraction(facts.mp3.frames * spf, rate)
            if facts.mp3_window:  # estimate_timings_from_bit_rate, from the first frame on
                bitrate, start = facts.mp3_window
                return Fraction((facts.size - start) * 8, bitrate)
            frames = integer(track.frame_count)
            if frames and spf:
                return Fraction(frames * spf, rate)
        if name == "ogg" and facts.ogg_granule is not None and len(facts.inspection.of_type("Audio")) == 1:
            return Fraction(facts.ogg_granule, rate)
        if name == "avi" and (header := facts.avi_audio(track)) is not None:
            return header.duration
        if name == "avi":
            samples = integer(track.samples_count)
            if (codec or "").startswith("pcm_") or not samples or not spf:
                return None
            return Fraction(round(samples / spf) * spf, rate)  # MediaInfo's count is ms-rounded
        if name == "aac":  # estimate_timings_from_bit_rate: the file size over the average bit rate
            adts_bitrate = _adts_bitrate(facts, rate)
            return Fraction(facts.size * 8, adts_bitrate) if adts_bitrate else None
        if name == "aiff" and facts.aiff_frames is not None:
            return Fraction(facts.aiff_frames, rate)
        if name in ("wav", "flac", "aiff") and integer(track.samples_count):
            return Fraction(integer(track.samples_count) or 0, rate)
    if kind == "video" and name in ("mpegts", "mpeg") and facts.last_pts:
        fps = frame_rate(track) or vui_rate(codec, facts)
        end = _last_packet_end(track, Fraction(1) / fps, facts) if fps else None
        if end is not None:
            return end
    serial = integer(track.track_id)
    if kind == "video" and name == "ogg" and serial is not None and serial in facts.ogg_video_frames:
        fps = frame_rate(track)  # ogg_get_length: the last granule, as frames
        return facts.ogg_video_frames[serial] / fps if fps else None
    if kind == "video" and name == "avi":
        frames, fps = integer(track.frame_count), frame_rate(track)
        if frames and fps:
            return frames / fps
    milliseconds = exact(track.source_duration) if kind == "video" else None
    milliseconds = milliseconds or exact(track.duration)
    return None if milliseconds is None else milliseconds / 1000


# -- bit rate and frame count ----------------------------------------------------------------------------
def _bitrate(track: Track, kind: str, codec: str | None, facts: Facts) -> int | None:
    name = facts.container.name
    stated = integer(track.bit_rate)
    size = integer(track.source_stream_size) or integer(track.stream_size)
    if facts.container.time_base == "mp4":
        info = facts.mp4_track(track)
        size = (info.sample_bytes if info else None) or size
        if info and info.timescale and info.stts_duration and size:
            if info.sample_bytes and info.media_duration:  # fragments: the bytes read over the duration
                return rescale(Fraction(size * 8 * info.timescale, info.media_duration), Fraction(1))
            return size * 8 * info.timescale // info.stts_duration  # sample tables: mov.c truncates
        return stated
    if name == "avi" and kind == "video":
        return _avi_bitrate(track, size) or stated
    if name == "avi" and (header := facts.avi_audio(track)) is not None and header.byte_rate:
        return header.byte_rate * 8  # the WAVEFORMATEX's, as avidec keeps it
    if name == "wav" and kind == "audio":
        return _wav_bitrate(track, codec, facts) or stated
    if name == "flv":  # flvdec: onMetaData kbit/s * 1024 (MediaInfo prints 3 decimals)
        rate = facts.flv.metadata.get(f"{kind}datarate") if facts.flv else None
        if not rate and codec == "mp3":  # no rate in the metadata: flvdec parses MP3, whose parser sets it
            return facts.audio_bitrates.get(0) or stated
        if rate is not None:
            return _kilobits_1024(rate) or None
        return round(stated * 1.024) if stated and kind == "audio" else None
    if codec == "mpeg1video":  # the sequence header's bit_rate; 0x3FFFF (x400) marks variable rate
        if track.bit_rate_mode == "VBR":  # MediaInfo: the header's rate (unless the marker) as the maximum
            return integer(track.maximum_bit_rate) or MPEG1_VARIABLE_RATE
        return integer(track.nominal_bit_rate) or stated
    if name == "aac":
        return _adts_bitrate(facts, sample_rate(track))
    stream = integer(str(track.track_id).split("-")[0])
    if name in ("mpegts", "mpeg") and stream in facts.audio_bitrates:
        return facts.audio_bitrates[stream or 0]
    if name == "mp3" and facts.mp3 and facts.mp3.bytes and track.bit_rate_mode == "VBR":
        rate, spf = sample_rate(track), samples_per_frame(track, codec)
        if facts.mp3.frames and rate and spf:
            return rescale(Fraction(facts.mp3.bytes * 8 * rate, facts.mp3.frames * spf), Fraction(1))
    if name == "mp3" and not (facts.mp3 and facts.mp3.frames) and facts.mp3_window:
        return facts.mp3_window[0]
    return stated


def _kilobits_1024(printed: float) -> int:
    """onMetaData's rate * 1024, where MediaInfo printed the rate cut to 3 decimals: prefer the round
    figure (encoders write target/1024) that the printed value could have come from."""
    low, high = printed * 1024, (printed + 0.001) * 1024
    for step in (1000, 100, 10):
        candidate = -(-int(low) // step) * step
        if low <= candidate < high:
            return candidate
    return round(low)


def _wav_bitrate(track: Track, codec: str | None, facts: Facts) -> int | None:
    """A codec with a fixed sample size: rate x channels x bits (G.711 is 8); else the header's byte rate."""
    bits = 8 if codec in ("pcm_mulaw", "pcm_alaw") else None
    if bits is None and (codec or "").startswith("pcm_"):
        return None  # MediaInfo's figure is that product already
    rate, channels = sample_rate(track), integer(track.channel_s)
    if bits and rate and channels:
        return rate * channels * bits
    return facts.wav_byte_rate * 8 if facts.wav_byte_rate else None


def _adts_bitrate(facts: Facts, rate: int | None) -> int | None:
    """The ADTS parser's running average of per-frame bit rates over the frames probing reads."""
    return running_average([length * 8 * (rate or 0) // 1024 for length in facts.adts_frames]) or None


def _avi_bitrate(track: Track, size: int | None) -> int | None:
    """avidec's calculate_bitrate: index bytes over the index's time span (last minus first frame)."""
    frames, fps = integer(track.frame_count), frame_rate(track)
    if not size or not frames or frames < 2 or not fps:
        return None
    return rescale(size * 8 * fps / (frames - 1), Fraction(1))


def _frame_count(track: Track, kind: str, codec: str | None, facts: Facts) -> int | None:
    if facts.container.time_base == "mp4":
        info = facts.mp4_track(track)
        if info and info.samples is not None:
            return info.samples or None  # ffprobe prints N/A for 0 (a fragmented file's moov)
        return integer(track.source_frame_count) or integer(track.frame_count)
    if kind == "audio" and facts.container.name == "aiff" and facts.aiff_frames is not None:
        return facts.aiff_frames
    if kind == "audio" and (header := facts.avi_audio(track)) is not None:
        return header.length
    if kind == "audio":
        samples, spf = integer(track.samples_count), samples_per_frame(track, codec)
        if (codec or "").startswith("pcm_"):
            return samples
        return round(samples / spf) if samples and spf else None
    return integer(track.frame_count)


def _mp4_average_rate(track: Track, facts: Facts) -> Fraction | None:
    info = facts.mp4_track(track)
    if info and info.timescale and info.stts_duration and info.stts_samples:
        return Fraction(info.stts_samples * info.timescale, info.stts_duration)
    frames, milliseconds = integer(track.frame_count), exact(track.source_duration) or exact(track.duration)
    return Fraction(frames * 1000) / milliseconds if frames and milliseconds else None


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
