"""What each demuxer takes from the bytes that MediaInfo's report rounds or leaves out, one reader per
container family in one table: the route of a file is sniff -> MediaInfo -> ``READERS[container]`` ->
streams (timing.py applies ffprobe's timing rules to these facts) -> render. Each reader calls the
module of its family (mp4, ebml, avi, asf, ogg, pes, wav, au, wavpack, mp3, aiff, flac...) for the
structural reads; ``trace`` is MediaInfo's trace where the probe asked for one, else ''."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from . import (
    aiff,
    asf,
    au,
    avi,
    boxes,
    ebml,
    flv,
    jpeg,
    mp3,
    mp4,
    ogg,
    pes,
    probe_window,
    swf,
    trace,
    wav,
    wavpack,
)
from .facts import Facts
from .probe_window import running_average
from .timing import frame_rate
from .values import integer

Read = Callable[[int, int], bytes]


def _mp4(facts: Facts, read: Read, text: str) -> None:
    if not text:
        return
    facts.movie = trace.mp4(text)
    for name, (offset, length) in trace.payloads(text, {"loci", "dOps"}).items():
        if length <= boxes.READ_LIMIT:
            payload = read(offset, length)
            if name == "loci":
                facts.location = boxes.loci_position(payload)
            else:
                facts.opus_channels = boxes.opus_channels(payload)
    if facts.movie.fragmented:
        _mp4_fragments(facts, read)
    for cover in trace.mp4_covers(text):  # iTunes covr: attached pictures
        facts.read_picture(cover, read)


def _mp4_fragments(facts: Facts, read: Read) -> None:
    """A fragmented file's samples are in its moof boxes: each track lasts, counts and weighs as they
    say (mov.c reads them all when it opens a seekable file, or only the first where a segment index
    covering the file stands for the rest)."""
    assert facts.movie is not None
    found = mp4.fragments(read, facts.size)
    for track_id, totals in found.tracks.items():
        track = facts.movie.tracks.get(track_id)
        if track is None or not totals.samples:
            continue
        track.media_duration = max(track.media_duration or 0, totals.end)
        if track_id in found.indexed and track.timescale:
            scale, length = found.indexed[track_id]
            track.media_duration = length * track.timescale // scale
            if totals.first_pts is not None:  # decoded from the index's earliest time, not the tfdt
                earliest = found.earliest[track_id] * track.timescale // scale
                totals.first_pts += earliest - totals.first_decode
        track.stts_duration += totals.duration
        track.stts_samples += totals.samples
        track.sample_bytes = (track.sample_bytes or 0) + totals.size
        track.first_pts = None if totals.first_pts is None else totals.first_pts + totals.dts_shift


def _matroska(facts: Facts, read: Read, text: str) -> None:
    if any(not frame_rate(track) for track in facts.inspection.of_type("Video")):  # MediaInfo states none
        facts.default_durations = ebml.default_durations(read, facts.size)
    date, scale, duration = ebml.segment_info(read, facts.size)
    facts.matroska_tick = Fraction(scale, 1_000_000_000)
    if duration is not None:  # matroskadec: Duration x TimestampScale, in microseconds (truncated)
        facts.matroska_duration = Fraction(int(duration * scale / 1000), 1_000_000)
    if date is not None:  # matroskadec: date_utc / 1000 (C division) + 2001-01-01 in microseconds
        facts.creation_us = (date // 1000 if date >= 0 else -(-date // 1000)) + 978_307_200_000_000
    for mime, offset, length in ebml.attached_images(read, facts.size):
        facts.attached_pictures += facts.read_picture(trace.Picture(mime, offset, length), read)


def _flv(facts: Facts, read: Read, text: str) -> None:
    if text:
        facts.flv = trace.flv(text)
    if any(track.format == "MPEG Audio" for track in facts.inspection.of_type("Audio")):
        rates = flv.mp3_frame_rates(read, facts.size, pes.AUDIO_HEAD)
        if rates:
            facts.audio_bitrates[0] = running_average(rates)  # FLV has one audio stream
    aac = [track for track in facts.inspection.of_type("Audio") if track.format == "AAC"]
    channels = flv.aac_channels(read, facts.size) if aac else None
    for track in aac if channels else []:
        setattr(track, "channel_s", channels)  # noqa: B010 (Track is untyped)


def _mp3(facts: Facts, read: Read, text: str) -> None:
    if text:
        facts.mp3 = trace.mp3(text)
    facts.mp3_window = probe_window.mp3_window(read, facts.size)
    facts.mp3_encoder_tag = mp3.encoder_tag(read)


def _aac(facts: Facts, read: Read, text: str) -> None:
    facts.adts_frames = probe_window.adts_frame_lengths(read, facts.size)


def _ogg(facts: Facts, read: Read, text: str) -> None:
    if text:
        facts.ogg_granule = trace.ogg_last_granule(text)
    if facts.inspection.of_type("Video"):
        facts.ogg_video_frames = ogg.video_lengths(read, facts.size)


def _flac(facts: Facts, read: Read, text: str) -> None:
    if text:
        facts.read_picture(trace.flac_picture(text), read)


def _wav(facts: Facts, read: Read, text: str) -> None:
    facts.wav_byte_rate = wav.byte_rate(read, facts.size)
    for picture in wav.id3_pictures(read, facts.size):
        facts.read_picture(picture, read)


def _aiff(facts: Facts, read: Read, text: str) -> None:
    facts.aiff_frames = aiff.sample_frames(read, facts.size)


def _au(facts: Facts, read: Read, text: str) -> None:
    found = au.header(read, facts.size)
    if found is not None:
        for track in facts.inspection.of_type("Audio"):
            au.describe(track, found)


def _wavpack(facts: Facts, read: Read, text: str) -> None:
    samples = wavpack.total_samples(read)
    if samples:
        for track in facts.inspection.of_type("Audio"):
            wavpack.describe(track, samples)


def _avi(facts: Facts, read: Read, text: str) -> None:
    facts.avi_headers = avi.audio_headers(read, facts.size)
    if any(track.format == "JPEG" for track in facts.inspection.of_type("Video")):
        facts.jpeg_limited_range = jpeg.avi_itu601(read, facts.size)


def _asf(facts: Facts, read: Read, text: str) -> None:
    facts.asf = asf.timing(read, facts.size, len(facts.inspection.of_type("Video", "Audio", "Text")))


def _swf(facts: Facts, read: Read, text: str) -> None:
    found = swf.streams(read, facts.size)
    for track in facts.inspection.of_type("Video", "Audio"):
        kind = track.track_type.lower()
        if kind == "video" and not track.frame_rate:  # the movie's frame rate is the video's (swfdec)
            setattr(track, "frame_rate", facts.general.frame_rate)  # noqa: B010 (Track is untyped)
        if kind in found.order:  # swfdec indexes streams as their tags define them
            setattr(track, "streamorder", str(found.order.index(kind)))  # noqa: B010
        if kind == "audio" and found.audio_bitrate and not track.bit_rate:
            setattr(track, "bit_rate", found.audio_bitrate)  # noqa: B010


def _mpeg(facts: Facts, read: Read, text: str) -> None:
    """ffprobe indexes a program stream's streams as their first packets arrive; a stream map declares
    MPEG audio as MP3; the last timestamps time the streams."""
    head = read(0, min(pes.HEAD, facts.size))
    facts.ps_order, facts.ps_stream_map = pes.program_stream_order(head), b"\0\0\1\xbc" in head
    for track in facts.inspection.of_type("Video", "Audio", "Text"):
        if str(track.track_id) in facts.ps_order:
            setattr(track, "streamorder", str(facts.ps_order.index(str(track.track_id))))  # noqa: B010
    tail = read(max(0, facts.size - pes.TAIL), min(pes.TAIL, facts.size))
    facts.last_pts = dict(pes.program_stream(tail).items())  # stream ids (str)
    _average_audio_rates(facts, read, pes.program_audio_rates)


def _mpegts(facts: Facts, read: Read, text: str) -> None:
    tail = read(max(0, facts.size - pes.TAIL), min(pes.TAIL, facts.size))
    facts.last_pts = dict(pes.transport_stream(tail).items())  # PIDs (int)
    facts.ts_programs = pes.transport_programs(read(0, min(pes.TS_HEAD, facts.size)))
    _average_audio_rates(facts, read, pes.transport_audio_rates)


def _average_audio_rates(
    facts: Facts, read: Read, rates_of: Callable[[bytes, int, str, int], list[int]]
) -> None:
    """ffprobe's AAC and MPEG audio parsers average the frames they probe into the bit rate, where
    MediaInfo states none (AAC) or the first frame's (VBR MPEG audio)."""
    tracks = [t for t in facts.inspection.of_type("Audio") if t.format in ("AAC", "MPEG Audio")]
    head = read(0, min(pes.AUDIO_HEAD, facts.size)) if tracks else b""
    for track in tracks:
        stream, rate = integer(str(track.track_id).split("-")[0]), integer(track.sampling_rate)
        if stream is not None and rate:
            rates = rates_of(head, stream, "aac" if track.format == "AAC" else "mpeg", rate)
            if rates:
                facts.audio_bitrates[stream] = running_average(rates)


READERS: dict[str, Callable[[Facts, Read, str], None]] = {
    "mov,mp4,m4a,3gp,3g2,mj2": _mp4,
    "matroska,webm": _matroska,
    "flv": _flv,
    "mp3": _mp3,
    "aac": _aac,
    "ogg": _ogg,
    "flac": _flac,
    "wav": _wav,
    "aiff": _aiff,
    "au": _au,
    "wv": _wavpack,
    "avi": _avi,
    "asf": _asf,
    "swf": _swf,
    "mpeg": _mpeg,
    "mpegts": _mpegts,
}


def read_facts(facts: Facts, read: Read) -> Facts:
    """Add what the container's reader finds, and the video's VUI timing from the trace."""
    text = facts.inspection.trace
    reader = READERS.get(facts.container.name)
    if reader is not None:
        reader(facts, read, text)
    if text:
        facts.video_timing = trace.vui(text)
    return facts
