"""Facts that only MediaInfo's ``Details=1`` trace shows, read back from its text.

The trace is one line per parsed element: ``<hex offset> <indent><name>: <value>``. The readers below
pick the few values ffprobe reports exactly and plain MediaInfo output rounds or omits: MP4 time scales,
sample tables and edit lists; H.264/HEVC reorder depth and VUI timing; FLV onMetaData; the MP3 Xing
header; the last Ogg granule position.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

_LINE = re.compile(r"^([0-9A-Fa-f]+)\s(\s*)(.*?)\s*$")
_TRACK_HEADER = re.compile(r"^Track Header - (\d+)")
_BYTES = re.compile(r"^\((\d+) bytes\)$")
_FIELD = re.compile(r"^([^:]+?):\s+(.*)$")
_LEADING_INT = re.compile(r"^-?\d+")
_SUBSAMPLING = {(1, 1): "4:4:4", (2, 1): "4:2:2", (2, 2): "4:2:0", (1, 2): "4:4:0", (4, 1): "4:1:1"}
_REORDER_KEYS = ("max_num_reorder_frames", "sps_max_num_reorder_pics")


# One pass over the whole text in C: (offset, indent, name, value); value is '' for element headers.
_ENTRY = re.compile(r"^([0-9A-Fa-f]+) ( *)([^:\n]*?)(?::[ \t]+([^\n]*?))?[ \t]*$", re.M)

# The names the MP4, VUI, FLV, Ogg and ADTS readers below act on. A trace is mostly other lines (sample
# tables, frame data), so those readers take only the top-level lines, the lines with these names and
# MP4 track headers: the same tuples _ENTRY gives for them, in the same order, from a scan that skips
# other lines early (the literal newline lets the regex engine jump from line to line; the possessive
# indent keeps it from re-reading an indented line as a top-level one) - 3 to 4 times cheaper.
_SELECTED_NAMES = (
    "Name", "Time scale", "Duration", "Sample Count", "Sample Duration", "Number of entries",
    "Track duration", "Media time", "max_num_reorder_frames", "sps_max_num_reorder_pics",
    "num_units_in_tick", "vui_num_units_in_tick", "time_scale", "vui_time_scale", "Data", "Unknown",
    "absolute granule position", "Timestamp_Base", "Timestamp_Extended",
    "AVCPacketType", "CompositionTime",
)  # fmt: skip
_SELECTED = re.compile(
    r"\n([0-9A-Fa-f]+) ( *+)((?<=[0-9A-Fa-f] )[^:\n]*?|Track Header - \d[^:\n]*?|[ \t]*(?:"
    + "|".join(re.escape(name) for name in sorted(_SELECTED_NAMES, key=len, reverse=True))
    + r")[ \t]*?)(?::[ \t]+([^\n]*?))?[ \t]*$",
    re.M,
)


@lru_cache(maxsize=8)
def _entries(trace: str) -> list[tuple[str, str, str, str]]:
    return _ENTRY.findall(trace)


@lru_cache(maxsize=8)
def _selected(trace: str) -> list[tuple[str, str, str, str]]:
    """The entries of _ENTRY at the top level, whose stripped name is in _SELECTED_NAMES or that start an
    MP4 track header (a superset of what mp4, payloads, vui, flv and ogg_last_granule act on)."""
    return _SELECTED.findall("\n" + trace)


def payloads(trace: str, boxes: set[str]) -> dict[str, tuple[int, int]]:
    """(offset, length) of the raw payload MediaInfo skipped inside the first box of each given name
    (it prints such bytes as 'Data: (n bytes)' or 'Unknown: (n bytes)'), for reading them directly."""
    found: dict[str, tuple[int, int]] = {}
    current = ""
    for offset, _indent, name, value in _selected(trace):
        if not value:
            continue
        key = name.strip()
        if key == "Name":
            current = value if value in boxes and value not in found else ""
        elif current and key in ("Data", "Unknown") and (size := _BYTES.match(value)):
            found[current] = (int(offset, 16), int(size.group(1)))
            current = ""
    return found


def _fields(trace: str, selected: bool = False) -> Iterator[tuple[str, str]]:
    for _offset, _indent, name, value in _selected(trace) if selected else _entries(trace):
        if value:
            yield name.strip(), value


def _int(text: str) -> int | None:
    match = _LEADING_INT.match(text)
    return int(match.group(0)) if match else None


@dataclass
class Mp4Track:
    track_id: int
    timescale: int | None = None
    media_duration: int | None = None
    samples: int | None = None
    stts_samples: int = 0
    stts_duration: int = 0
    edits: list[tuple[int, int]] = field(default_factory=list)  # (duration in movie units, media time)
    reorder: int | None = None
    composition_offsets: bool = False
    ctts_at: int | None = None  # where the first ctts entry's sample offset is in the file
    sample_bytes: int | None = None  # fragmented files: the bytes of the samples of every fragment
    first_pts: int | None = None  # fragmented files: the first sample's presentation time
    channel_box: bool = False  # a QuickTime 'chan' (channel layout) box in its sample description


@dataclass
class Mp4Movie:
    timescale: int | None = None
    duration: int | None = None
    tracks: dict[int, Mp4Track] = field(default_factory=dict)
    fragmented: bool = False  # an mvex box: the samples are in moof boxes after the moov
    boxes: set[str] = field(default_factory=set)  # the type of every box MediaInfo walked


def mp4(trace: str) -> Mp4Movie:
    """mvhd, and per trak: mdhd time scale/duration, stts sums, stsz count, elst entries, reorder depth."""
    movie = Mp4Movie()
    track: Mp4Track | None = None
    box = ""
    edit_duration: int | None = None
    for offset, _indent, name, value in _selected(trace):
        if not value:
            header = _TRACK_HEADER.match(name)
            if header:
                track = Mp4Track(int(header.group(1)))
                movie.tracks[track.track_id] = track
            continue
        key = name.strip()
        if key == "Name":
            box = value
            movie.boxes.add(box)
            movie.fragmented = movie.fragmented or box == "mvex"
            if track is not None and box == "ctts":
                track.composition_offsets = True
                track.ctts_at = int(offset, 16) + 16  # after type, version/flags, count, sample count
            if track is not None and box == "chan":
                track.channel_box = True
            continue
        number = _int(value)
        if track is None:
            if box == "mvhd" and key == "Time scale" and movie.timescale is None:
                movie.timescale = number
            elif box == "mvhd" and key == "Duration" and movie.duration is None:
                movie.duration = number
            continue
        if box == "mdhd" and key == "Time scale":
            track.timescale = number
        elif box == "mdhd" and key == "Duration":
            track.media_duration = number
        elif box == "stts" and key == "Sample Count":
            track.stts_samples += number or 0
            pending = number or 0
            track.__dict__["_pending"] = pending
        elif box == "stts" and key == "Sample Duration":
            track.stts_duration += track.__dict__.pop("_pending", 0) * (number or 0)
        elif box == "stsz" and key == "Number of entries":
            track.samples = number
        elif box == "elst" and key == "Track duration":
            edit_duration = number
        elif box == "elst" and key == "Media time" and edit_duration is not None:
            if number in (0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF):  # MediaInfo prints an empty edit's -1 unsigned
                number = -1
            track.edits.append((edit_duration, number if number is not None else 0))
            edit_duration = None
        elif key in _REORDER_KEYS and track.reorder is None:
            track.reorder = number
    for item in movie.tracks.values():
        item.__dict__.pop("_pending", None)
    return movie


@dataclass
class VideoTiming:
    """H.264/HEVC VUI timing and reorder depth, as the first SPS in the trace states them."""

    num_units_in_tick: int | None = None
    time_scale: int | None = None
    reorder: int | None = None


def vui(trace: str) -> VideoTiming:
    timing = VideoTiming()
    for key, value in _fields(trace, selected=True):
        if key in ("num_units_in_tick", "vui_num_units_in_tick") and timing.num_units_in_tick is None:
            timing.num_units_in_tick = _int(value)
        elif key in ("time_scale", "vui_time_scale") and timing.time_scale is None:
            timing.time_scale = _int(value)
        elif key in _REORDER_KEYS and timing.reorder is None:
            timing.reorder = _int(value)
    return timing


@dataclass
class FlvFacts:
    metadata: dict[str, float] = field(default_factory=dict)  # onMetaData's numbers (flv.on_metadata)
    first_video_pts: int | None = None  # ms: timestamp + composition offset of the first coded picture
    order: list[str] = field(default_factory=list)  # "audio"/"video" in order of their first tag


def flv(trace: str) -> FlvFacts:
    """The order of the first audio and video tags and the first video picture's PTS."""
    facts = FlvFacts()
    in_video = False
    timestamp = 0
    coded = False
    for _offset, indent, name, value in _selected(trace):
        if not indent:
            in_video, coded = name.startswith("Video"), False
            kind = name.split(" ")[0].lower()
            if kind in ("audio", "video") and kind not in facts.order:
                facts.order.append(kind)
        if not value:
            continue
        key = name.strip()
        if not in_video or facts.first_video_pts is not None:
            continue
        elif key == "Timestamp_Base":
            timestamp = _int(value) or 0
        elif key == "Timestamp_Extended":
            timestamp += (_int(value) or 0) << 24
        elif key == "AVCPacketType":
            coded = _int(value) == 1
        elif key == "CompositionTime" and coded:
            offset = _int(value) or 0
            facts.first_video_pts = timestamp + (offset - (1 << 24) if offset >= 1 << 23 else offset)
    return facts


def jpeg_chroma(trace: str) -> str | None:
    """Chroma subsampling ('4:2:2'...) from the first JPEG SOF header's sampling factors."""
    factors: list[tuple[int, int]] = []
    horizontal: int | None = None
    for key, value in _fields(trace):
        if key.startswith("Hi - "):
            horizontal = _int(value)
        elif key.startswith("Vi - ") and horizontal is not None:
            factors.append((horizontal, _int(value) or 1))
            horizontal = None
            if len(factors) == 3:
                break
    return chroma_subsampling(factors)


def chroma_subsampling(factors: list[tuple[int, int]]) -> str | None:
    """'4:2:0'... from the (horizontal, vertical) sampling factors of a frame's three components."""
    if len(factors) != 3 or not factors[1][0] or not factors[1][1]:
        return None
    across, down = factors[0][0] // factors[1][0], factors[0][1] // factors[1][1]
    return _SUBSAMPLING.get((across, down))


@dataclass
class Picture:
    """Where an embedded image's bytes are (a FLAC PICTURE block, a Matroska attachment)."""

    mime: str = ""
    offset: int = 0
    length: int = 0


def flac_picture(trace: str) -> Picture | None:
    """Where the first FLAC PICTURE block's image bytes are (MediaInfo makes no track of it)."""
    picture: Picture | None = None
    for offset, _indent, name, value in _entries(trace):
        if "PICTURE" in name and picture is None:
            picture = Picture()
        if not value or picture is None:
            continue
        key = name.strip()
        if key == "MIME type":
            picture.mime = value
        elif key == "Data" and (size := _BYTES.match(value)):
            picture.offset, picture.length = int(offset, 16), int(size.group(1))
            return picture
    return None


def mp4_covers(trace: str) -> list[Picture]:
    """Where the images of an iTunes ``covr`` item are (each ``data`` box's payload), in file order:
    mov.c makes each an attached-picture stream; MediaInfo only says 'Cover: Yes'."""
    covers: list[Picture] = []
    if "covr" not in trace:  # most files: no need to walk every entry of the trace
        return covers
    size, end = 0, -1
    for offset, _indent, name, value in _entries(trace):
        key = name.strip()
        position = int(offset, 16)
        if key == "Size":
            size = _int(value) or 0
        elif key == "Name" and value == "covr":
            end = position - 4 + size  # the element's Size line is 4 bytes before its Name
        elif key == "Data" and position < end and (length := _BYTES.match(value)):
            covers.append(Picture("", position, int(length.group(1))))
    return covers


@dataclass
class Mp3Facts:
    xing: bool = False
    frames: int | None = None
    bytes: int | None = None


def mp3(trace: str) -> Mp3Facts:
    facts = Mp3Facts()
    for _offset, _indent, name, value in _entries(trace):
        if "Tag (Xing)" in name or "Tag (Info)" in name or "Tag (VBRI)" in name:
            facts.xing = True
        if not value or not facts.xing:
            continue
        key = name.strip()
        if key == "FrameCount" and facts.frames is None and _int(value) is not None:
            facts.frames = _int(value)
        elif key in ("FileSize", "StreamSize") and facts.bytes is None and _int(value) is not None:
            facts.bytes = _int(value)
    return facts


def ogg_last_granule(trace: str) -> int | None:
    """The largest absolute granule position seen (the last page's, which MediaInfo reads at the end)."""
    fields = _fields(trace, selected=True)
    granules = [_int(value) for key, value in fields if key == "absolute granule position"]
    positions = [p for p in granules if p is not None and p >= 0 and p != (1 << 64) - 1]
    return max(positions) if positions else None
