"""HLS playlists (.m3u8), probed the way ffprobe's hls demuxer reads one.

ffprobe opens every playlist the master names (variants and audio renditions, in the order they appear),
takes each one's streams from its first segment, and reports them without per-stream durations or bit
rates; the container duration is the sum of the first variant's EXTINF values (VOD playlists only), the
size is the playlist's own, and each variant is a program.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ...errors import ImmError
from .containers import by_name
from .probe import BYTE_BUDGET, Analysis, analyse, render
from .source import MediaSource
from .streams import Stream
from .timing import container_totals

MAX_PLAYLIST_BYTES = 1024 * 1024
MAX_PLAYLISTS = 16
_SEGMENT_TAGS = (
    "Title", "Artist", "AlbumArtist", "Album", "Composer", "Performer", "Language", "ProduceTime",
    "LatLong",
)  # fmt: skip
_ATTRIBUTE = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')


@dataclass
class Playlist:
    segments: list[tuple[float, str]] = field(default_factory=list)  # (EXTINF seconds, URI)
    init_segment: str | None = None
    finished: bool = False
    variants: list[str] = field(default_factory=list)  # master playlist: playlist URIs in order
    programs: int = 0


def parse(text: str) -> Playlist:
    """The parts of an M3U8 playlist ffprobe uses."""
    playlist = Playlist()
    duration: float | None = None
    expect_variant = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#EXTINF:"):
            duration = _extinf(line[8:].split(",")[0])
        elif line.startswith("#EXT-X-STREAM-INF"):
            expect_variant = True
            playlist.programs += 1
        elif line.startswith("#EXT-X-MEDIA:"):
            attributes = dict(_ATTRIBUTE.findall(line[13:]))
            uri = attributes.get("URI", "").strip('"')
            if uri and attributes.get("TYPE") == "AUDIO" and uri not in playlist.variants:
                playlist.variants.append(uri)
        elif line.startswith("#EXT-X-MAP:"):
            playlist.init_segment = dict(_ATTRIBUTE.findall(line[11:])).get("URI", "").strip('"') or None
        elif line.startswith("#EXT-X-ENDLIST") or line == "#EXT-X-PLAYLIST-TYPE:VOD":
            playlist.finished = True
        elif line.startswith("#"):
            continue
        elif expect_variant:
            if line not in playlist.variants:
                playlist.variants.append(line)
            expect_variant = False
        elif duration is not None:
            playlist.segments.append((duration, line))
            duration = None
    return playlist


def detect_playlist(
    source: MediaSource, *, deadline: float, byte_budget: int = BYTE_BUDGET
) -> dict[str, Any]:
    top = _read(source)
    if not top.variants and not top.segments:
        raise _invalid(source, "is not an HLS playlist with media segments")
    media: list[tuple[MediaSource, Playlist]] = []
    if top.variants:
        for uri in top.variants[:MAX_PLAYLISTS]:
            child = _sibling(source, uri)
            media.append((child, _read(child)))
    else:
        media.append((source, top))
    analyses = [
        _first_segment(playlist_source, playlist, deadline, byte_budget)
        for playlist_source, playlist in media
    ]
    return _combine(source, top, media[0][1], analyses)


def _first_segment(source: MediaSource, playlist: Playlist, deadline: float, byte_budget: int) -> Analysis:
    if not playlist.segments:
        raise _invalid(source, "lists no media segments")
    reference = playlist.init_segment or playlist.segments[0][1]
    segment = _sibling(source, reference)
    return analyse(segment, deadline=deadline, byte_budget=byte_budget)


def _combine(source: MediaSource, top: Playlist, first: Playlist, analyses: list[Analysis]) -> dict[str, Any]:
    """One answer from the first segment of each playlist, renumbered and re-timed as the hls demuxer does."""
    base = analyses[0]
    streams: list[Stream] = []
    for analysis in analyses:
        for stream in analysis.streams:
            stream.index = len(streams)
            stream.timing.duration = None  # the hls demuxer reports no per-stream duration
            stream.timing.bitrate = None
            stream.timing.frame_count = None
            streams.append(stream)
    duration_us = sum(int(seconds * 1_000_000) for seconds, _ in first.segments) if first.finished else None
    totals = container_totals([s.timing for s in streams], None, source.size, from_pts=False)
    if duration_us:
        totals.duration = duration_us
        totals.bitrate = int(source.size * 8.0 * 1_000_000 / duration_us)
    combined = Analysis(base.facts, streams, totals)
    # the hls demuxer does not carry the segments' metadata over
    overrides: dict[str, Any] = dict.fromkeys(_SEGMENT_TAGS)
    hls = by_name("hls")
    overrides.update(
        {
            "FormatName": hls.name,
            "FormatLongName": hls.long_name,
            "Size": source.size,
            "ProgramCount": max(1, top.programs),
            "StreamCount": len(streams),
        }
    )
    return render(combined, with_addresses=False, overrides=overrides)


MAX_SEGMENT_SECONDS = 1e9  # ~31 years: more is no media, and sums of such values overflow


def _extinf(text: str) -> float:
    """A segment's duration; unreadable counts as 0 (ffprobe's leniency), but NaN, infinities and
    absurd values are refused: they would poison every duration summed from them."""
    try:
        value = float(text)
    except ValueError:
        return 0.0
    if not 0 <= value <= MAX_SEGMENT_SECONDS:  # also False for NaN
        raise ValueError(f"#EXTINF:{text.strip()[:40]} is not a duration from 0 to {MAX_SEGMENT_SECONDS:g} s")
    return value


def _read(source: MediaSource) -> Playlist:
    if source.size > MAX_PLAYLIST_BYTES:
        raise _invalid(source, f"is larger than {MAX_PLAYLIST_BYTES} bytes, too large for a playlist")
    raw = source.open()
    try:
        data = raw.read(MAX_PLAYLIST_BYTES)
    finally:
        raw.close()
    text = data.decode("utf-8", "replace")
    if not text.lstrip("\ufeff").startswith("#EXTM3U"):
        raise _invalid(source, "is not an M3U8 playlist (no #EXTM3U header)")
    try:
        return parse(text)
    except ValueError as exc:
        raise _invalid(source, f"has an unusable segment duration: {exc}") from None


def _sibling(source: MediaSource, reference: str) -> MediaSource:
    found = source.sibling(reference)
    if found is None:
        raise _invalid(source, f"names a segment or playlist that does not exist: {reference}")
    return found


def _invalid(source: MediaSource, what: str) -> ImmError:
    return ImmError("InvalidArgument", f"The media object {source.uri} {what}.")
