"""AIFF/AIFF-C (ffprobe's aiff demuxer): the COMM chunk's sample frame count, which the demuxer
reports as nb_frames (and its duration). MediaInfo derives its count from the SSND chunk size,
sometimes with the chunk's 8-byte offset/block-size header counted as audio."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from pymediainfo import Track

from .family import Family, sample_count_seconds
from .timing import sample_rate

if TYPE_CHECKING:
    from .facts import Facts

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


class Aiff(Family):
    def read(self, facts: Facts, read: Callable[[int, int], bytes], text: str) -> None:
        facts.aiff_frames = sample_frames(read, facts.size)

    def seconds(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        rate = sample_rate(track)
        if kind == "audio" and rate:
            if facts.aiff_frames is not None:
                return Fraction(facts.aiff_frames, rate)
            if (seconds := sample_count_seconds(track)) is not None:
                return seconds
        return super().seconds(track, kind, codec, facts)

    def frame_count(self, track: Track, kind: str, codec: str | None, facts: Facts) -> int | None:
        if kind == "audio" and facts.aiff_frames is not None:
            return facts.aiff_frames
        return super().frame_count(track, kind, codec, facts)
