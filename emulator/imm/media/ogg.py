"""Ogg (and OGM): ffprobe's ogg demuxer times an audio stream by its last granule position (MediaInfo's
trace) and a video stream by its own, read here from the last pages (ogg_get_length). Theora packs a
keyframe number and an offset into the granule (and counted frames from 0 before version 3.2.1); an OGM
video stream's granule is its frame count. MediaInfo reports the frame count instead."""

from __future__ import annotations

import struct
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from pymediainfo import Track

from . import trace
from .family import Family
from .timing import frame_rate, sample_rate
from .values import integer

if TYPE_CHECKING:
    from .facts import Facts

HEAD = 64 * 1024  # the beginning-of-stream pages come first
TAIL = 64 * 1024
_PAGE = struct.Struct("<4sBBqIIIB")


def _pages(data: bytes):
    """(header type, granule, serial, payload) of each page found in ``data``."""
    at = data.find(b"OggS")
    while 0 <= at and at + _PAGE.size <= len(data):
        _magic, _version, kind, granule, serial, _seq, _crc, segments = _PAGE.unpack_from(data, at)
        body = at + _PAGE.size + segments
        yield kind, granule, serial, data[body : body + 64]
        at = data.find(b"OggS", at + 4)


def video_lengths(read: Callable[[int, int], bytes], size: int) -> dict[int, int]:
    """Stream serial -> the last video granule as frames (ogg_gptopts), for Theora and OGM video."""
    kinds: dict[int, tuple[str, int, bool]] = {}  # serial -> (kind, granule shift, counts from 1)
    for kind, _granule, serial, payload in _pages(read(0, min(HEAD, size))):
        if not kind & 0x02:  # beginning of stream pages only
            continue
        if payload[1:7] == b"theora" and len(payload) >= 42:
            shift = (payload[40] & 0x03) << 3 | payload[41] >> 5
            kinds[serial] = ("theora", shift, tuple(payload[7:10]) >= (3, 2, 1))
        elif payload[:6] == b"\x01video":
            kinds[serial] = ("ogm", 0, True)
    lengths: dict[int, int] = {}
    for _kind, granule, serial, _payload in _pages(read(max(0, size - TAIL), min(TAIL, size))):
        if serial in kinds and granule >= 0:
            codec, shift, from_one = kinds[serial]
            if codec == "theora":
                keyframe, offset = granule >> shift, granule & ((1 << shift) - 1)
                lengths[serial] = keyframe + offset + (0 if from_one else 1)
            else:
                lengths[serial] = granule
    return lengths


class Ogg(Family):
    def read(self, facts: Facts, read: Callable[[int, int], bytes], text: str) -> None:
        if text:
            facts.ogg_granule = trace.ogg_last_granule(text)
        if facts.inspection.of_type("Video"):
            facts.ogg_video_frames = video_lengths(read, facts.size)

    def seconds(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        rate, serial = sample_rate(track), integer(track.track_id)
        if kind == "audio" and rate and facts.ogg_granule is not None:
            if len(facts.inspection.of_type("Audio")) == 1:
                return Fraction(facts.ogg_granule, rate)
        if kind == "video" and serial is not None and serial in facts.ogg_video_frames:
            fps = frame_rate(track)  # ogg_get_length: the last granule, as frames
            return facts.ogg_video_frames[serial] / fps if fps else None
        return super().seconds(track, kind, codec, facts)
