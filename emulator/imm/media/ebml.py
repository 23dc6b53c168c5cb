"""Matroska track DefaultDuration, read from the EBML bytes.

libavformat's matroskadec derives a video stream's avg_frame_rate (and r_frame_rate, between 5 and 1000
fps) from the track's DefaultDuration alone. MediaInfo at ParseSpeed 0 often states no frame rate at all
for H.264 in Matroska (24, 25 and 50 fps files from FFmpeg: "VFR", no value), so the emulator reads the
Tracks element itself: found inline at the head of the Segment, or where the SeekHead points.
"""

from __future__ import annotations

from collections.abc import Callable

SEGMENT, SEEK_HEAD, SEEK, SEEK_ID, SEEK_POSITION = 0x18538067, 0x114D9B74, 0x4DBB, 0x53AB, 0x53AC
TRACKS, TRACK_ENTRY, TRACK_NUMBER, DEFAULT_DURATION = 0x1654AE6B, 0xAE, 0xD7, 0x23E383
CLUSTER = 0x1F43B675
HEAD = 64 * 1024
TRACKS_LIMIT = 256 * 1024
_UNKNOWN = -1


def _vint(data: bytes, at: int, keep_marker: bool) -> tuple[int, int] | None:
    """(value, length) of the EBML variable-size integer at ``at``; element IDs keep their marker bit."""
    if at >= len(data) or data[at] == 0:
        return None
    first = data[at]
    length = 9 - first.bit_length()
    if at + length > len(data):
        return None
    value = first if keep_marker else first & (0xFF >> length)
    for byte in data[at + 1 : at + length]:
        value = value << 8 | byte
    if not keep_marker and value == (1 << (7 * length)) - 1:
        value = _UNKNOWN  # "unknown size" (live or unfinished files)
    return value, length


def _elements(data: bytes, start: int, end: int):
    """(id, element start, payload start, payload size) of the elements in data[start:end]."""
    at = start
    while at < end:
        ident = _vint(data, at, keep_marker=True)
        if ident is None:
            return
        size = _vint(data, at + ident[1], keep_marker=False)
        if size is None:
            return
        payload = at + ident[1] + size[1]
        yield ident[0], at, payload, size[0]
        if size[0] == _UNKNOWN:
            return
        at = payload + size[0]


def _uint(data: bytes, start: int, size: int) -> int | None:
    if size <= 0 or size > 8 or start + size > len(data):
        return None
    return int.from_bytes(data[start : start + size], "big")


def default_durations(read_range: Callable[[int, int], bytes], size: int) -> dict[int, int]:
    """Matroska TrackNumber -> DefaultDuration in nanoseconds (tracks without one are left out)."""
    head = read_range(0, min(HEAD, size))
    segment = next((p for ident, _at, p, _s in _elements(head, 0, len(head)) if ident == SEGMENT), None)
    if segment is None:
        return {}
    base = segment
    tracks_at = None
    for ident, at, payload, length in _elements(head, base, len(head)):
        if ident == TRACKS:
            if length != _UNKNOWN and payload + length <= len(head):
                return _tracks(head, payload, payload + length)
            tracks_at = at
            break
        if ident == SEEK_HEAD and length != _UNKNOWN:
            tracks_at = _seek(head, payload, payload + length, base) or tracks_at
        if ident == CLUSTER:
            break
    if tracks_at is None or not 0 <= tracks_at < size:
        return {}
    chunk = read_range(tracks_at, min(TRACKS_LIMIT, size - tracks_at))
    for ident, _at, payload, length in _elements(chunk, 0, min(len(chunk), 16)):
        if ident == TRACKS and length != _UNKNOWN:
            return _tracks(chunk, payload, min(payload + length, len(chunk)))
        break
    return {}


def _seek(data: bytes, start: int, end: int, base: int) -> int | None:
    for ident, _at, payload, length in _elements(data, start, end):
        if ident != SEEK or length == _UNKNOWN:
            continue
        target = position = None
        for inner, _start, at, size in _elements(data, payload, payload + length):
            if inner == SEEK_ID:
                target = _uint(data, at, size)
            elif inner == SEEK_POSITION:
                position = _uint(data, at, size)
        if target == TRACKS and position is not None:
            return base + position
    return None


def _tracks(data: bytes, start: int, end: int) -> dict[int, int]:
    found: dict[int, int] = {}
    for ident, _at, payload, length in _elements(data, start, end):
        if ident != TRACK_ENTRY or length == _UNKNOWN:
            continue
        number = duration = None
        for inner, _start, at, size in _elements(data, payload, min(payload + length, end)):
            if inner == TRACK_NUMBER:
                number = _uint(data, at, size)
            elif inner == DEFAULT_DURATION:
                duration = _uint(data, at, size)
        if number is not None and duration:
            found.setdefault(number, duration)
    return found
