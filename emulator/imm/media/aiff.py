"""AIFF/AIFF-C: the COMM chunk's sample frame count, which FFmpeg's aiff demuxer reports as nb_frames
(and its duration). MediaInfo derives its count from the SSND chunk size, sometimes with the chunk's
8-byte offset/block-size header counted as audio."""

from __future__ import annotations

from collections.abc import Callable

HEAD = 4096


def sample_frames(read_range: Callable[[int, int], bytes], size: int) -> int | None:
    head = read_range(0, min(HEAD, size))
    if head[:4] != b"FORM" or head[8:12] not in (b"AIFF", b"AIFC"):
        return None
    at = 12
    while at + 8 <= len(head):
        chunk, length = head[at : at + 4], int.from_bytes(head[at + 4 : at + 8], "big")
        if chunk == b"COMM":
            body = head[at + 8 : at + 14]
            return int.from_bytes(body[2:6], "big") if len(body) == 6 else None
        at += 8 + length + (length & 1)
    return None
