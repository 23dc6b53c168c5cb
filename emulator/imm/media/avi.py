"""AVI: the audio streams' stream headers (strh), which avidec times them by. The time base is
dwScale/dwRate, the frame count dwLength (chunks, samples or bytes), and only a stream of whole frames
(dwSampleSize 0: VBR MP3, AAC) has a duration of its own. MediaInfo reports samples and milliseconds."""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

HEAD = 64 * 1024  # the hdrl list, where every strh is, comes first


@dataclass(frozen=True)
class AudioHeader:
    time_base: Fraction
    length: int
    sample_size: int
    byte_rate: int = 0  # the strf WAVEFORMATEX's nAvgBytesPerSec: ffprobe's bit rate, x 8

    @property
    def duration(self) -> Fraction | None:
        return None if self.sample_size else self.length * self.time_base


def audio_headers(read: Callable[[int, int], bytes], size: int) -> list[AudioHeader]:
    """The 'auds' stream headers, in stream order."""
    head = read(0, min(HEAD, size))
    if head[:4] != b"RIFF" or head[8:12] not in (b"AVI ", b"AVIX"):
        return []
    found = []
    at = head.find(b"strh")
    while 0 <= at and at + 56 <= len(head):
        body = head[at + 8 : at + 56]
        if body[:4] == b"auds":
            scale, rate, _start, length = struct.unpack("<IIII", body[20:36])
            sample_size = struct.unpack("<I", body[44:48])[0]
            strf = at + 8 + struct.unpack("<I", head[at + 4 : at + 8])[0]
            strf += strf & 1
            byte_rate = 0
            if head[strf : strf + 4] == b"strf" and strf + 20 <= len(head):
                byte_rate = struct.unpack("<I", head[strf + 16 : strf + 20])[0]
            if scale and rate:
                found.append(AudioHeader(Fraction(scale, rate), length, sample_size, byte_rate))
        at = head.find(b"strh", at + 8)
    return found
