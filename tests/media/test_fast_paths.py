"""Shortcuts the prober takes must find what the long way (MediaInfo's trace of the whole head) finds."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from imm_emulator.imm.media import pes, probe
from imm_emulator.imm.media.containers import container_for
from imm_emulator.imm.media.facts import Facts
from imm_emulator.imm.media.mediainfo import inspect
from imm_emulator.imm.media.reader import BoundedReader
from imm_emulator.imm.media.trace import VideoTiming, vui
from tests.media.golden import FIXTURES


def _opened(path: Path) -> tuple[BoundedReader, Facts]:
    size = path.stat().st_size
    reader = BoundedReader(path.open("rb"), size, budget=8 << 20, deadline=time.monotonic() + 10)
    deadline = time.monotonic() + 10
    inspection = inspect(reader, size, trace=False, deadline=deadline, jump=True, parser="MpegTs")
    return reader, Facts.read(container_for(inspection.general.format), inspection, size, reader.range)


@pytest.mark.parametrize("name", ["ts_h264_aac.ts", "ts_hevc_ac3.ts"])
def test_sps_timing_from_the_elementary_stream_equals_the_ts_trace(name: str) -> None:
    reader, facts = _opened(FIXTURES / name)
    deadline = time.monotonic() + 10
    long_way = VideoTiming()
    for length in probe._VUI_HEAD:
        long_way = vui(probe._head_trace(reader, facts.size, length, deadline, "MpegTs"))
        if long_way.time_scale:
            break
    (video,) = facts.inspection.of_type("Video")
    assert probe._read_es_timing(facts, reader, video, deadline)
    assert facts.video_timing == long_way and long_way.time_scale


def test_elementary_stream_strips_packet_and_pes_headers() -> None:
    payload = b"\0\0\0\1\x09\xf0" + bytes(range(256)) * 2
    packets, pid, at = b"", 0x100, 0
    pes_header = b"\0\0\1\xe0\0\0\x80\x80\x05" + b"\x21\0\1\0\1"
    first = True
    while at < len(payload):
        head = pes_header if first else b""
        chunk = payload[at : at + 184 - len(head)]
        stuffing = 184 - len(head) - len(chunk)
        flags = 0x40 if first else 0
        if stuffing:  # adaptation field of the right length before the payload
            adaptation = bytes([stuffing - 1]) + (b"\0" + b"\xff" * (stuffing - 2) if stuffing > 1 else b"")
            packets += bytes([0x47, flags | pid >> 8, pid & 0xFF, 0x30]) + adaptation + head + chunk
        else:
            packets += bytes([0x47, flags | pid >> 8, pid & 0xFF, 0x10]) + head + chunk
        packets += bytes([0x47, 0x01, 0x01, 0x10]) + b"\xaa" * 184  # another PID in between
        at += len(chunk)
        first = False
    assert pes.elementary_stream(packets, pid) == payload
    assert pes.elementary_stream(packets, 0x101) == b"\xaa" * 184 * (len(packets) // 376)
    assert pes.elementary_stream(b"not a transport stream" * 20, pid) == b""
