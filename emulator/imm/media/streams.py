"""The streams ffprobe would list, built from MediaInfo's tracks in ffprobe's index order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pymediainfo import Track

from .audio import audio_fields
from .codecs import codec_name, codec_tag
from .facts import Facts
from .families import family_for
from .tables import codec_long_name
from .timing import StreamTiming, stream_timing
from .values import integer, ratio_text, seconds
from .video import video_fields

_KINDS = {"Video": "video", "Image": "video", "Audio": "audio", "Text": "subtitle", "Other": "data"}
_EMBEDDED_CAPTIONS = ("DTVCC", "SCTE 20", "SCTE 21", "A/53")  # CEA-608/708 inside the video stream


@dataclass
class Stream:
    kind: str
    index: int
    track: Track
    codec: str | None
    timing: StreamTiming
    fields: dict[str, Any] = field(default_factory=dict)


def build_streams(facts: Facts) -> list[Stream]:
    tracks = [t for t in facts.inspection.tracks if _listed(t)]
    ordered = _with_indexes(tracks, facts.flv.order if facts.flv else [])
    streams, family = [], family_for(facts.container.name)
    for index, track in ordered:
        kind = _KINDS[track.track_type]
        codec = codec_name(track, kind) if kind != "data" else None
        codec = facts.container.codecs.get(codec or "", codec)
        timing = stream_timing(track, kind, codec, facts, family)
        streams.append(Stream(kind, index, track, codec, timing))
    return streams


def _listed(track: Track) -> bool:
    """A track ffprobe lists: not captions inside a video stream, nor a Video track without a format
    (MediaInfo's description of a ShockWave movie as a whole)."""
    if track.track_type not in _KINDS or _embedded(track):
        return False
    return track.track_type != "Video" or bool(track.format)


def describe(stream: Stream, facts: Facts) -> dict[str, Any]:
    """The stream's DetectMediaMeta fields (called once container totals have filled its timing)."""
    track, codec, timing = stream.track, stream.codec, stream.timing
    tag = codec_tag(track, stream.kind, codec, facts.container)
    answer: dict[str, Any] = {
        "Index": stream.index,
        "Language": None if facts.container.name == "mp3" else language(track),
        "CodecName": codec,
        "CodecLongName": codec_long_name(codec),
        "CodecTagString": tag[1] if tag else None,
        "CodecTag": tag[0] if tag else None,
        "TimeBase": ratio_text(timing.time_base),
        "StartTime": seconds(timing.seconds(timing.start)),
        "Duration": seconds(timing.seconds(timing.duration)),
        "Bitrate": timing.bitrate,
        "FrameCount": timing.frame_count,
    }
    if stream.kind == "video":
        answer.update(video_fields(track, codec, facts, timing))
    elif stream.kind == "audio":
        answer.update(audio_fields(track, codec, facts))
    elif stream.kind == "subtitle":
        answer.pop("TimeBase")
        answer.pop("FrameCount")
        answer.update({"Width": integer(track.width), "Height": integer(track.height)})
    return answer


def language(track: Track) -> str | None:
    """BCP 47 primary subtag; MediaInfo already gives ISO 639-1 where one exists."""
    code = str(track.language or "").split("-")[0].strip().lower()
    return None if code in ("", "und", "zxx", "mul", "mis") else code


def _embedded(track: Track) -> bool:
    muxing = str(track.muxingmode or track.muxing_mode or "")
    return track.track_type == "Text" and any(marker in muxing for marker in _EMBEDDED_CAPTIONS)


def _with_indexes(tracks: list[Track], kind_order: list[str]) -> list[tuple[int, Track]]:
    """ffprobe's index: MediaInfo's StreamOrder where it has one (TS '0-1' -> 1), else the order seen;
    attached pictures come after the container's own streams."""
    placed: list[tuple[int, Track]] = []
    used: set[int] = set()
    pending: list[Track] = []
    for track in tracks:
        order = str(track.streamorder or "").split("-")[-1]
        if order.isdigit() and track.track_type != "Image" and int(order) not in used:
            placed.append((int(order), track))
            used.add(int(order))
        else:
            pending.append(track)
    next_index = 0

    def rank(track: Track) -> tuple[bool, int]:
        kind = track.track_type.lower()
        return track.track_type == "Image", kind_order.index(kind) if kind in kind_order else len(kind_order)

    for track in sorted(pending, key=rank):
        while next_index in used:
            next_index += 1
        placed.append((next_index, track))
        used.add(next_index)
    return sorted(placed, key=lambda item: item[0])
