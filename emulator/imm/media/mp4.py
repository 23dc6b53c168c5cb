"""MP4/MOV/3GP/M4A: ffprobe's mov demuxer. Its timing follows the sample tables and edit lists of the
``moov`` (MediaInfo's trace, trace.mp4) and, read here from the bytes, every ``moof`` of a
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
from fractions import Fraction
from typing import TYPE_CHECKING

from pymediainfo import Track

from . import boxes, trace
from .family import Family, general_seconds
from .timing import frame_rate, sample_rate
from .values import exact, integer, rescale

if TYPE_CHECKING:
    from .facts import Facts

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


# 3GPP asset boxes MediaInfo reads as tags and mov.c (FFmpeg 5.1) skips, with the boxes mov.c reads the
# same tag from: when only the 3GPP box is there, ffprobe has no such tag.
_3GPP_ASSETS = {
    "Title": ("titl", {"©nam"}),
    "Artist": ("perf", {"©ART", "©aut"}),
    "Album": ("albm", {"©alb"}),
}


class Mp4(Family):
    def read(self, facts: Facts, read: Read, text: str) -> None:
        if not text:
            return
        facts.movie = trace.mp4(text)
        facts.unread_tags = {
            field
            for field, (asset, known) in _3GPP_ASSETS.items()
            if asset in facts.movie.boxes and not known & facts.movie.boxes
        }
        for name, (offset, length) in trace.payloads(text, {"loci", "dOps"}).items():
            if length <= boxes.READ_LIMIT:
                payload = read(offset, length)
                if name == "loci":
                    facts.location = boxes.loci_position(payload)
                else:
                    facts.opus_channels = boxes.opus_channels(payload)
        if facts.movie.fragmented:
            _add_fragments(facts, read)
        for track in facts.movie.tracks.values():
            if track.ctts_at is not None and not track.edits and track.first_pts is None:
                # no edit list: the first picture is presented at its composition offset
                shift = int.from_bytes(read(track.ctts_at, 4), "big", signed=True)
                track.first_pts = shift if shift > 0 else None
        for cover in trace.mp4_covers(text):  # iTunes covr: attached pictures
            facts.read_picture(cover, read)

    def time_base(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        info = facts.mp4_track(track)
        rate, fps = sample_rate(track), frame_rate(track)
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

    def start(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        info = facts.mp4_track(track)
        if info and info.first_pts is not None and info.timescale:
            # fragments, or no edit list: the first sample's presentation time (mov.c applies no edit
            # list to fragments)
            return Fraction(info.first_pts, info.timescale)
        if info and info.edits and info.edits[0][1] == -1 and facts.movie and facts.movie.timescale:
            return Fraction(info.edits[0][0], facts.movie.timescale)  # an empty edit delays the track
        return Fraction(0)

    def duration(
        self, track: Track, kind: str, codec: str | None, facts: Facts, time_base: Fraction
    ) -> int | None:
        """mov.c after applying the edit list: presentation ends where the samples end, shifted by the
        edit's media time unless composition offsets (B-frames) already push the last picture that
        late, and never past the edit itself."""
        info = facts.mp4_track(track)
        if not (info and info.timescale and facts.movie and facts.movie.timescale):
            return super().duration(track, kind, codec, facts, time_base)
        edits = [(length, media_time) for length, media_time in info.edits if media_time != -1]
        if not edits:
            return info.media_duration
        media_time = edits[0][1]
        end = info.stts_duration or info.media_duration or 0
        if not info.composition_offsets:
            end -= media_time
        edit_end = rescale(Fraction(sum(length for length, _ in edits), facts.movie.timescale), time_base)
        return min(end, edit_end) if end > 0 else edit_end

    def bitrate(self, track: Track, kind: str, codec: str | None, facts: Facts) -> int | None:
        info = facts.mp4_track(track)
        size = (info.sample_bytes if info else None) or integer(track.source_stream_size)
        size = size or integer(track.stream_size)
        if info and info.timescale and info.stts_duration and size:
            if info.sample_bytes and info.media_duration:  # fragments: the bytes read over the duration
                return rescale(Fraction(size * 8 * info.timescale, info.media_duration), Fraction(1))
            return size * 8 * info.timescale // info.stts_duration  # sample tables: mov.c truncates
        return integer(track.bit_rate)

    def frame_count(self, track: Track, kind: str, codec: str | None, facts: Facts) -> int | None:
        info = facts.mp4_track(track)
        if info and info.samples is not None:
            return info.samples or None  # ffprobe prints N/A for 0 (a fragmented file's moov)
        return integer(track.source_frame_count) or integer(track.frame_count)

    def average_rate(self, track: Track, facts: Facts) -> Fraction | None:
        info = facts.mp4_track(track)
        if info and info.timescale and info.stts_duration and info.stts_samples:
            return Fraction(info.stts_samples * info.timescale, info.stts_duration)
        frames = integer(track.frame_count)
        milliseconds = exact(track.source_duration) or exact(track.duration)
        return Fraction(frames * 1000) / milliseconds if frames and milliseconds else None

    def header_duration(self, facts: Facts) -> Fraction | None:
        movie = facts.movie
        if movie and movie.fragmented and not movie.duration:
            return None  # the moov of a fragmented file may state 0: the streams' fragments decide
        if movie and movie.timescale and movie.duration is not None:
            return Fraction(movie.duration, movie.timescale)
        return general_seconds(facts)

    def unlisted_streams(self, facts: Facts) -> int:
        """Chapter tracks: a data stream each."""
        return len([t for t in facts.inspection.of_type("Menu") if str(t.streamorder or "").isdigit()])


def _add_fragments(facts: Facts, read: Read) -> None:
    """A fragmented file's samples are in its moof boxes: each track lasts, counts and weighs as they
    say (mov.c reads them all when it opens a seekable file, or only the first where a segment index
    covering the file stands for the rest)."""
    assert facts.movie is not None
    found = fragments(read, facts.size)
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
