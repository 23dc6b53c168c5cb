"""RIFF WAVE (ffprobe's wav demuxer): a stream lasts its sample count and weighs what its format says
(the fmt chunk's byte rate where no fixed sample size does). An ``id3 `` chunk is read with the ID3v2
reader, so an APIC frame becomes an attached-picture stream; MediaInfo reads the chunk's text frames
but makes no track of its pictures."""

from __future__ import annotations

import struct
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from pymediainfo import Track

from .family import Family, sample_count_seconds
from .timing import sample_rate
from .trace import Picture
from .values import integer

if TYPE_CHECKING:
    from .facts import Facts

MAX_CHUNKS = 64
MAX_TAG = 4 * 1024 * 1024


def _chunks(read: Callable[[int, int], bytes], size: int, order: str = "<"):
    """(id, payload offset, payload length) of each top-level chunk after the RIFF/RIFX header;
    ``order`` is the byte order of the lengths ('>' for RIFX)."""
    offset = 12
    for _ in range(MAX_CHUNKS):
        header = read(offset, 8)
        if offset + 8 > size or len(header) < 8:
            return
        kind, length = struct.unpack(order + "4sI", header)
        yield kind, offset + 8, length
        offset += 8 + length + (length & 1)


def id3_pictures(read: Callable[[int, int], bytes], size: int) -> list[Picture]:
    """Where the image bytes of each APIC frame of the WAVE file's ID3v2 chunk are."""
    for kind, at, length in _chunks(read, size):
        if kind in (b"id3 ", b"ID3 ") and length <= MAX_TAG:
            return _apic(read(at, length), at)
    return []


def _syncsafe(data: bytes) -> int:
    return (data[0] & 0x7F) << 21 | (data[1] & 0x7F) << 14 | (data[2] & 0x7F) << 7 | (data[3] & 0x7F)


def _apic(tag: bytes, base: int) -> list[Picture]:
    """APIC frames of an ID3v2.3 or 2.4 tag (no unsynchronisation, as FFmpeg writes and reads them)."""
    if len(tag) < 10 or tag[:3] != b"ID3" or tag[3] not in (3, 4) or tag[5] & 0x80:
        return []
    version, end = tag[3], min(len(tag), 10 + _syncsafe(tag[6:10]))
    position, found = 10, []
    if tag[5] & 0x40 and position + 4 <= end:  # an extended header
        extended = _syncsafe(tag[10:14]) if version == 4 else struct.unpack(">I", tag[10:14])[0] + 4
        position += extended
    while position + 10 <= end and tag[position : position + 4].strip(b"\0"):
        frame = tag[position : position + 4]
        raw = tag[position + 4 : position + 8]
        length = _syncsafe(raw) if version == 4 else struct.unpack(">I", raw)[0]
        body_at, body_end = position + 10, min(end, position + 10 + length)
        if frame == b"APIC":
            start = _picture_data(tag, body_at, body_end)
            if start is not None and start < body_end:
                found.append(Picture("", base + start, body_end - start))
        position = body_at + length
    return found


def _picture_data(tag: bytes, at: int, end: int) -> int | None:
    """Where an APIC frame's picture data starts: after encoding, MIME type, picture type, description."""
    encoding = tag[at] if at < end else 0
    mime_end = tag.find(b"\0", at + 1, end)
    if mime_end < 0:
        return None
    position = mime_end + 2  # the MIME type's terminator, then the picture type byte
    if encoding in (1, 2):  # UTF-16: the description ends with two zero bytes on a character boundary
        while position + 1 < end and tag[position : position + 2] != b"\0\0":
            position += 2
        return position + 2
    terminator = tag.find(b"\0", position, end)
    return None if terminator < 0 else terminator + 1


def byte_rate(read: Callable[[int, int], bytes], size: int) -> int | None:
    """The fmt chunk's nAvgBytesPerSec, which ffprobe states as the bit rate of codecs without a fixed
    sample size (ADPCM): MediaInfo computes its own."""
    for kind, at, _length in _chunks(read, size):
        if kind == b"fmt ":  # wFormatTag, nChannels, nSamplesPerSec, nAvgBytesPerSec...
            fields = read(at + 8, 4)
            return struct.unpack("<I", fields)[0] if len(fields) == 4 else None
    return None


def rifx_report(read: Callable[[int, int], bytes], size: int) -> str | None:
    """A big-endian WAVE file (RIFX), which MediaInfo does not parse, as the OLDXML report MediaInfo
    would give for its PCM stream. ffprobe 5.1 reads it, and names its samples little-endian: so does
    this (the codec is decided from the bit depth alone)."""
    head = read(0, 12)
    if head[:4] != b"RIFX" or head[8:12] != b"WAVE":
        return None
    fmt, data = None, None
    for kind, at, length in _chunks(read, size, ">"):
        if kind == b"fmt " and len(described := read(at, 16)) == 16:
            fmt = struct.unpack(">HHIIHH", described)
        elif kind == b"data":
            data = min(length, size - at)
        if fmt is not None and data is not None:
            break
    if fmt is None or data is None or fmt[0] != 1 or not fmt[1] or not fmt[2] or not fmt[5] or fmt[5] % 8:
        return None
    _tag, channels, rate, _byte_rate, _align, bits = fmt
    frames = data // (channels * bits // 8)
    audio = {  # OLDXML's element names
        "Format": "PCM", "Codec_ID": "1", "Bit_depth": bits, "Channel_s_": channels, "Sampling_rate": rate,
        "Samples_count": frames, "Duration": frames * 1000 / rate, "Bit_rate": rate * channels * bits,
        "Format_Settings__Sign": "Signed", "Stream_size": data,
    }  # fmt: skip
    fields = "".join(f"<{name}>{value}</{name}>" for name, value in audio.items())
    return (
        '<Mediainfo><File><track type="General"><Format>Wave</Format></track>'
        f'<track type="Audio">{fields}</track></File></Mediainfo>'
    )


class Wav(Family):
    def read(self, facts: Facts, read: Callable[[int, int], bytes], text: str) -> None:
        facts.wav_byte_rate = byte_rate(read, facts.size)
        for picture in id3_pictures(read, facts.size):
            facts.read_picture(picture, read)

    def seconds(self, track: Track, kind: str, codec: str | None, facts: Facts) -> Fraction | None:
        found = sample_count_seconds(track) if kind == "audio" else None
        return super().seconds(track, kind, codec, facts) if found is None else found

    def bitrate(self, track: Track, kind: str, codec: str | None, facts: Facts) -> int | None:
        """A codec with a fixed sample size: rate x channels x bits (G.711 is 8); else the header's."""
        if kind != "audio":
            return super().bitrate(track, kind, codec, facts)
        stated = integer(track.bit_rate)
        bits = 8 if codec in ("pcm_mulaw", "pcm_alaw") else None
        if bits is None and (codec or "").startswith("pcm_"):
            return stated  # MediaInfo's figure is that product already
        rate, channels = sample_rate(track), integer(track.channel_s)
        if bits and rate and channels:
            return rate * channels * bits
        return facts.wav_byte_rate * 8 if facts.wav_byte_rate else stated
