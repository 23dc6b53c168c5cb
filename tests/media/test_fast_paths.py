"""Shortcuts the prober takes must find what the long way (MediaInfo's trace of the whole head) finds."""

from __future__ import annotations

import re
import struct
import time
from pathlib import Path

import pytest

from imm_emulator.imm.media import flac, mp3, pes, probe, trace
from imm_emulator.imm.media.containers import container_for
from imm_emulator.imm.media.facts import Facts
from imm_emulator.imm.media.families import read_facts
from imm_emulator.imm.media.jpeg import avi_chroma
from imm_emulator.imm.media.mediainfo import inspect
from imm_emulator.imm.media.reader import BoundedReader
from imm_emulator.imm.media.source import FileSource
from imm_emulator.imm.media.trace import VideoTiming, jpeg_chroma, vui
from tests.media.golden import FIXTURES


def _opened(path: Path) -> tuple[BoundedReader, Facts]:
    size = path.stat().st_size
    reader = BoundedReader(path.open("rb"), size, budget=8 << 20, deadline=time.monotonic() + 10)
    deadline = time.monotonic() + 10
    inspection = inspect(reader, size, trace=False, deadline=deadline, jump=True, parser="MpegTs")
    facts = Facts(container_for(inspection.general.format), inspection.general, inspection, size)
    return reader, read_facts(facts, reader.range)


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


def _chunk(name: bytes, payload: bytes) -> bytes:
    return name + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) % 2 else b"")


def _sof_frame(factors: list[tuple[int, int]]) -> bytes:
    components = b"".join(bytes([i + 1, h << 4 | v, 0]) for i, (h, v) in enumerate(factors))
    sof = b"\x08\x00\x10\x00\x10" + bytes([len(factors)]) + components
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\0\1\2\0\0\1\0\1\0\0"
    return b"\xff\xd8" + app0 + b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof + b"\xff\xda\0\2"


def _avi(*movi: bytes) -> bytes:
    body = b"AVI " + _chunk(b"LIST", b"hdrl" + _chunk(b"avih", b"\0" * 56)) + _chunk(b"JUNK", b"\0" * 7)
    body += _chunk(b"LIST", b"movi" + b"".join(movi))
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_avi_chroma_equals_the_trace_of_the_fixture() -> None:
    path = FIXTURES / "avi_mjpeg_pcm.avi"
    data = path.read_bytes()
    reader = BoundedReader(path.open("rb"), len(data), budget=8 << 20, deadline=time.monotonic() + 10)
    traced = jpeg_chroma(inspect(reader, len(data), trace=True, deadline=time.monotonic() + 10).trace)
    assert avi_chroma(reader.range, len(data)) == traced == "4:2:2"


@pytest.mark.parametrize(
    ("factors", "expected"),
    [([(2, 2), (1, 1), (1, 1)], "4:2:0"), ([(2, 1), (1, 1), (1, 1)], "4:2:2"), ([(1, 1)] * 3, "4:4:4")],
)
def test_avi_chroma_reads_the_first_video_chunk(factors: list[tuple[int, int]], expected: str) -> None:
    data = _avi(
        _chunk(b"00wb", b"\1\2\3"),  # audio first, odd length (padded)
        _chunk(b"LIST", b"rec " + _chunk(b"01dc", _sof_frame(factors))),
        _chunk(b"01dc", _sof_frame([(1, 1)] * 3)),
    )
    assert avi_chroma(lambda offset, length: data[offset : offset + length], len(data)) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"RIFF\xff\xff\xff\xffAVI " + b"JUNK\xff\xff\xff\x7f" * 3,
        _avi(_chunk(b"00dc", b"\xff\xd8\xff\xda\0\2")),  # scan before any frame header
        _avi(_chunk(b"00dc", b"not a jpeg")),
        _avi(*[_chunk(b"00wb", b"") for _ in range(5000)]),
    ],
)
def test_avi_chroma_gives_up_quietly(data: bytes) -> None:
    assert avi_chroma(lambda offset, length: data[offset : offset + length], len(data)) is None


def _traced(path: Path, parser: str) -> tuple[BoundedReader, str]:
    size = path.stat().st_size
    reader = BoundedReader(path.open("rb"), size, budget=8 << 20, deadline=time.monotonic() + 10)
    return reader, inspect(reader, size, trace=True, deadline=time.monotonic() + 10, parser=parser).trace


@pytest.mark.parametrize("name", ["song_id3.mp3", "song_cover.mp3"])
def test_xing_header_from_the_bytes_equals_the_trace(name: str) -> None:
    path = FIXTURES / name
    reader, traced = _traced(path, "Mpega")
    assert mp3.xing(reader.range, path.stat().st_size) == trace.mp3(traced)
    assert trace.mp3(traced).frames


def test_flac_cover_from_the_blocks_equals_the_trace() -> None:
    path = FIXTURES / "flac_cover.flac"
    reader, traced = _traced(path, "Flac")
    assert flac.picture(reader.range, path.stat().st_size) == (True, trace.flac_picture(traced))


@pytest.mark.parametrize("name", ["song_id3.mp3", "song_cover.mp3", "flac_cover.flac", "audio_adts.aac"])
def test_answers_without_the_trace_equal_those_with_it(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = probe.detect_media_meta(FileSource(FIXTURES / name))
    monkeypatch.setattr(probe, "_read_untraced", lambda *args: None)
    assert probe.detect_media_meta(FileSource(FIXTURES / name)) == fast


def _mpeg_frame(tag: bytes = b"", at: int = 32) -> bytes:
    """An MPEG-1 layer III stereo frame at 128 kbit/s, 44.1 kHz (417 bytes), ``tag`` at ``at`` after the
    header."""
    body = bytearray(413)
    body[at : at + len(tag)] = tag
    return b"\xff\xfb\x90\x00" + bytes(body)


def _read(data: bytes):  # noqa: ANN202
    return lambda offset, length: data[offset : offset + length]


def test_xing_edge_cases() -> None:
    audio = _mpeg_frame() * 40
    xing_header = b"Xing" + struct.pack(">III", 3, 1234, 56789)
    with_xing = _mpeg_frame(xing_header) + audio
    assert mp3.xing(_read(with_xing), len(with_xing)) == trace.Mp3Facts(True, 1234, 56789)
    assert mp3.xing(_read(audio), len(audio)) == trace.Mp3Facts()  # no header in frames 0-2
    id3 = b"ID3\x03\0\0\0\0\0\x0a" + b"\0" * 10 + b"\0" * 5  # a tag, then zero padding
    assert mp3.xing(_read(id3 + with_xing), len(id3 + with_xing)) == trace.Mp3Facts(True, 1234, 56789)
    for unsure in (
        _mpeg_frame(b"VBRI\0\1") + audio,  # VBRI: the trace names its fields differently
        _mpeg_frame() + _mpeg_frame(xing_header) + audio,  # a header in a later frame
        _mpeg_frame(b"Xing" + struct.pack(">I", 0x1F)) + audio,  # a header larger than its frame
        with_xing[:2000],  # frames this close to the end
        b"\0" * 64 + b"junk" + audio,  # not a frame where MediaInfo would sync
    ):
        assert mp3.xing(_read(unsure), len(unsure)) is None


def test_flac_blocks_edge_cases() -> None:
    streaminfo = b"\x00\x00\x00\x22" + b"\0" * 34
    last_comment = b"\x84\x00\x00\x04" + b"abcd"
    plain = b"fLaC" + streaminfo + last_comment + b"frames"
    assert flac.picture(_read(plain), len(plain)) == (True, None)
    image = b"\xff\xd8\xff\xe0" + b"\0" * 20
    body = struct.pack(">II", 3, 9) + b"image/png" + struct.pack(">I", 2) + b"hi" + b"\0" * 16
    body += struct.pack(">I", len(image)) + image
    cover = b"fLaC" + streaminfo + b"\x06" + len(body).to_bytes(3, "big") + body + last_comment
    offset = len(b"fLaC" + streaminfo) + 4 + len(body) - len(image)
    expected = trace.Picture("image/png", offset, len(image))
    assert flac.picture(_read(cover), len(cover)) == (True, expected)
    broken = b"fLaC" + streaminfo + b"\x06\xff\xff\xff" + body
    assert flac.picture(_read(broken), len(broken)) == (False, None)
    assert flac.picture(_read(b"OggS" + plain), len(plain) + 4) == (False, None)


_ODD_LINES = (
    "\n0001 \tName: tabbed\n0002   Name :  spaced \n0003 Name\n0004 Time scale xyz: 5\n"
    "0005  Track Header - 3 (10 bytes)  \n0006 Data:\n0007 Duration: \t\n0008 a:b: c\n"
    "0009 Unknown:   (7 bytes)\n000A Top level: 1\n000B  Indented top: 2\n000C \tTabbed top\n"
)


@pytest.mark.parametrize(
    ("name", "parser"),
    [
        ("hevc_10bit_pq.mp4", "Mpeg4"),
        ("mov_iphone_rotate_gps.mov", "Mpeg4"),
        ("audio.ogg", "Ogg"),
        ("audio_adts.aac", "Adts"),
        ("flv_h264_aac.flv", "Flv"),
    ],
)
def test_selected_entries_are_the_full_scan_filtered(name: str, parser: str) -> None:
    _reader, traced = _traced(FIXTURES / name, parser)
    header = re.compile(r"Track Header - \d")
    for text in (traced, traced + _ODD_LINES):
        full = [
            entry
            for entry in trace._ENTRY.findall(text)
            if not entry[1] or entry[2].strip() in trace._SELECTED_NAMES or header.match(entry[2])
        ]
        assert trace._SELECTED.findall("\n" + text) == full
