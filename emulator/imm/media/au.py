"""Sun AU: the header decides everything ffprobe reports (encoding, rate, channels, data size), and
MediaInfo misreads some headers (a 24-bit stereo file as 16-bit mono, six times too long). So the
header is read here and the audio track described from it."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pymediainfo import Track

from .family import Family

if TYPE_CHECKING:
    from .facts import Facts

# encoding -> (MediaInfo Format, bits per sample); the name is what CodecID carries and CodecTag maps back
ENCODINGS = {
    1: ("ADPCM", 8, "8-bit mu-law"), 2: ("PCM", 8, "8-bit signed linear"),
    3: ("PCM", 16, "16-bit signed linear"), 4: ("PCM", 24, "24-bit signed linear"),
    5: ("PCM", 32, "32-bit signed linear"), 6: ("PCM", 32, "32-bit IEEE floating point"),
    7: ("PCM", 64, "64-bit IEEE floating point"), 27: ("ADPCM", 8, "8-bit A-law"),
}  # fmt: skip
TAGS = {name: encoding for encoding, (_fmt, _bits, name) in ENCODINGS.items()}


@dataclass
class AuHeader:
    encoding: int
    rate: int
    channels: int
    data_bytes: int


def header(read: Callable[[int, int], bytes], size: int) -> AuHeader | None:
    head = read(0, 24)
    if len(head) < 24 or head[:4] != b".snd":
        return None
    offset, length, encoding, rate, channels = struct.unpack(">5I", head[4:24])
    if encoding not in ENCODINGS or not rate or not channels or offset > size:
        return None
    available = size - offset
    return AuHeader(encoding, rate, channels, available if length == 0xFFFFFFFF else min(length, available))


def describe(track: Track, found: AuHeader) -> None:
    """Set the track's fields from the header (auddec: the data size over the frame size)."""
    fmt, bits, name = ENCODINGS[found.encoding]
    frames = found.data_bytes // (found.channels * bits // 8)
    fields = {
        "format": fmt, "codec_id": name, "bit_depth": bits, "channel_s": found.channels,
        "sampling_rate": found.rate, "samples_count": frames, "duration": frames * 1000 / found.rate,
        "bit_rate": found.rate * found.channels * bits, "format_settings__endianness": "Big",
        "format_settings__sign": "Signed", "format_settings": "Float" if found.encoding in (6, 7) else None,
    }  # fmt: skip
    for key, value in fields.items():
        setattr(track, key, value)


class Au(Family):
    def read(self, facts: Facts, read: Callable[[int, int], bytes], text: str) -> None:
        found = header(read, facts.size)
        if found is not None:
            for track in facts.inspection.of_type("Audio"):
                describe(track, found)
