"""A hostile-media corpus, built from bytes on the fly (deterministic, nothing committed but this file).

Each entry is made to hurt a parser in one way: sample tables that claim billions of entries, hundreds of
thousands of tiny boxes, an MPEG-TS using every PID, EBML nested thousands deep, and bogus huge sizes in
the header fields of every container of the shipped corpus. ``corpus()`` maps a file name to its bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator

from tests.media.golden import FIXTURES

MAX32 = b"\xff\xff\xff\xff"


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


_FTYP = _box(b"ftyp", b"isom\0\0\x02\0isom")


def _patched(data: bytes, at: int, value: bytes) -> bytes:
    return data[:at] + value + data[at + len(value) :]


# box -> offset of its entry count (stsz has its sample size first)
_COUNT_FIELDS = tuple((kind, 12) for kind in (b"stts", b"ctts", b"stsc", b"stco", b"co64", b"stss", b"stsd",
                                              b"elst", b"sdtp")) + ((b"stsz", 16),)  # fmt: skip


def sample_table_counts() -> Iterator[tuple[str, bytes]]:
    """An entry count of 2**32-1 in each sample table box (an stts like this kept MediaInfo busy 73 s)."""
    for fixture in ("mp4_h264_aac.mp4", "mov_iphone_rotate_gps.mov"):
        data = (FIXTURES / fixture).read_bytes()
        for kind, field in _COUNT_FIELDS:
            at = data.find(kind)
            if at > 4:
                yield f"{kind.decode()}_count_{fixture}", _patched(data, at - 4 + field, MAX32)


def tiny_boxes() -> Iterator[tuple[str, bytes]]:
    yield "tiny_free_boxes.mp4", _FTYP + _box(b"moov", _box(b"free", b"") * 200_000)
    yield "tiny_traks.mp4", _FTYP + _box(b"moov", _box(b"trak", b"") * 200_000)
    yield "tiny_top_level_boxes.mp4", _FTYP + _box(b"free", b"") * 200_000
    nested = b""
    for _ in range(5000):
        nested = _box(b"trak", nested)
    yield "deep_boxes.mp4", _FTYP + _box(b"moov", nested)


def _crc32_mpeg(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 else (crc << 1) & 0xFFFFFFFF
    return crc


def _section(table_id: int, extension: int, body: bytes) -> bytes:
    head = bytes([table_id]) + struct.pack(">HHBBB", 0xB000 | (9 + len(body)), extension, 0xC1, 0, 0)
    return head + body + struct.pack(">I", _crc32_mpeg(head + body))


def _ts_packets(pid: int, payload: bytes, counter: int = 0) -> bytes:
    out, data, first = b"", b"\0" + payload, True
    while data:
        chunk, data = data[:184], data[184:]
        flags = (0x4000 if first else 0) | pid
        out += struct.pack(">BHB", 0x47, flags, 0x10 | (counter & 15)) + chunk.ljust(184, b"\xff")
        counter, first = counter + 1, False
    return out


def every_pid() -> Iterator[tuple[str, bytes]]:
    """40 programs of 200 H.264 streams each (8000 PIDs, as real PSI describes them), then a PES start on
    each; and packets on all 8191 PIDs with no PSI at all."""
    programs, streams, tables = range(1, 41), [], b""
    pat = b"".join(struct.pack(">HH", number, 0xE000 | (0x20 + number)) for number in programs)
    for number in programs:
        entries = b""
        for _ in range(200):
            pid = 0x100 + len(streams)
            streams.append(pid)
            entries += struct.pack(">BHH", 0x1B, 0xE000 | pid, 0xF000)
        pmt = struct.pack(">HH", 0xE000 | streams[-1], 0xF000) + entries
        tables += _ts_packets(0x20 + number, _section(2, number, pmt))
    pes = b"\0\0\1\xe0\0\0\x80\x80\x05\x21\0\1\0\1\0\0\0\1\x09\xf0"
    packets = b"".join(
        struct.pack(">BHB", 0x47, 0x4000 | pid, 0x10 | rnd) + pes.ljust(184, b"\0")
        for rnd in range(3)
        for pid in streams
    )
    yield "every_pid_psi.ts", _ts_packets(0, _section(0, 1, pat)) + tables + packets
    raw = b"".join(
        struct.pack(">BHB", 0x47, 0x4000 | pid, 0x10 | rnd) + b"\0\0\1\xe0\0\0\x80\0\0".ljust(184, b"\0")
        for rnd in range(2)
        for pid in range(8191)
    )
    yield "every_pid_raw.ts", raw


def _ebml(element_id: bytes, payload: bytes) -> bytes:
    return element_id + b"\x01" + len(payload).to_bytes(7, "big") + payload


_EBML_HEADER = _ebml(b"\x1a\x45\xdf\xa3", _ebml(b"\x42\x82", b"matroska"))


def deep_ebml() -> Iterator[tuple[str, bytes]]:
    """SimpleTag may hold SimpleTags: 20 000 levels of them; and unknown-size masters nested as deep."""
    nested = _ebml(b"\x45\xa3", b"x")  # TagName
    for _ in range(20_000):
        nested = _ebml(b"\x67\xc8", nested)
    tags = _ebml(b"\x12\x54\xc3\x67", _ebml(b"\x73\x73", nested))
    yield "deep_simple_tags.mkv", _EBML_HEADER + _ebml(b"\x18\x53\x80\x67", tags)
    unknown = b"\x01\xff\xff\xff\xff\xff\xff\xff"
    yield (
        "deep_unknown_sizes.mkv",
        _EBML_HEADER
        + b"\x18\x53\x80\x67"
        + unknown
        + (b"\x1f\x43\xb6\x75" + unknown + b"\xa0" + unknown) * 20_000,
    )


# One fixture per container of the shipped corpus; each gets 2**32-1 written over its first header fields.
_CONTAINERS = (
    "mp4_h264_aac.mp4", "mov_prores_4444.mov", "clip.3gp", "audio.m4a", "mkv_h264_aac.mkv",
    "webm_vp8_vorbis.webm", "avi_mpeg4_mp3.avi", "flv_h264_aac.flv", "ts_h264_aac.ts", "mpeg2_ntsc.mpg",
    "mpeg1_system.mpg", "audio.ogg", "voice.opus", "pcm_s24le.wav", "audio.aiff", "song_id3.mp3",
    "flac_cover.flac", "audio_adts.aac", "audio_5.1.ac3",
)  # fmt: skip
HEADER_BYTES = 256  # every 4-byte-aligned field in the first 256 bytes


def huge_header_fields(step: int = 4) -> Iterator[tuple[str, bytes]]:
    for fixture in _CONTAINERS:
        data = (FIXTURES / fixture).read_bytes()
        for at in range(0, min(HEADER_BYTES, len(data) - 4), step):
            yield f"ff_at_{at}_{fixture}", _patched(data, at, MAX32)


BUILDERS: tuple[Callable[[], Iterator[tuple[str, bytes]]], ...] = (
    sample_table_counts,
    tiny_boxes,
    every_pid,
    deep_ebml,
)


def corpus() -> dict[str, bytes]:
    """The structural attacks (the huge-header sweep is separate: it is 1 200 files)."""
    return {name: data for build in BUILDERS for name, data in build()}
