"""The frames FFmpeg's stream probing reads of a raw MP3 or ADTS AAC stream, read from the bytes.

A raw stream carries no timestamps, so avformat_find_stream_info reads until 50 frames have passed
(``max_ts_probe``). The parser averages every frame header it sees into the stream's bit rate, and
without a Xing/VBRI frame count ffprobe's duration is the file size over that bit rate. The ADTS
demuxer hands over one frame per packet, so the parser sees exactly 50 frames. The MP3 demuxer hands
over 1024-byte packets, so the parser sees every header inside the packets it took to complete 50
frames. (Measured against ffprobe 5.1 on VBR files without a Xing header: exact to the bit.)
"""

from __future__ import annotations

from collections.abc import Callable

from . import mp3

PROBED_FRAMES = 50  # libavformat's max_ts_probe
MP3_PACKET = 1024  # mp3dec's MP3_PACKET_SIZE

ReadRange = Callable[[int, int], bytes]


def running_average(rates: list[int]) -> int:
    """``bit_rate += (rate - bit_rate) / n`` in C integer arithmetic (truncating towards zero)."""
    average = 0
    for count, rate in enumerate(rates, 1):
        step = abs(rate - average) // count
        average += step if rate >= average else -step
    return average


def mp3_window(read_range: ReadRange, size: int) -> tuple[int, int] | None:
    """(the parser's average bit rate, the offset of the first frame) or None if no frame is found."""
    start = mp3.first_frame(read_range)
    if start is None:
        return None
    frames: list[tuple[int, int]] = []  # (offset, bit rate)
    at, limit = start, size  # limit: the end of the packet that completes the 50th frame
    while at + 4 <= limit:
        frame = mp3.frame_bitrate(read_range(at, 4))
        if frame is None:
            break
        frames.append((at, frame[1]))
        at += frame[0]
        if len(frames) == PROBED_FRAMES:
            limit = min(size, start + -(-(at - start) // MP3_PACKET) * MP3_PACKET)
    seen = [rate for offset, rate in frames if offset + 4 <= limit]
    return (running_average(seen), start) if seen else None


def adts_frame_lengths(read_range: ReadRange, size: int) -> list[int]:
    """The lengths of the first 50 ADTS frames (after an ID3v2 tag, if any)."""
    lengths: list[int] = []
    at = mp3.first_frame(read_range) or 0
    while len(lengths) < PROBED_FRAMES and at + 7 <= size:
        length = mp3.adts_length(read_range(at, 7))
        if length is None:
            break
        lengths.append(length)
        at += length
    return lengths
