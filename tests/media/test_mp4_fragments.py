"""Movie fragments read from the bytes (imm_emulator.imm.media.mp4): totals per track over every moof,
the defaults of trex and tfhd, tfdt, signed composition offsets, and bounds on hostile counts. Agreement
with ffprobe on real fragmented files is in the world corpus (tests/media/test_world_corpus.py)."""

from __future__ import annotations

import struct

from imm_emulator.imm.media.mp4 import fragments


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def full(kind: bytes, version: int, flags: int, payload: bytes) -> bytes:
    return box(kind, bytes([version]) + flags.to_bytes(3, "big") + payload)


def trex(track_id: int, duration: int, size: int) -> bytes:
    return full(b"trex", 0, 0, struct.pack(">IIIII", track_id, 1, duration, size, 0))


def moof(track_id: int, decode_time: int | None, trun: bytes, tfhd_defaults: tuple[int, int] | None = None):
    flags, extra = 0, b""
    if tfhd_defaults:
        flags, extra = 0x08 | 0x10, struct.pack(">II", *tfhd_defaults)
    parts = full(b"tfhd", 0, flags, struct.pack(">I", track_id) + extra)
    if decode_time is not None:
        parts += full(b"tfdt", 1, 0, struct.pack(">Q", decode_time))
    return box(b"moof", full(b"mfhd", 0, 0, struct.pack(">I", 1)) + box(b"traf", parts + trun))


def trun(samples: list[tuple[int, int, int]]) -> bytes:
    """Samples of (duration, size, composition offset), every field present."""
    rows = b"".join(struct.pack(">IIIi", d, s, 0, c) for d, s, c in samples)
    return full(b"trun", 1, 0x001 | 0x100 | 0x200 | 0x400 | 0x800, struct.pack(">Ii", len(samples), 0) + rows)


def read_from(data: bytes):
    return lambda offset, length: data[offset : offset + length]


def test_totals_over_every_fragment_with_tfdt_and_offsets() -> None:
    moov = box(b"moov", box(b"mvex", trex(1, 0, 0) + trex(2, 1024, 300)))
    data = box(b"ftyp", b"isom\0\0\0\0") + moov
    data += moof(1, 0, trun([(100, 7000, 200), (100, 500, -100), (100, 600, 0)])) + box(b"mdat", b"x" * 64)
    data += moof(2, 0, full(b"trun", 0, 0x001, struct.pack(">Ii", 21, 0)))  # trex defaults for all 21
    data += moof(1, 300, trun([(100, 800, 0)]), None) + box(b"mdat", b"")
    data += moof(2, 21 * 1024, full(b"trun", 0, 0, struct.pack(">I", 3)), tfhd_defaults=(1000, 10))
    found = fragments(read_from(data), len(data))
    assert found.complete
    video, audio = found.tracks[1], found.tracks[2]
    assert (video.samples, video.duration, video.end, video.size, video.first_pts) == (4, 400, 400, 8900, 200)
    audio_length = 21 * 1024 + 3 * 1000
    assert (audio.samples, audio.duration, audio.end) == (24, audio_length, audio_length)
    assert audio.size == 21 * 300 + 3 * 10


def test_a_hostile_sample_count_costs_nothing_and_a_cut_file_is_incomplete() -> None:
    moov = box(b"moov", box(b"mvex", trex(1, 1, 1)))
    data = moov + moof(1, None, full(b"trun", 0, 0, struct.pack(">I", 0xFFFFFFFF)))  # defaults only: O(1)
    data += moof(1, None, full(b"trun", 0, 0x100, struct.pack(">I", 0xFFFFFFFF) + b"\0\0\0\x05" * 3))
    found = fragments(read_from(data), len(data))
    assert found.tracks[1].samples == 0xFFFFFFFF + 3  # the second run holds 3 entries, whatever it claims
    cut = fragments(read_from(data[:-10]), len(data))
    assert not cut.complete
