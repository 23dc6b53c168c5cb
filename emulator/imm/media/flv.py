"""FLV: the AAC sequence header's channel configuration. An FLV audio tag's flags always say stereo
for AAC (the specification fixes them), so MediaInfo reports two channels; flvdec and the AAC decoder
take the count from the AudioSpecificConfig instead."""

from __future__ import annotations

from collections.abc import Callable

MAX_TAGS = 64  # the sequence header precedes the first AAC frame


def aac_channels(read: Callable[[int, int], bytes], size: int) -> int | None:
    head = read(0, 9)
    if len(head) < 9 or head[:3] != b"FLV":
        return None
    at = int.from_bytes(head[5:9], "big") + 4  # after the header and the first PreviousTagSize
    for _ in range(MAX_TAGS):
        tag = read(at, 15)
        if len(tag) < 15:
            return None
        kind, length = tag[0] & 0x1F, int.from_bytes(tag[1:4], "big")
        if kind == 8 and tag[11] >> 4 == 10 and tag[12] == 0:  # audio, AAC, sequence header
            channels = tag[14] >> 3 & 0x0F if length >= 4 else 0
            return channels or None  # 0: stated in a program config element, not here
        at += 11 + length + 4
    return None
