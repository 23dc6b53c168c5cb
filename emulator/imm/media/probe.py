"""DetectMediaMeta: probe a media object with MediaInfo and answer with ffprobe's names and values.

The real IMM service is evidently built on ffprobe; the emulator reads the same bytes with MediaInfo
(pymediainfo) and maps its report onto what ffprobe would print, using lookup tables (``data/``) and the
few facts MediaInfo's trace adds. Reading is bounded in bytes and time, so hostile objects fail fast
with an ``InvalidArgument`` error instead of hanging the emulator.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from pymediainfo import Track

from ...errors import ImmError
from . import flac, geo, mp3, pes, shape, wav, workers
from .cache import ANSWERS, AnswerCache
from .containers import MOV, Container, by_name, container_for
from .facts import Facts
from .families import family_for, read_facts
from .general import general_tags, position
from .jpeg import avi_chroma
from .mediainfo import Inspection, inspect
from .reader import BoundedReader
from .sniff import parser_for
from .source import MediaSource
from .streams import Stream, build_streams, describe
from .timing import Totals, container_totals
from .trace import jpeg_chroma, vui
from .values import seconds
from .workers import Workers

TIME_LIMIT = 2.0  # seconds per object
BYTE_BUDGET = 8 * 1024 * 1024  # bytes fetched per object
_MP4_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid"}
_VUI_HEAD = (16 * 1024, 64 * 1024, 256 * 1024)
_ES_HEAD = (4 * 1024, 64 * 1024, 256 * 1024)


@dataclass
class Analysis:
    """One probed object: what MediaInfo saw and the streams built from it, before rendering."""

    facts: Facts
    streams: list[Stream]
    totals: Totals


def detect_media_meta(
    source: MediaSource,
    *,
    time_limit: float = TIME_LIMIT,
    byte_budget: int = BYTE_BUDGET,
    pool: Workers | None = None,
    account: str = "",
    cache: AnswerCache = ANSWERS,
) -> dict[str, Any]:
    """The DetectMediaMeta answer body (no RequestId) for ``source``; ImmError if it is not media or its
    probe overruns a limit. ``pool``: the MediaInfo workers to use (default: a process-wide pool), shared
    fairly between ``account``s; ``cache``: where complete answers are kept (an emulator has its own)."""
    identity = getattr(source, "identity", None)
    # a playlist's name makes it one whatever its bytes: the same bytes under another name are not
    key = None if identity is None else (identity, time_limit, byte_budget, _named_playlist(source))
    cached = cache.get(key)  # never a playlist: those are not kept
    if cached is not None:
        return cached
    try:
        with (pool or workers.current()).lease(account):
            deadline = time.monotonic() + time_limit  # from when a worker is ours: waiting is not the file's
            if _is_playlist(source):
                from .hls import detect_playlist

                return detect_playlist(source, deadline=deadline, byte_budget=byte_budget)
            answer = render(analyse(source, deadline=deadline, byte_budget=byte_budget), with_addresses=True)
            complete = time.monotonic() < deadline  # not cut short by the deadline
    except workers.ProbeLimit as stopped:
        if stopped.limit == "busy":
            raise ImmError("Throttling.User", str(stopped)) from None
        limit = f" of {time_limit:g} s" if stopped.limit == "time" else ""
        raise _invalid(source, f"{stopped}{limit}") from None
    if complete:
        cache.put(key, answer)
    return answer


def analyse(source: MediaSource, *, deadline: float, byte_budget: int = BYTE_BUDGET) -> Analysis:
    if source.size <= 0:
        raise _invalid(source, "is empty (0 bytes)")
    raw = source.open()
    try:
        reader = BoundedReader(raw, source.size, budget=byte_budget, deadline=deadline)
        inspection, container, parser = _inspect(source, reader, deadline)
        assert inspection.general is not None
        family = family_for(container.name)
        facts = read_facts(Facts(container, inspection.general, inspection, source.size), reader.range)
        if inspection.untraced is not None:
            inspection.untraced(facts)
        if family.from_pts:  # the VUI of an MPEG stream needs a traced parse of its head
            _read_video_timing(facts, reader, deadline, parser)
        if any(t.format == "JPEG" and not t.chroma_subsampling for t in inspection.of_type("Video")):
            # MediaInfo parses a frame only after the container index: read an AVI's first frame header
            # directly, else trace the whole (rare) MJPEG file
            facts.jpeg_chroma = (
                container.name == "avi" and avi_chroma(reader.range, source.size)
            ) or jpeg_chroma(inspect(reader, source.size, trace=True, deadline=deadline, parser=parser).trace)
    finally:
        raw.close()
    streams = build_streams(facts)
    if not any(stream.kind in ("video", "audio") for stream in streams):
        why = "was cut short" if reader.exhausted else "has no audio or video stream"
        raise _invalid(source, f"{why} ({container.long_name} container)")
    totals = container_totals(
        [s.timing for s in streams],
        family.header_duration(facts),
        source.size,
        from_pts=family.from_pts,
    )
    return Analysis(facts, streams, totals)


def render(
    analysis: Analysis, *, with_addresses: bool, overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    facts, streams, totals = analysis.facts, analysis.streams, analysis.totals
    described = [(stream.kind, describe(stream, facts)) for stream in streams]
    videos = [fields for kind, fields in described if kind == "video"]
    top: dict[str, Any] = {
        "FormatName": facts.container.name,
        "FormatLongName": facts.container.long_name,
        "Size": facts.size,
        "Duration": seconds(None if totals.duration is None else Fraction(totals.duration, 1_000_000)),
        "StartTime": seconds(None if totals.start is None else Fraction(totals.start, 1_000_000)),
        "Bitrate": totals.bitrate,
        "StreamCount": len(streams) + family_for(facts.container.name).unlisted_streams(facts),
        "ProgramCount": _programs(facts),
        "VideoWidth": videos[0].get("Width") if videos else None,
        "VideoHeight": videos[0].get("Height") if videos else None,
        **general_tags(facts),
    }
    if with_addresses:
        found = position(facts)
        top["Addresses"] = geo.addresses(*found) if found else None
    top.update(overrides or {})
    return shape.answer(
        top,
        {
            "VideoStreams": videos,
            "AudioStreams": [fields for kind, fields in described if kind == "audio"],
            "Subtitles": [fields for kind, fields in described if kind == "subtitle"],
        },
    )


def _supported(source: MediaSource, mediainfo_format: str | None, head: bytes) -> Container:
    container = container_for(mediainfo_format)
    if container is None and head[4:8] == b"ftyp":  # MediaInfo names an ISO brand it does not know
        container = by_name(MOV)  # (iso6 for CMAF, kddi...) by the brand: it is the mov demuxer's
    if container is None:
        what = (
            f"is {mediainfo_format} data, not a supported media format"
            if mediainfo_format
            else "is not a media file (no known container or stream format)"
        )
        raise _invalid(source, what)
    return container


def _invalid(source: MediaSource, what: str) -> ImmError:
    return ImmError("InvalidArgument", f"The media object {source.uri} {what}.")


def _inspect(
    source: MediaSource, reader: BoundedReader, deadline: float
) -> tuple[Inspection, Container, str]:
    """MediaInfo's report (and its trace where the answer needs one), read with the parser the content
    names: (inspection, the container it makes this, that parser or '' if MediaInfo tried them all)."""
    head = reader.head(16)
    jump = _is_mpeg_stream(head)
    parser = parser_for(head, reader.range, source.size)
    known = _read_untraced(parser, reader, source.size)
    trace = _wants_trace(head) and known is None
    inspection = inspect(reader, source.size, trace=trace, deadline=deadline, jump=jump, parser=parser)
    if parser and (inspection.general is None or not inspection.general.format):
        # the content looked like one format but its parser found nothing: let MediaInfo try them all
        parser, known, trace = "", None, _wants_trace(head)
        inspection = inspect(reader, source.size, trace=trace, deadline=deadline, jump=jump)
    if not (inspection.general and inspection.general.format) and (
        rifx := wav.rifx_report(reader.range, source.size)
    ):
        inspection = Inspection.of(rifx)  # big-endian WAVE: MediaInfo cannot, ffprobe can
    container = _supported(source, inspection.general.format if inspection.general else None, head)
    if known is not None and container.name != known[0]:  # not what the bytes promised: trace after all
        known = None
        inspection = inspect(
            reader, source.size, trace=_wants_trace(head), deadline=deadline, jump=jump, parser=parser
        )
        container = _supported(source, inspection.general.format if inspection.general else None, head)
    inspection.untraced = None if known is None else known[1]
    return inspection, container, parser


def _read_untraced(
    parser: str, reader: BoundedReader, size: int
) -> tuple[str, Callable[[Facts], object]] | None:
    """What the trace would add for an MP3 (its Xing header) or a FLAC file (its cover), read from the
    bytes, so MediaInfo need not trace: (the container it is for, how to add it), or None if unsure."""
    if parser == "Mpega":
        found = mp3.xing(reader.range, size)
        return None if found is None else ("mp3", lambda facts: setattr(facts, "mp3", found))
    if parser == "Flac":
        sure, cover = flac.picture(reader.range, size)
        return ("flac", lambda facts: facts.read_picture(cover, reader.range)) if sure else None
    return None


def _wants_trace(head: bytes) -> bool:
    """Formats whose trace recovers exact values (MP4 time scales, FLV metadata, MP3 Xing, Ogg granules)."""
    mpeg_audio_sync = len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
    return (
        head[4:8] in _MP4_BOXES
        or head[:3] in (b"FLV", b"ID3")
        or head[:4] in (b"OggS", b"fLaC")
        or mpeg_audio_sync
    )


def _is_mpeg_stream(head: bytes) -> bool:
    """MPEG-TS (sync bytes) or MPEG-PS (pack start): MediaInfo would read most of these sequentially."""
    return head[:1] == b"\x47" or head[:4] == b"\x00\x00\x01\xba"


def _read_video_timing(facts: Facts, reader: BoundedReader, deadline: float, parser: str) -> None:
    """MPEG-TS/PS: MediaInfo states no H.264/HEVC frame rate at ParseSpeed 0; the SPS VUI in the first
    video packets has it. Trace only the head of the file, which is cheap."""
    needs = [t for t in facts.inspection.of_type("Video") if t.format in ("AVC", "HEVC") and not t.frame_rate]
    if not needs:
        return
    if facts.container.name == "mpegts" and _read_es_timing(facts, reader, needs[0], deadline):
        return
    for length in _VUI_HEAD:
        found = vui(_head_trace(reader, facts.size, length, deadline, parser))
        if found.time_scale or found.reorder is not None or length >= facts.size:
            facts.video_timing = found
            return


def _read_es_timing(facts: Facts, reader: BoundedReader, track: Track, deadline: float) -> bool:
    """The SPS from the video PID's own elementary stream (MediaInfo's trace of the TS around it, every
    packet header included, costs 5-20 times more)."""
    try:
        pid = int(str(track.track_id).split(" ")[0])
    except ValueError:
        return False
    es = pes.elementary_stream(reader.head(min(_VUI_HEAD[-1], facts.size)), pid)
    codec = "Avc" if track.format == "AVC" else "Hevc"
    for length in _ES_HEAD:
        head = es[:length]
        found = vui(inspect(io.BytesIO(head), len(head), trace=True, deadline=deadline, parser=codec).trace)
        if found.time_scale or found.reorder is not None:
            facts.video_timing = found
            return True
        if length >= len(es):
            break
    return False


def _head_trace(reader: BoundedReader, size: int, length: int, deadline: float, parser: str) -> str:
    """MediaInfo's trace of just the first ``length`` bytes (already fetched, so only CPU)."""
    head = reader.head(min(length, size))
    return inspect(io.BytesIO(head), len(head), trace=True, deadline=deadline, parser=parser).trace


def _programs(facts: Facts) -> int:
    """ffprobe's nb_programs: an MPEG-TS file's PAT entries (MediaInfo lists a program as a Menu only
    when an SDT names it, which GStreamer's and many cameras' muxers do not write)."""
    if facts.container.programs != "menus":
        return 0
    return facts.ts_programs if facts.ts_programs is not None else len(facts.inspection.of_type("Menu"))


def _named_playlist(source: MediaSource) -> bool:
    return source.uri.lower().split("?")[0].endswith(".m3u8")


def _is_playlist(source: MediaSource) -> bool:
    if _named_playlist(source):
        return True
    if source.size <= 0:
        return False
    raw = source.open()
    try:
        return raw.read(7) == b"#EXTM3U"
    finally:
        raw.close()
