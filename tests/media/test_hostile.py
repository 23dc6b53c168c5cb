"""Objects that are not media, or are built to hurt, fail fast with a clear InvalidArgument error."""

from __future__ import annotations

import io
import os
import struct
import time
import zipfile
from pathlib import Path

import pytest

from imm_emulator.errors import ImmError
from imm_emulator.imm.media.probe import detect_media_meta
from imm_emulator.imm.media.source import FileSource
from tests.media.golden import FIXTURES

LIMIT = 2.0


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nested.zip", b"\0" * (8 * 1024 * 1024))
    return buffer.getvalue()


def _huge_mp4_header() -> bytes:
    """ftyp, then a moov that claims 2**62 bytes and an mdat that claims nearly 4 GiB."""
    ftyp = struct.pack(">I4s4sI4s", 20, b"ftyp", b"isom", 512, b"isom")
    moov = struct.pack(">I4sQ", 1, b"moov", 1 << 62) + b"\0" * 64
    mdat = struct.pack(">I4s", 0xFFFFFFF0, b"mdat") + os.urandom(4096)
    return ftyp + mdat + moov


HOSTILE = {
    "text.txt": b"Dear IMM, this is plain text and not a video.\n" * 200,
    "random.bin": os.urandom(300_000),
    "empty.mp4": b"",
    "bomb.zip": _zip_bomb(),
    "huge_header.mp4": _huge_mp4_header(),
    "json.mp4": b'{"FormatName": "mov,mp4,m4a,3gp,3g2,mj2"}',
    "png_image.png": b"\x89PNG\r\n\x1a\n"
    + struct.pack(">I4sIIBBBBB", 13, b"IHDR", 64, 64, 8, 2, 0, 0, 0)
    + b"\0" * 64,
}


def _probe_fails(path: Path) -> ImmError:
    started = time.monotonic()
    with pytest.raises(ImmError) as caught:
        detect_media_meta(FileSource(path))
    assert time.monotonic() - started < LIMIT
    assert caught.value.code == "InvalidArgument"
    assert caught.value.http_status == 400
    assert str(path) in caught.value.message
    return caught.value


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_non_media_is_rejected_quickly(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(HOSTILE[name])
    _probe_fails(path)


@pytest.mark.parametrize("fixture", ["mp4_h264_aac.mp4", "mkv_vp9_opus_subs.mkv", "ts_h264_aac.ts"])
def test_truncated_media_is_rejected_or_answers(tmp_path: Path, fixture: str) -> None:
    """Cut to its first 2 KiB, a file either still yields an answer with streams or a clear error."""
    path = tmp_path / fixture
    path.write_bytes((FIXTURES / fixture).read_bytes()[:2048])
    started = time.monotonic()
    try:
        answer = detect_media_meta(FileSource(path))
    except ImmError as error:
        assert error.code == "InvalidArgument" and fixture in error.message
    else:
        assert answer["VideoStreams"] or answer["AudioStreams"]
    assert time.monotonic() - started < LIMIT


def test_truncated_mp4_without_index_is_rejected(tmp_path: Path) -> None:
    data = (FIXTURES / "doc_sample_1080p60.mp4").read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: len(data) // 3])  # ffmpeg writes moov last: no sample tables left
    error = _probe_fails(path)
    assert "cut short" in error.message or "no audio or video" in error.message


class _SlowSource:
    """A huge object whose reads are slow: probing must stop at the deadline and the byte budget."""

    def __init__(self) -> None:
        self.uri = "oss://bucket/slow.ts"
        self.size = 50 * 1024**3
        self.read_bytes = 0

    def open(self):  # noqa: ANN201
        source = self

        class Reader(io.RawIOBase):
            position = 0

            def readable(self) -> bool:
                return True

            def seekable(self) -> bool:
                return True

            def seek(self, offset: int, whence: int = 0) -> int:
                self.position = (
                    offset if whence == 0 else source.size + offset if whence == 2 else self.position + offset
                )
                return self.position

            def tell(self) -> int:
                return self.position

            def read(self, size: int = -1) -> bytes:
                time.sleep(0.05)
                size = 65536 if size is None or size < 0 else size
                source.read_bytes += size
                self.position += size
                return b"\x47" + os.urandom(size - 1)

        return Reader()

    def sibling(self, reference: str):  # noqa: ANN201
        return None


def test_slow_huge_object_stops_at_deadline_and_budget() -> None:
    source = _SlowSource()
    started = time.monotonic()
    with pytest.raises(ImmError):
        detect_media_meta(source)
    assert time.monotonic() - started < LIMIT + 0.5
    assert source.read_bytes <= 9 * 1024 * 1024


class _CountingFile(FileSource):
    """A local file whose reads are counted (bytes actually fetched by the prober)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.read_bytes = 0

    def open(self):  # noqa: ANN201
        source, raw = self, self.path.open("rb")

        class Reader(io.RawIOBase):
            def readable(self) -> bool:
                return True

            def seekable(self) -> bool:
                return True

            def seek(self, offset: int, whence: int = 0) -> int:
                return raw.seek(offset, whence)

            def tell(self) -> int:
                return raw.tell()

            def read(self, size: int = -1) -> bytes:
                data = raw.read(size)
                source.read_bytes += len(data)
                return data

            def close(self) -> None:
                raw.close()
                super().close()

        return Reader()


def _id3_then_zeros() -> bytes:
    return b"ID3\x04\0\0\0\0\0\x0a" + b"\0" * 10 + b"\0" * (40 * 1024 * 1024)


def _flac_with_huge_blocks() -> bytes:
    streaminfo = b"\x00\x00\x00\x22" + b"\0" * 34
    blocks = b"".join(b"\x01\xff\xff\xff" + b"\0" * 0xFFFFFF for _ in range(2))  # padding blocks, 16 MiB
    return b"fLaC" + streaminfo + blocks + b"\x86\x00\x00\x10" + b"\0" * 16


def _riff_chunk(name: bytes, payload: bytes) -> bytes:
    return name + struct.pack("<I", len(payload)) + payload


def _avi_mjpeg_without_frames() -> bytes:
    """AVI headers that announce MJPEG, then a movi list of 200 000 empty audio chunks."""
    strh = _riff_chunk(b"strh", b"vids" + b"MJPG" + b"\0" * 48)
    strf = _riff_chunk(b"strf", struct.pack("<IiiHH4sIiiII", 40, 64, 64, 1, 24, b"MJPG", 0, 0, 0, 0, 0))
    avih = _riff_chunk(b"avih", struct.pack("<14I", 40000, 0, 0, 0x10, 1, 0, 1, 0, 64, 64, 0, 0, 0, 0))
    hdrl = _riff_chunk(b"LIST", b"hdrl" + avih + _riff_chunk(b"LIST", b"strl" + strh + strf))
    movi = _riff_chunk(b"LIST", b"movi" + b"01wb\0\0\0\0" * 200_000)
    return _riff_chunk(b"RIFF", b"AVI " + hdrl + movi)


@pytest.mark.parametrize(
    "build", [_id3_then_zeros, _flac_with_huge_blocks, _avi_mjpeg_without_frames], ids=lambda f: f.__name__
)
def test_content_sniffing_and_header_readers_stay_bounded(tmp_path: Path, build) -> None:  # noqa: ANN001
    """The readers that spare MediaInfo its trace (MP3 Xing, FLAC blocks, AVI MJPEG frames) answer or
    fail as fast, and read as little, as MediaInfo alone would."""
    path = tmp_path / "hostile"
    path.write_bytes(build())
    source = _CountingFile(path)
    started = time.monotonic()
    try:
        detect_media_meta(source)
    except ImmError as error:
        assert error.code == "InvalidArgument" and str(path) in error.message
    assert time.monotonic() - started < LIMIT
    assert source.read_bytes <= 9 * 1024 * 1024
