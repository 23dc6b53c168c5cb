"""ASF (WMV/WMA): what FFmpeg's asf demuxer times streams by. Each stream lasts the File Properties'
play duration less the preroll; it starts at its first payload's presentation time less the preroll
(read from the first data packets); the file lasts from the earliest start to the latest end.
MediaInfo states one duration for all and no start."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from pymediainfo import Track

from .family import Family
from .values import integer, rescale

if TYPE_CHECKING:
    from .facts import Facts

FILE_PROPERTIES = bytes.fromhex("A1DCAB8C47A9CF118EE400C00C205365")
DATA = bytes.fromhex("3626B2758E66CF11A6D900AA0062CE6C")
HEADER_LIMIT = 1024 * 1024
PACKETS = 64  # data packets read for first timestamps
_SIZES = (0, 1, 2, 4)  # ASF length types


@dataclass
class AsfTiming:
    duration_ms: int = 0  # play duration less preroll
    preroll_ms: int = 0
    first_ms: dict[int, int] = field(default_factory=dict)  # stream number -> first presentation time


def timing(read: Callable[[int, int], bytes], size: int, streams: int) -> AsfTiming | None:
    """The header's times, and the first presentation time of up to ``streams`` streams."""
    head = read(0, 30)
    if len(head) < 30:
        return None
    header_size = struct.unpack("<Q", head[16:24])[0]
    header = read(0, min(header_size, HEADER_LIMIT, size))
    at = header.find(FILE_PROPERTIES)
    if at < 0 or at + 24 + 72 > len(header):
        return None
    body = at + 24
    packet_size = struct.unpack("<I", header[body + 68 : body + 72])[0]
    play, _send, preroll = struct.unpack("<QQQ", header[body + 40 : body + 64])
    found = AsfTiming(duration_ms=play // 10_000 - preroll, preroll_ms=preroll)
    data = header_size  # the Data Object follows the Header Object
    if 0 < packet_size <= 65536 and read(data, 16) == DATA:
        first = data + 50
        for index in range(PACKETS):
            packet = read(first + index * packet_size, packet_size)
            if len(packet) < packet_size:
                break
            for stream, presented in _payloads(packet):
                found.first_ms.setdefault(stream, presented)
            if len(found.first_ms) >= streams:
                break
    return found


def _field(packet: bytes, at: int, kind: int) -> tuple[int, int]:
    width = _SIZES[kind]
    return (int.from_bytes(packet[at : at + width], "little") if width else 0), at + width


def _payloads(packet: bytes) -> list[tuple[int, int]]:
    """(stream number, presentation time in ms) of each payload of one data packet."""
    at = 0
    if packet[0] & 0x80:  # error correction data
        at = 1 + (packet[0] & 0x0F)
    if at + 2 > len(packet):
        return []
    flags, properties = packet[at], packet[at + 1]
    at += 2
    _length, at = _field(packet, at, flags >> 5 & 3)
    _sequence, at = _field(packet, at, flags >> 1 & 3)
    _padding, at = _field(packet, at, flags >> 3 & 3)
    at += 6  # send time, duration
    count, length_type = 1, 2
    if flags & 1:
        if at >= len(packet):
            return []
        count, length_type = packet[at] & 0x3F, packet[at] >> 6
        at += 1
    found = []
    for _ in range(count):
        if at >= len(packet):
            break
        stream = packet[at] & 0x7F
        at += 1
        _object, at = _field(packet, at, properties >> 4 & 3)
        offset, at = _field(packet, at, properties >> 2 & 3)
        replicated, at = _field(packet, at, properties & 3)
        if replicated >= 8 and at + 8 <= len(packet):
            found.append((stream, struct.unpack("<I", packet[at + 4 : at + 8])[0]))
        elif replicated == 1:  # compressed payloads: the offset field is the presentation time
            found.append((stream, offset))
        at += replicated
        if flags & 1:
            length, at = _field(packet, at, length_type)
            at += length
        else:
            break
    return found


class Asf(Family):
    def read(self, facts: Facts, read: Callable[[int, int], bytes], text: str) -> None:
        facts.asf = timing(read, facts.size, len(facts.inspection.of_type("Video", "Audio", "Text")))

    def start(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        """The stream's first presentation time less the preroll."""
        found = facts.asf
        first = found.first_ms.get(integer(track.track_id) or -1) if found else None
        return (
            Fraction(max(0, first - found.preroll_ms), 1000) if found and first is not None else Fraction(0)
        )

    def duration(
        self, track: Track, kind: str, codec: str | None, facts: Facts, time_base: Fraction
    ) -> int | None:
        if facts.asf:  # every stream: the play duration less the preroll
            return rescale(Fraction(facts.asf.duration_ms, 1000), time_base)
        return super().duration(track, kind, codec, facts, time_base)
