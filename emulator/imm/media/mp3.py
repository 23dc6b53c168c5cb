"""The Xing/Info header of an MPEG audio file, read from the first frame's bytes.

MediaInfo checks the first three frames for a Xing/Info (or VBRI) header and shows its frame and byte
counts only in its trace, which costs more than the whole plain parse. The common case, a Xing/Info
header in the first frame right after the ID3v2 tag, or none in the first three frames, is read here
with MediaInfo's own offsets and checks; anything else (VBRI, a header in a later frame, a header whose
size does not fit its frame, a frame MediaInfo would not sync on) is left to the trace (None).
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from .trace import Mp3Facts

# MediaInfo's tables (File_Mpega.cpp), indexed by the header's version ID (0: 2.5, 2: 2, 3: 1) and layer
# (1: III, 2: II, 3: I); 0 marks a reserved value.
_V1 = {
    3: (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448, 0),
    2: (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 0),
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0),
}
_V2 = {
    3: (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256, 0),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0),
    1: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0),
}
_BITRATES = {3: _V1, 2: _V2, 0: _V2}
_SAMPLING = {3: (44100, 48000, 32000, 0), 2: (22050, 24000, 16000, 0), 0: (11025, 12000, 8000, 0)}
_COEFFICIENT = {3: {1: 144, 2: 144, 3: 12}, 2: {1: 72, 2: 144, 3: 12}, 0: {1: 72, 2: 144, 3: 12}}
_SLOT = {1: 1, 2: 1, 3: 4}
_PADDING = 16 * 1024  # zero padding skipped after the ID3v2 tag
_FRAMES_CHECKED = 3  # MediaInfo looks for the header in frames 0-2
_TAIL_MARGIN = 4096  # frames this close to the end tags (MediaInfo cuts a frame at them): left to the trace


def first_frame(read_range: Callable[[int, int], bytes]) -> int | None:
    """Where an MPEG audio (MP3 or ADTS) stream starts: after the ID3v2 tag and any zero padding (None:
    too much padding)."""
    head = read_range(0, 10)
    at = 0
    if head[:3] == b"ID3" and len(head) == 10:
        at = 10 + _syncsafe(head[6:10]) + (10 if head[5] & 0x10 else 0)
    padding = read_range(at, _PADDING)  # MediaInfo skips zero padding before the first frame
    stripped = padding.lstrip(b"\0")
    if not stripped:
        return None  # more padding than that (or nothing): leave it to MediaInfo
    return at + len(padding) - len(stripped)


def xing(read_range: Callable[[int, int], bytes], size: int) -> Mp3Facts | None:
    """What MediaInfo's trace would show of the Xing/Info header (see module doc), or None if unsure."""
    at = first_frame(read_range)
    if at is None:
        return None
    end = _audio_end(read_range, size) - _TAIL_MARGIN
    for index in range(_FRAMES_CHECKED):
        frame = _frame(read_range(at, 4))
        if frame is None or at + frame[2] > end:
            return None
        version, mode, length = frame
        data = read_range(at + 4, length - 4)  # what MediaInfo calls the element: the frame after its header
        offset = (17 if mode == 3 else 32) if version == 3 else (9 if mode == 3 else 17)
        if offset + 128 >= len(data):
            return None  # MediaInfo would look past the frame: its outcome depends on its buffer
        tag = data[offset : offset + 4]
        if tag in (b"Xing", b"Info"):
            return _xing(data, offset) if index == 0 else None
        if data[32:36] == b"VBRI" and data[36:38] == b"\0\1":
            return None
        at += length
    return Mp3Facts()


def encoder_tag(read_range: Callable[[int, int], bytes]) -> bool | None:
    """Whether the first frame's Xing/Info header carries an encoder tag (LAME, Lavf, Lavc), which
    mp3dec takes the encoder delay from (the stream then starts after it); None: no Xing/Info frame."""
    at = first_frame(read_range)
    frame = None if at is None else _frame(read_range(at, 4))
    if at is None or frame is None:
        return None
    version, mode, length = frame
    data = read_range(at + 4, length - 4)
    offset = (17 if mode == 3 else 32) if version == 3 else (9 if mode == 3 else 17)
    if data[offset : offset + 4] not in (b"Xing", b"Info") or len(data) < offset + 8:
        return None
    flags = struct.unpack(">I", data[offset + 4 : offset + 8])[0]
    fields = 8 + 4 * bool(flags & 1) + 4 * bool(flags & 2) + 100 * bool(flags & 4) + 4 * bool(flags & 8)
    return data[offset + fields : offset + fields + 4] in (b"LAME", b"Lavf", b"Lavc")


def _xing(data: bytes, offset: int) -> Mp3Facts | None:
    flags = struct.unpack(">I", data[offset + 4 : offset + 8])[0]
    frames, file_size = bool(flags & 1), bool(flags & 2)
    toc, scale, lame = bool(flags & 4), bool(flags & 8), bool(flags & 16)
    header = 8 + 4 * frames + 4 * file_size + 100 * toc + 4 * scale + 348 * lame
    if header > len(data) - offset:
        return None  # MediaInfo names the tag, then gives up on it
    at = offset + 8
    facts = Mp3Facts(xing=True)
    if frames:
        facts.frames = struct.unpack(">I", data[at : at + 4])[0]
        at += 4
    if file_size:
        facts.bytes = struct.unpack(">I", data[at : at + 4])[0]
    return facts


def _frame(header: bytes) -> tuple[int, int, int] | None:
    """(version ID, mode, frame length) of a frame header MediaInfo accepts, else None."""
    found = frame_bitrate(header)
    return None if found is None else (header[1] >> 3 & 3, header[3] >> 6, found[0])


def adts_length(header: bytes) -> int | None:
    """The frame length an ADTS header (7 bytes) states, else None."""
    if len(header) < 7 or header[0] != 0xFF or header[1] & 0xF6 != 0xF0:
        return None
    length = (header[3] & 3) << 11 | header[4] << 3 | header[5] >> 5
    return length if length >= 7 else None


def frame_bitrate(header: bytes) -> tuple[int, int] | None:
    """(frame length, bit rate in bit/s) of a frame header, else None."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer = header[1] >> 3 & 3, header[1] >> 1 & 3
    if version == 1 or layer == 0:
        return None
    bitrate = _BITRATES[version][layer][header[2] >> 4]
    rate = _SAMPLING[version][header[2] >> 2 & 3]
    if not bitrate or not rate:
        return None
    padding = header[2] >> 1 & 1
    length = (_COEFFICIENT[version][layer] * bitrate * 1000 // rate + padding) * _SLOT[layer]
    return (length, bitrate * 1000) if length > 4 else None


def _audio_end(read_range: Callable[[int, int], bytes], size: int) -> int:
    """Where the tags at the end (ID3v1, Lyrics3 v2, APEv2, in the order they are usually stacked) begin."""
    end = size
    if end >= 128 and read_range(end - 128, 3) == b"TAG":
        end -= 128
    if end >= 15 and read_range(end - 9, 9) == b"LYRICS200":
        digits = read_range(end - 15, 6)
        end -= 15 + int(digits) if digits.isdigit() else 0
    if end >= 32 and read_range(end - 32, 8) == b"APETAGEX":
        footer = read_range(end - 32, 32)
        length, flags = struct.unpack("<II", footer[12:20])
        end -= length + (32 if flags & 0x80000000 else 0)
    return max(0, end)


def _syncsafe(data: bytes) -> int:
    value = 0
    for byte in data:
        value = (value << 7) | (byte & 0x7F)
    return value
