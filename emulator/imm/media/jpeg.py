"""The chroma subsampling of an AVI's Motion JPEG frames, read from the first frame's SOF header.

MediaInfo states none for MJPEG; its trace shows the sampling factors, but it parses a frame only after
the container index, so tracing meant a second pass over the whole file. The first video chunk of the
``movi`` list is the frame that trace shows first; its few header bytes are read here directly.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from .trace import chroma_subsampling

_MAX_CHUNKS = 4096  # chunks walked before giving up (hostile files: every step is a small ranged read)
_FRAME_HEAD = 64 * 1024  # bytes of the frame searched for its SOF header
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_STANDALONE = {0x01, 0xD8} | set(range(0xD0, 0xD8))  # markers without a length field

Reader = Callable[[int, int], bytes]


def avi_itu601(read_range: Reader, size: int) -> bool:
    """Whether an AVI's first MJPEG frame declares limited (ITU-R 601) range in a 'CS=ITU601' comment,
    as FFmpeg's encoder writes for limited-range input: its decoder then outputs yuv*p, range tv."""
    frame = _first_video_chunk(read_range, size)
    if frame is None:
        return False
    data = read_range(frame[0], min(frame[1], _FRAME_HEAD))
    scan = data.find(b"\xff\xda")
    return b"CS=ITU601" in (data if scan < 0 else data[:scan])


def avi_chroma(read_range: Reader, size: int) -> str | None:
    """'4:2:2'... of the first video frame of an AVI whose video is MJPEG, or None if not found."""
    frame = _first_video_chunk(read_range, size)
    if frame is None:
        return None
    offset, length = frame
    return _sof_chroma(read_range(offset, min(length, _FRAME_HEAD)))


def _first_video_chunk(read_range: Reader, size: int) -> tuple[int, int] | None:
    """(offset, length) of the first ``##dc``/``##db`` chunk in the first RIFF's ``movi`` list."""
    if read_range(0, 4) != b"RIFF":
        return None
    at, end, walked = 12, size, 0
    while at + 12 <= end and walked < _MAX_CHUNKS:
        walked += 1
        header = read_range(at, 12)
        if len(header) < 8:
            return None
        name, length = header[:4], struct.unpack("<I", header[4:8])[0]
        if name == b"LIST" and header[8:12] in (b"movi", b"rec "):
            at, end = at + 12, min(end, at + 8 + length)  # descend into the list
            continue
        if name[2:4] in (b"dc", b"db") and name[:2].isdigit() and length:
            return at + 8, length
        at += 8 + length + (length & 1)
    return None


def _sof_chroma(data: bytes) -> str | None:
    if data[:2] != b"\xff\xd8":
        return None
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            return None
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in _STANDALONE:
            at += 2
            continue
        if marker == 0xDA:  # start of scan before any frame header
            return None
        length = data[at + 2] << 8 | data[at + 3]
        if marker in _SOF:
            segment = data[at + 4 : at + 2 + length]
            if len(segment) < 6:
                return None
            components = segment[6 : 6 + 3 * segment[5]]
            factors = [(c >> 4, (c & 0x0F) or 1) for c in components[1::3][:3]]
            return chroma_subsampling(factors)
        at += 2 + length
    return None
