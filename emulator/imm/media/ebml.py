"""Matroska/WebM: ffprobe's matroska demuxer, and the facts it reads from the EBML bytes where MediaInfo's
report rounds or leaves them out.

- Track DefaultDuration: matroskadec derives a video stream's avg_frame_rate (and r_frame_rate, between 5
  and 1000 fps) from it alone; MediaInfo at ParseSpeed 0 often states no frame rate for H.264 in Matroska.
- Info DateUTC: ffprobe's creation_time keeps its microseconds; MediaInfo prints whole seconds.
- Info TimestampScale: the streams' time base (1 ms unless a muxer chose otherwise, as x264's does).
- Attachments: an attached image (cover art) is a video stream for ffprobe (attached picture); MediaInfo
  only names the file.

Each top-level element is found inline at the head of the Segment, or where the SeekHead points.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from pymediainfo import Track

from . import trace
from .family import Family, general_seconds
from .timing import frame_rate

if TYPE_CHECKING:
    from .facts import Facts

SEGMENT, SEEK_HEAD, SEEK, SEEK_ID, SEEK_POSITION = 0x18538067, 0x114D9B74, 0x4DBB, 0x53AB, 0x53AC
TRACKS, TRACK_ENTRY, TRACK_NUMBER, DEFAULT_DURATION = 0x1654AE6B, 0xAE, 0xD7, 0x23E383
CLUSTER = 0x1F43B675
INFO, DATE_UTC, TIMESTAMP_SCALE, DURATION = 0x1549A966, 0x4461, 0x2AD7B1, 0x4489
DEFAULT_SCALE = 1_000_000
ATTACHMENTS, ATTACHED_FILE, FILE_MIME_TYPE, FILE_DATA = 0x1941A469, 0x61A7, 0x4660, 0x465C
IMAGE_TYPES = ("image/gif", "image/jpeg", "image/png", "image/tiff")  # ff_mkv_image_mime_tags
MAX_ATTACHMENTS = 64
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
    found = _locate(read_range, size, TRACKS)
    return _tracks(*found[:3]) if found else {}


def segment_info(read_range: Callable[[int, int], bytes], size: int) -> tuple[int | None, int, float | None]:
    """Info's DateUTC (nanoseconds since 2001-01-01T00:00:00Z, signed; None if absent), TimestampScale
    (nanoseconds per timestamp tick, 1 ms unless stated) and Duration (in ticks, a float)."""
    found = _locate(read_range, size, INFO)
    date, scale, duration = None, DEFAULT_SCALE, None
    if found is None:
        return date, scale, duration
    data, start, end, _offset = found
    for ident, _at, payload, length in _elements(data, start, end):
        if not 0 < length <= 8 or payload + length > len(data):
            continue
        if ident == DATE_UTC:
            date = int.from_bytes(data[payload : payload + length], "big", signed=True)
        elif ident == TIMESTAMP_SCALE:
            scale = int.from_bytes(data[payload : payload + length], "big") or DEFAULT_SCALE
        elif ident == DURATION and length in (4, 8):
            value = struct.unpack(">f" if length == 4 else ">d", data[payload : payload + length])[0]
            duration = value if math.isfinite(value) and value > 0 else None
    return date, scale, duration


def attached_images(read_range: Callable[[int, int], bytes], size: int) -> list[tuple[str, int, int]]:
    """(MIME type, offset, length) of each attachment ffprobe shows as an attached picture, in order."""
    found = _locate(read_range, size, ATTACHMENTS, whole=False)
    if found is None:
        return []
    data, start, end, offset = found
    images = []
    for ident, _at, payload, length in list(_elements(data, start, end))[:MAX_ATTACHMENTS]:
        if ident != ATTACHED_FILE or length == _UNKNOWN:
            continue
        mime, data_at = "", None
        for inner, _start, child, child_size in _elements(data, payload, payload + length):
            if inner == FILE_MIME_TYPE and child + child_size <= len(data):
                mime = data[child : child + child_size].decode("ascii", "replace").rstrip("\0")
            elif inner == FILE_DATA:
                data_at = (child, child_size)
        if data_at and mime in IMAGE_TYPES:
            images.append((mime, offset + data_at[0], data_at[1]))
    return images


def _locate(
    read_range: Callable[[int, int], bytes], size: int, wanted: int, *, whole: bool = True
) -> tuple[bytes, int, int, int] | None:
    """(bytes, payload start, payload end, file offset of the bytes) of the top-level element ``wanted``:
    inline at the head of the Segment or where the SeekHead points. ``whole``: the element must fit in
    the bytes read (else only its children's headers are needed, as for Attachments, whose files may
    be large)."""
    head = read_range(0, min(HEAD, size))
    segment = next((p for ident, _at, p, _s in _elements(head, 0, len(head)) if ident == SEGMENT), None)
    if segment is None:
        return None
    at_offset = None
    for ident, at, payload, length in _elements(head, segment, len(head)):
        if ident == wanted:
            if length != _UNKNOWN and (payload + length <= len(head) or not whole):
                return head, payload, min(payload + length, len(head)), 0
            at_offset = at
            break
        if ident == SEEK_HEAD and length != _UNKNOWN:
            at_offset = _seek(head, payload, payload + length, segment, wanted) or at_offset
        if ident == CLUSTER:
            break
    if at_offset is None or not 0 <= at_offset < size:
        return None
    chunk = read_range(at_offset, min(TRACKS_LIMIT, size - at_offset))
    for ident, _at, payload, length in _elements(chunk, 0, min(len(chunk), 16)):
        if ident == wanted and length != _UNKNOWN:
            return chunk, payload, min(payload + length, len(chunk)), at_offset
        break
    return None


def _seek(data: bytes, start: int, end: int, base: int, wanted: int) -> int | None:
    for ident, _at, payload, length in _elements(data, start, end):
        if ident != SEEK or length == _UNKNOWN:
            continue
        target = position = None
        for inner, _start, at, size in _elements(data, payload, payload + length):
            if inner == SEEK_ID:
                target = _uint(data, at, size)
            elif inner == SEEK_POSITION:
                position = _uint(data, at, size)
        if target == wanted and position is not None:
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


class Matroska(Family):
    def read(self, facts: Facts, read: Callable[[int, int], bytes], text: str) -> None:
        if any(not frame_rate(track) for track in facts.inspection.of_type("Video")):  # MediaInfo has none
            facts.default_durations = default_durations(read, facts.size)
        date, scale, duration = segment_info(read, facts.size)
        facts.matroska_tick = Fraction(scale, 1_000_000_000)
        if duration is not None:  # matroskadec: Duration x TimestampScale, in microseconds (truncated)
            facts.matroska_duration = Fraction(int(duration * scale / 1000), 1_000_000)
        if date is not None:  # matroskadec: date_utc / 1000 (C division) + 2001-01-01 in microseconds
            facts.creation_us = (date // 1000 if date >= 0 else -(-date // 1000)) + 978_307_200_000_000
        for mime, offset, length in attached_images(read, facts.size):
            facts.attached_pictures += facts.read_picture(trace.Picture(mime, offset, length), read)

    def time_base(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        return facts.matroska_tick

    def start(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        start = super().start(track, kind, codec, facts)
        if start is not None and codec == "opus":
            start -= Fraction(7, 1000)  # CodecDelay 6.5 ms (312-sample pre-skip) in 1 ms ticks, rounded
        return start

    def header_duration(self, facts: Facts) -> Fraction | None:
        return facts.matroska_duration if facts.matroska_duration is not None else general_seconds(facts)

    def unlisted_streams(self, facts: Facts) -> int:
        """Attachments other than pictures (which are video streams already)."""
        if not facts.general.attachments:
            return 0
        names = [name for name in str(facts.general.attachments).split(" / ") if name]
        return max(0, len(names) - facts.attached_pictures)
