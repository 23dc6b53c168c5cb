"""FLV: ffprobe's flv demuxer times streams by the tags' millisecond timestamps and weighs them by
onMetaData's data rates (read here from the script tag: MediaInfo prints its numbers cut to three
decimals, and stops at arrays such as GStreamer's keyframes index). It takes more from the audio tags
themselves: a tag's flags always say stereo for AAC (the specification fixes them), so MediaInfo
reports two channels; flvdec and the AAC decoder take the count from the AudioSpecificConfig instead.
And MP3 without a data rate in onMetaData gets the MPEG audio parser's running average of its frames,
where MediaInfo states the first frame's."""

from __future__ import annotations

import struct
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from pymediainfo import Track

from . import trace
from .family import Family
from .pes import AUDIO_HEAD, frame_rates
from .probe_window import running_average
from .values import integer

if TYPE_CHECKING:
    from .facts import Facts

MAX_TAGS = 64  # the sequence header precedes the first AAC frame
SCRIPT_LIMIT = 256 * 1024  # onMetaData with a keyframe index of a few thousand entries
_DEPTH = 8


def on_metadata(read: Callable[[int, int], bytes], size: int) -> dict[str, float]:
    """onMetaData's top-level numbers, as flvdec reads them from the first script tag."""
    head = read(0, 9)
    if len(head) < 9 or head[:3] != b"FLV":
        return {}
    at = int.from_bytes(head[5:9], "big") + 4  # past the previous-tag-size field
    tag = read(at, 11)
    if len(tag) < 11 or tag[0] & 0x1F != 18:
        return {}
    body = read(at + 11, min(int.from_bytes(tag[1:4], "big"), SCRIPT_LIMIT))
    numbers: dict[str, float] = {}
    try:
        name, at = _amf(body, 0, 0)
        if name == "onMetaData" and body[at] in (3, 8):
            _amf_pairs(body, at + (5 if body[at] == 8 else 1), 1, numbers)
    except (IndexError, ValueError, struct.error):
        pass  # a truncated or foreign tag: keep the numbers read so far
    return numbers


def _amf_pairs(data: bytes, at: int, depth: int, numbers: dict[str, float] | None = None) -> int:
    """An AMF0 object's name/value pairs up to the end marker; top-level numbers into ``numbers``."""
    while True:
        length = int.from_bytes(data[at : at + 2], "big")
        name = data[at + 2 : at + 2 + length].decode("utf-8", "replace")
        at += 2 + length
        if not name and data[at] == 9:
            return at + 1
        value, at = _amf(data, at, depth)
        if numbers is not None and isinstance(value, float):
            numbers.setdefault(name, value)


def _amf(data: bytes, at: int, depth: int) -> tuple[object, int]:
    """One AMF0 value at ``at`` -> (the value if a number or string, the offset after it)."""
    if depth > _DEPTH:
        raise ValueError("AMF nesting too deep")
    kind, at = data[at], at + 1
    if kind == 0:
        return struct.unpack_from(">d", data, at)[0], at + 8
    if kind == 1:
        return None, at + 1
    if kind in (2, 12):
        width = 2 if kind == 2 else 4
        length = int.from_bytes(data[at : at + width], "big")
        return data[at + width : at + width + length].decode("utf-8", "replace"), at + width + length
    if kind in (3, 8):
        return None, _amf_pairs(data, at + (4 if kind == 8 else 0), depth + 1)
    if kind == 10:
        count, at = int.from_bytes(data[at : at + 4], "big"), at + 4
        for _ in range(count):
            _value, at = _amf(data, at, depth + 1)
        return None, at
    if kind == 11:
        return None, at + 10
    if kind in (5, 6):
        return None, at
    raise ValueError(f"AMF0 type {kind}")


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


class Flv(Family):
    def read(self, facts: Facts, read: Callable[[int, int], bytes], text: str) -> None:
        if text:
            facts.flv = trace.flv(text)
            facts.flv.metadata = on_metadata(read, facts.size)
        if any(track.format == "MPEG Audio" for track in facts.inspection.of_type("Audio")):
            rates = mp3_frame_rates(read, facts.size, AUDIO_HEAD)
            if rates:
                facts.audio_bitrates[0] = running_average(rates)  # FLV has one audio stream
        aac = [track for track in facts.inspection.of_type("Audio") if track.format == "AAC"]
        channels = aac_channels(read, facts.size) if aac else None
        for track in aac if channels else []:
            setattr(track, "channel_s", channels)  # noqa: B010 (Track is untyped)

    def start(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        if facts.flv and kind == "video" and facts.flv.first_video_pts is not None:
            return Fraction(facts.flv.first_video_pts, 1000)
        return super().start(track, kind, codec, facts)

    def bitrate(self, track: Track, kind: str, codec: str | None, facts: Facts) -> int | None:
        """onMetaData's kbit/s * 1024."""
        stated = integer(track.bit_rate)
        rate = facts.flv.metadata.get(f"{kind}datarate") if facts.flv else None
        if not rate and codec == "mp3":  # no rate in the metadata: flvdec parses MP3, whose parser sets it
            return facts.audio_bitrates.get(0) or stated
        if rate is not None:
            return int(rate * 1024) or None
        return round(stated * 1.024) if stated and kind == "audio" else None

    def header_duration(self, facts: Facts) -> Fraction | None:
        if facts.flv and facts.flv.metadata.get("duration"):  # flvdec: onMetaData's double -> int64 us
            return Fraction(int(facts.flv.metadata["duration"] * 1_000_000), 1_000_000)
        return None
