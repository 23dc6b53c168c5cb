"""Ogg (and OGM): ffprobe's ogg demuxer times an audio stream by its last granule position (MediaInfo's
trace) and a video stream by its own, read here from the last pages (ogg_get_length). Theora packs a
keyframe number and an offset into the granule (and counted frames from 0 before version 3.2.1); an OGM
video stream's granule is its frame count. MediaInfo reports the frame count instead."""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from pymediainfo import Track

from . import trace
from .family import Family
from .timing import frame_rate, sample_rate
from .values import integer

if TYPE_CHECKING:
    from .facts import Facts

HEAD = 64 * 1024  # the beginning-of-stream pages come first
TAIL = 64 * 1024
_PAGE = struct.Struct("<4sBBqIIIB")


class _Page(NamedTuple):
    kind: int  # header type flags
    granule: int
    serial: int
    packets: int  # the packets that end on this page
    payload: bytes  # its first bytes


def _pages(data: bytes) -> Iterator[_Page]:
    at = data.find(b"OggS")
    while 0 <= at and at + _PAGE.size <= len(data):
        _magic, _version, kind, granule, serial, _seq, _crc, segments = _PAGE.unpack_from(data, at)
        lacing = data[at + _PAGE.size : at + _PAGE.size + segments]
        body = at + _PAGE.size + segments
        yield _Page(kind, granule, serial, sum(1 for value in lacing if value < 255), data[body : body + 80])
        at = data.find(b"OggS", at + 4)


def speex_starts(read: Callable[[int, int], bytes], size: int) -> dict[int, int]:
    """Speex stream serial -> its first sample (speex_packet): the first page with a granule, less the
    packets that end on it (frame size x frames per packet each); negative where the encoder's look-ahead
    is counted in the granules."""
    packet_sizes: dict[int, int] = {}
    starts: dict[int, int] = {}
    for page in _pages(read(0, min(HEAD, size))):
        payload = page.payload
        if page.kind & 0x02 and payload[:8] == b"Speex   " and len(payload) >= 68:
            frame_size, _vbr, frames = struct.unpack_from("<3i", payload, 56)
            packet_sizes[page.serial] = frame_size * max(1, frames)
        elif page.serial in packet_sizes and page.serial not in starts and page.granule > 0:
            starts[page.serial] = page.granule - packet_sizes[page.serial] * page.packets
    return starts


def video_lengths(read: Callable[[int, int], bytes], size: int) -> tuple[dict[int, int], set[int]]:
    """Stream serial -> the last video granule as frames (ogg_gptopts), for Theora and OGM video; and the
    Theora streams whose header states a 0 pixel aspect ratio (ffprobe: none)."""
    kinds: dict[int, tuple[str, int, bool]] = {}  # serial -> (kind, granule shift, counts from 1)
    no_aspect: set[int] = set()
    for kind, _granule, serial, _packets, payload in _pages(read(0, min(HEAD, size))):
        if not kind & 0x02:  # beginning of stream pages only
            continue
        if payload[1:7] == b"theora" and len(payload) >= 42:
            shift = (payload[40] & 0x03) << 3 | payload[41] >> 5
            kinds[serial] = ("theora", shift, tuple(payload[7:10]) >= (3, 2, 1))
            if not int.from_bytes(payload[30:33], "big") or not int.from_bytes(payload[33:36], "big"):
                no_aspect.add(serial)
        elif payload[:6] == b"\x01video":
            kinds[serial] = ("ogm", 0, True)
    lengths: dict[int, int] = {}
    for _kind, granule, serial, _packets, _payload in _pages(read(max(0, size - TAIL), min(TAIL, size))):
        if serial in kinds and granule >= 0:
            codec, shift, from_one = kinds[serial]
            if codec == "theora":
                keyframe, offset = granule >> shift, granule & ((1 << shift) - 1)
                lengths[serial] = keyframe + offset + (0 if from_one else 1)
            else:
                lengths[serial] = granule
    return lengths, no_aspect


class Ogg(Family):
    def read(self, facts: Facts, read: Callable[[int, int], bytes], text: str) -> None:
        if text:
            facts.ogg_granule = trace.ogg_last_granule(text)
        if facts.inspection.of_type("Video"):
            facts.ogg_video_frames, no_aspect = video_lengths(read, facts.size)
            facts.unstated_aspect += [
                t for t in facts.inspection.of_type("Video") if integer(t.track_id) in no_aspect
            ]
        if any(track.format == "Speex" for track in facts.inspection.of_type("Audio")):
            facts.ogg_starts = speex_starts(read, facts.size)

    def start(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        rate, serial = sample_rate(track), integer(track.track_id)
        if kind == "audio" and rate and serial in facts.ogg_starts:
            return Fraction(facts.ogg_starts[serial], rate)
        return super().start(track, kind, codec, facts)

    def seconds(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        rate, serial = sample_rate(track), integer(track.track_id)
        if kind == "audio" and rate and facts.ogg_granule is not None:
            if len(facts.inspection.of_type("Audio")) == 1:  # ogg_get_length: from the stream's start
                return Fraction(facts.ogg_granule - facts.ogg_starts.get(serial or 0, 0), rate)
        if kind == "video" and serial is not None and serial in facts.ogg_video_frames:
            fps = frame_rate(track)  # ogg_get_length: the last granule, as frames
            return facts.ogg_video_frames[serial] / fps if fps else None
        return super().seconds(track, kind, codec, facts)
