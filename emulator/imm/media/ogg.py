"""Ogg: the video streams' last granule positions, which the ogg demuxer times them by (its
ogg_get_length reads the last pages). Theora packs a keyframe number and an offset into the granule
(and counted frames from 0 before version 3.2.1); an OGM video stream's granule is its frame count.
MediaInfo reports the frame count instead."""

from __future__ import annotations

import struct
from collections.abc import Callable

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
