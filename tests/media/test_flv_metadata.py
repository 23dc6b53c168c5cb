"""onMetaData is read from the script tag's bytes: exact doubles, past arrays MediaInfo stops at, and
never more than the tag's bytes however a hostile tag is nested or counted."""

from __future__ import annotations

import struct

from emulator.imm.media.flv import on_metadata


def _string(text: str) -> bytes:
    return len(text).to_bytes(2, "big") + text.encode()


def _number(value: float) -> bytes:
    return b"\x00" + struct.pack(">d", value)


def _flv(script: bytes) -> bytes:
    header = b"FLV\x01\x05" + (9).to_bytes(4, "big") + b"\x00\x00\x00\x00"
    tag = b"\x12" + len(script).to_bytes(3, "big") + b"\x00" * 7
    return header + tag + script


def _reader(data: bytes):
    return lambda offset, length: data[offset : offset + length]


def _metadata(body: bytes) -> bytes:
    return b"\x02" + _string("onMetaData") + b"\x08" + (0).to_bytes(4, "big") + body + b"\x00\x00\x09"


def test_numbers_after_a_keyframes_index_are_read_exactly() -> None:
    keyframes = (
        b"\x03"
        + _string("times")
        + b"\x0a"
        + (2).to_bytes(4, "big")
        + _number(0.0)
        + _number(1.0)
        + b"\x00\x00\x09"
    )
    body = _string("duration") + _number(1.974) + _string("keyframes") + keyframes
    body += _string("videodatarate") + _number(120.0) + _string("encoder") + b"\x02" + _string("gst")
    data = _flv(_metadata(body))
    assert on_metadata(_reader(data), len(data)) == {"duration": 1.974, "videodatarate": 120.0}


def test_hostile_script_tags_end_quietly() -> None:
    deep = b"\x03" * 10_000
    huge_count = b"\x0a" + (0xFFFFFFFF).to_bytes(4, "big")
    for body, expected in (
        (_string("duration") + _number(2.0) + _string("x") + deep, {"duration": 2.0}),
        (_string("duration") + _number(2.0) + _string("x") + huge_count, {"duration": 2.0}),
        (_string("duration") + b"\x00\x01", {}),  # a truncated double
        (_string("duration") + _number(2.0) + _string("x") + b"\x7f", {"duration": 2.0}),  # unknown type
    ):
        data = _flv(_metadata(body))
        assert on_metadata(_reader(data), len(data)) == expected
    assert on_metadata(_reader(b"FLV"), 3) == {}
