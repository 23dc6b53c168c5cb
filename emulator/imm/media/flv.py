"""FLV: what flvdec takes from the audio tags themselves. An audio tag's flags always say stereo for
AAC (the specification fixes them), so MediaInfo reports two channels; flvdec and the AAC decoder take
the count from the AudioSpecificConfig instead. And MP3 without a data rate in onMetaData gets the
MPEG audio parser's running average of its frames, where MediaInfo states the first frame's."""

from __future__ import annotations

from collections.abc import Callable

from .pes import frame_rates

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


def mp3_frame_rates(read: Callable[[int, int], bytes], size: int, limit: int) -> list[int]:
    """The bit rates of the MP3 frames in the audio tags of the first ``limit`` bytes, in order: flvdec
    hands them to the MPEG audio parser, which averages them into the stream's bit rate."""
    head = read(0, min(limit, size))
    if len(head) < 9 or head[:3] != b"FLV":
        return []
    payload = bytearray()
    at = int.from_bytes(head[5:9], "big") + 4
    while at + 12 <= len(head):
        kind, length = head[at] & 0x1F, int.from_bytes(head[at + 1 : at + 4], "big")
        if kind == 8 and head[at + 11] >> 4 == 2:  # audio, MP3
            payload += head[at + 12 : at + 11 + length]
        at += 11 + length + 4
    return frame_rates(bytes(payload), "mpeg", 0)
