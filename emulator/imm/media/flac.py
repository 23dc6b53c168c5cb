"""FLAC (ffprobe's flac demuxer): the stream lasts its STREAMINFO sample count; and where the file's
cover picture is, read from its metadata blocks.

ffprobe shows a FLAC PICTURE as an attached-picture stream; MediaInfo only says 'Cover: Yes' and shows
the block in its trace, which costs more than the whole plain parse. The metadata blocks lead the file
and are a simple chain, so they are walked here instead; anything unexpected is left to the trace.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from pymediainfo import Track

from . import trace
from .family import Family, sample_count_seconds
from .trace import Picture

if TYPE_CHECKING:
    from .facts import Facts

_MAX_BLOCKS = 256
_PICTURE = 6


def picture(read_range: Callable[[int, int], bytes], size: int) -> tuple[bool, Picture | None]:
    """(known, the first PICTURE block's image): known is False where the trace should decide."""
    at = 0
    head = read_range(0, 10)
    if head[:3] == b"ID3" and len(head) == 10:
        at = 10 + _syncsafe(head[6:10]) + (10 if head[5] & 0x10 else 0)
    if read_range(at, 4) != b"fLaC":
        return False, None
    at += 4
    for _ in range(_MAX_BLOCKS):
        header = read_range(at, 4)
        if len(header) < 4:
            return False, None
        last, kind, length = header[0] & 0x80, header[0] & 0x7F, int.from_bytes(header[1:4], "big")
        if at + 4 + length > size:
            return False, None
        if kind == _PICTURE:
            return _picture(read_range(at + 4, min(length, 64 * 1024)), at + 4, length)
        if last:
            return True, None
        at += 4 + length
    return False, None


def _picture(block: bytes, offset: int, length: int) -> tuple[bool, Picture | None]:
    try:
        mime_length = struct.unpack(">I", block[4:8])[0]
        mime = block[8 : 8 + mime_length]
        at = 8 + mime_length
        description_length = struct.unpack(">I", block[at : at + 4])[0]
        at += 4 + description_length + 16
        data_length = struct.unpack(">I", block[at : at + 4])[0]
    except struct.error:
        return False, None
    at += 4
    if at + data_length > length or not mime.isascii():
        return False, None
    return True, Picture(mime=mime.decode("ascii"), offset=offset + at, length=data_length)


def _syncsafe(data: bytes) -> int:
    value = 0
    for byte in data:
        value = (value << 7) | (byte & 0x7F)
    return value


class Flac(Family):
    def read(self, facts: Facts, read: Callable[[int, int], bytes], text: str) -> None:
        if text:
            facts.read_picture(trace.flac_picture(text), read)

    def seconds(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        found = sample_count_seconds(track) if kind == "audio" else None
        return super().seconds(track, kind, codec, facts) if found is None else found
