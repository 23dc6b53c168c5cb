"""WavPack: the first block header's total sample count, which wvdec reports as the stream's duration.
MediaInfo at ParseSpeed 0 estimates the duration from the first blocks only."""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import TYPE_CHECKING

from pymediainfo import Track

from .family import Family

if TYPE_CHECKING:
    from .facts import Facts

UNKNOWN = 0xFFFFFFFF


def total_samples(read: Callable[[int, int], bytes]) -> int | None:
    head = read(0, 32)
    if len(head) < 16 or head[:4] != b"wvpk":
        return None
    low = struct.unpack("<I", head[12:16])[0]
    if low == UNKNOWN:
        return None
    return low | head[11] << 32  # total_samples_u8 extends it (WavPack 5 headers)


def describe(track: Track, samples: int) -> None:
    rate = int(str(track.sampling_rate or 0).split(" ")[0] or 0)
    if rate:
        setattr(track, "samples_count", samples)  # noqa: B010 (Track is untyped)
        setattr(track, "duration", samples * 1000 / rate)  # noqa: B010


class WavPack(Family):
    def read(self, facts: Facts, read: Callable[[int, int], bytes], text: str) -> None:
        samples = total_samples(read)
        if samples:
            for track in facts.inspection.of_type("Audio"):
                describe(track, samples)
