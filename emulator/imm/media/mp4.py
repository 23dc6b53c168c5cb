"""MP4/MOV movie fragments, read from the bytes: what ffprobe's mov demuxer takes from every ``moof`` of a
fragmented file (DASH/CMAF segments, GStreamer's ``fragment-duration``, live recorders) and MediaInfo's
report leaves out. mov.c reads every fragment of a seekable file while opening it, so a track lasts until
the end of its last ``trun`` and its bit rate counts every sample; the ``moov`` of such a file holds no
samples.

Only box headers and ``moof`` boxes are fetched (a ``moof`` is a few hundred bytes per fragment), within
the reader's byte budget; when that runs out, ``complete`` is False and the totals cover what was read.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

MAX_BOXES = 200_000  # top-level boxes walked; a file of more is hostile or cut short
MAX_MOOF = 4 * 1024 * 1024  # a moof larger than this is not read
MAX_MOOV = 1024 * 1024  # the moov of a fragmented file holds no sample tables: small

Read = Callable[[int, int], bytes]


@dataclass
class TrackFragments:
    samples: int = 0
    duration: int = 0  # sum of sample durations, in the track's media time scale
    end: int = 0  # decode time after the last sample (mov.c's track_end, which becomes its duration)
    size: int = 0  # sample bytes
    first_pts: int | None = None  # decode time plus composition offset of the first sample
    first_decode: int = 0  # the decode time of the first sample (its fragment's tfdt)
    dts_shift: int = 0  # the most negative composition offset, negated: mov.c delays every pts by it


@dataclass
class Fragments:
    tracks: dict[int, TrackFragments] = field(default_factory=dict)
    complete: bool = True
    # track -> (time scale, duration) of its segment index (sidx). Where one precedes the fragments,
    # mov.c trusts the index: a track lasts what it says, and only the first fragment is read while
    # opening (so the bit rate counts that fragment's bytes over the whole duration).
    indexed: dict[int, tuple[int, int]] = field(default_factory=dict)
    # track -> its index's earliest presentation time: mov.c decodes the first fragment from there
    # (not from its tfdt)
    earliest: dict[int, int] = field(default_factory=dict)


@dataclass
class _Defaults:
    duration: int = 0
    size: int = 0


def fragments(read: Read, size: int) -> Fragments:
    """Walk the top-level boxes; total each track's samples over every ``moof``."""
    found = Fragments()
    defaults: dict[int, _Defaults] = {}
    offset, walked = 0, 0
    while offset + 8 <= size:
        walked += 1
        header = read(offset, 16)
        if len(header) < 8 or walked > MAX_BOXES:
            found.complete = False
            break
        length, kind = struct.unpack(">I4s", header[:8])
        start = 8
        if length == 1:
            if len(header) < 16:
                found.complete = False
                break
            length, start = struct.unpack(">Q", header[8:16])[0], 16
        elif length == 0:
            length = size - offset
        if length < start:
            break  # not a box: the rest is not MP4 structure
        if kind == b"moov" and length <= MAX_MOOV:
            defaults = _trex_defaults(read(offset + start, length - start))
        elif kind == b"sidx" and not found.tracks:
            index = _read_sidx(read(offset + start, min(length - start, MAX_MOOF)), offset + length)
            if index is not None and index[3] in (size, size - _mfra_size(read, size)):
                found.indexed[index[0]] = (index[1], index[2])  # mov.c: it reaches the end (or the mfra)
                found.earliest[index[0]] = index[4]
        elif kind == b"moof":
            if length > MAX_MOOF:
                found.complete = False
            else:
                body = read(offset + start, length - start)
                if len(body) < length - start:
                    found.complete = False
                    break
                _read_moof(body, defaults, found.tracks)
                if found.indexed:
                    break  # the index stands for the rest
        offset += length
    return found


def _mfra_size(read: Read, size: int) -> int:
    """The size of a trailing mfra, as its mfro's last field states it (0 if none)."""
    tail = read(max(0, size - 4), 4)
    return struct.unpack(">I", tail)[0] if len(tail) == 4 else 0


def _read_sidx(body: bytes, end: int) -> tuple[int, int, int, int, int] | None:
    """A segment index box (its payload, ending at file offset ``end``): (track, time scale, sum of its
    subsegment durations, the file offset where the last subsegment it references ends, the earliest
    presentation time)."""
    if len(body) < 12:
        return None
    reference, timescale = struct.unpack_from(">II", body, 4)
    at = 20 if body[0] == 0 else 28
    if len(body) < at + 4 or not timescale:
        return None
    earliest, first = struct.unpack_from(">II" if body[0] == 0 else ">QQ", body, 12)
    count = struct.unpack_from(">H", body, at + 2)[0]
    entries = body[at + 4 : at + 4 + 12 * count]
    rows = list(struct.iter_unpack(">III", entries[: len(entries) // 12 * 12]))
    sizes = sum(size & 0x7FFFFFFF for size, _duration, _sap in rows)
    return (
        reference,
        timescale,
        sum(duration for _size, duration, _sap in rows),
        end + first + sizes,
        earliest,
    )


def _children(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """(type, payload) of each box inside ``data``; stops at the first malformed one."""
    offset = 0
    while offset + 8 <= len(data):
        length, kind = struct.unpack_from(">I4s", data, offset)
        start = 8
        if length == 1 and offset + 16 <= len(data):
            length, start = struct.unpack_from(">Q", data, offset + 8)[0], 16
        if length < start or offset + length > len(data):
            return
        yield kind, data[offset + start : offset + length]
        offset += length


def _trex_defaults(moov: bytes) -> dict[int, _Defaults]:
    found = {}
    for kind, payload in _children(moov):
        if kind != b"mvex":
            continue
        for child, body in _children(payload):
            if child == b"trex" and len(body) >= 24:
                track_id, _description, duration, sample_size = struct.unpack_from(">IIII", body, 4)
                found[track_id] = _Defaults(duration, sample_size)
    return found


def _read_moof(moof: bytes, defaults: dict[int, _Defaults], tracks: dict[int, TrackFragments]) -> None:
    for kind, traf in _children(moof):
        if kind == b"traf":
            _read_traf(traf, defaults, tracks)


def _read_traf(traf: bytes, defaults: dict[int, _Defaults], tracks: dict[int, TrackFragments]) -> None:
    track: TrackFragments | None = None
    duration = size = 0
    decode_time: int | None = None
    for kind, body in _children(traf):
        if kind == b"tfhd" and len(body) >= 8:
            flags = int.from_bytes(body[1:4], "big")
            track_id = struct.unpack_from(">I", body, 4)[0]
            track = tracks.setdefault(track_id, TrackFragments())
            given = defaults.get(track_id, _Defaults())
            duration, size = given.duration, given.size
            position = 8 + (8 if flags & 0x01 else 0) + (4 if flags & 0x02 else 0)
            if flags & 0x08 and position + 4 <= len(body):
                duration = struct.unpack_from(">I", body, position)[0]
                position += 4
            if flags & 0x10 and position + 4 <= len(body):
                size = struct.unpack_from(">I", body, position)[0]
        elif kind == b"tfdt" and track is not None and len(body) >= 8:
            decode_time = struct.unpack_from(">Q" if body[0] == 1 else ">I", body, 4)[0]
        elif kind == b"trun" and track is not None:
            if decode_time is not None:
                track.end, decode_time = decode_time, None
            _read_trun(body, track, duration, size)


def _read_trun(body: bytes, track: TrackFragments, default_duration: int, default_size: int) -> None:
    if len(body) < 8:
        return
    flags = int.from_bytes(body[1:4], "big")
    count = struct.unpack_from(">I", body, 4)[0]
    position = 8 + (4 if flags & 0x001 else 0) + (4 if flags & 0x004 else 0)
    present = [(flags & bit) != 0 for bit in (0x100, 0x200, 0x400, 0x800)]
    if not any(present):  # every sample takes the defaults
        if count and track.first_pts is None:
            track.first_pts = track.first_decode = track.end
        track.samples += count
        track.end += count * default_duration
        track.duration += count * default_duration
        track.size += count * default_size
        return
    layout = ">" + "".join(code for code, on in zip("IIIi", present, strict=True) if on)  # cts: signed
    entry = struct.calcsize(layout)
    count = min(count, (len(body) - position) // entry)
    names = [name for name, on in zip(("duration", "size", "flags", "offset"), present, strict=True) if on]
    rows = list(struct.iter_unpack(layout, body[position : position + count * entry]))
    columns = dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else {}
    durations = columns.get("duration") or (default_duration,) * count
    if count and track.first_pts is None:
        track.first_pts = track.end + (columns["offset"][0] if "offset" in columns else 0)
        track.first_decode = track.end
    if "offset" in columns:
        track.dts_shift = max(track.dts_shift, -min(columns["offset"]))
    total = sum(durations)
    track.end += total
    track.duration += total
    track.size += sum(columns["size"]) if "size" in columns else count * default_size
    track.samples += count
