"""SWF: the order the movie's tags define its streams in, which swfdec indexes them by (a sound stream
head is often first), and the MP3 bit rate of the first sound block, which its parser states. MediaInfo
lists the video first and states no audio bit rate."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .family import Family
from .mp3 import frame_bitrate

if TYPE_CHECKING:
    from .facts import Facts

HEAD = 256 * 1024  # the stream definitions and the first blocks come early
SOUND_STREAM_HEAD, SOUND_STREAM_HEAD2, SOUND_STREAM_BLOCK, DEFINE_VIDEO_STREAM = 18, 45, 19, 60
MAX_TAGS = 10_000


@dataclass
class SwfStreams:
    order: list[str] = field(default_factory=list)  # "audio" / "video", as their tags appear
    audio_bitrate: int | None = None


def streams(read: Callable[[int, int], bytes], size: int) -> SwfStreams:
    found = SwfStreams()
    head = read(0, min(HEAD, size))
    if len(head) < 8 or head[1:3] != b"WS" or head[0:1] not in (b"F", b"C"):
        return found
    body = head[8:]
    if head[0:1] == b"C":  # zlib after the 8-byte header
        try:
            body = zlib.decompressobj().decompress(body, HEAD)
        except zlib.error:
            return found
    if not body:
        return found
    rect_bits = 5 + 4 * (body[0] >> 3)  # the frame size RECT: 5 bits of field width, then 4 fields
    at = (rect_bits + 7) // 8 + 4  # then frame rate and frame count
    for _ in range(MAX_TAGS):
        if at + 2 > len(body):
            break
        word = int.from_bytes(body[at : at + 2], "little")
        code, length, at = word >> 6, word & 0x3F, at + 2
        if length == 0x3F:
            if at + 4 > len(body):
                break
            length, at = int.from_bytes(body[at : at + 4], "little"), at + 4
        if code == 0:
            break
        if code in (SOUND_STREAM_HEAD, SOUND_STREAM_HEAD2) and "audio" not in found.order:
            found.order.append("audio")
        elif code == DEFINE_VIDEO_STREAM and "video" not in found.order:
            found.order.append("video")
        elif code == SOUND_STREAM_BLOCK and found.audio_bitrate is None:
            frame = frame_bitrate(body[at + 4 : at + 8])  # after SampleCount and SeekSamples
            found.audio_bitrate = frame[1] if frame else None
        at += length
    return found


class Swf(Family):
    def read(self, facts: Facts, read: Callable[[int, int], bytes], text: str) -> None:
        found = streams(read, facts.size)
        for track in facts.inspection.of_type("Video", "Audio"):
            kind = track.track_type.lower()
            if kind == "video" and not track.frame_rate:  # the movie's frame rate is the video's (swfdec)
                setattr(track, "frame_rate", facts.general.frame_rate)  # noqa: B010 (Track is untyped)
            if kind in found.order:  # swfdec indexes streams as their tags define them
                setattr(track, "streamorder", str(found.order.index(kind)))  # noqa: B010
            if kind == "audio" and found.audio_bitrate and not track.bit_rate:
                setattr(track, "bit_rate", found.audio_bitrate)  # noqa: B010
