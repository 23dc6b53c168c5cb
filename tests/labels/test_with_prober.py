"""The labels package fed by the emulator's own DetectMediaMeta prober, on the shipped media fixtures,
and on broken media: check_labelable decides as documented; derive_labels never fails on what passes."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest

from imm_emulator.errors import ImmError
from imm_emulator.imm.labels.formats import check_labelable, is_labelable
from imm_emulator.imm.labels.labeler import derive_labels, fingerprint, probe_facts
from imm_emulator.imm.labels.taxonomy import load_taxonomy
from imm_emulator.imm.media.source import FileSource
from tests.labels.checks import assert_consistent
from tests.labels.media import BytesSource

probe_module = pytest.importorskip("imm_emulator.imm.media.probe", reason="the media prober is not there yet")
detect_media_meta = probe_module.detect_media_meta

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "media"
TAXONOMY = load_taxonomy()
MEDIA = sorted(p.name for p in FIXTURES.glob("*") if p.is_file() and not p.name.endswith(".json"))
VIDEO_SUFFIXES = {".avi", ".3gp", ".mp4", ".flv", ".mkv", ".mov", ".mpg", ".ts", ".webm"}

pytestmark = pytest.mark.skipif(not MEDIA, reason="no media fixtures")


@pytest.mark.parametrize("name", MEDIA)
def test_fixture(name):
    source = FileSource(FIXTURES / name)
    meta = detect_media_meta(source)
    expected_video = Path(name).suffix in VIDEO_SUFFIXES
    assert is_labelable(meta) == expected_video, meta.get("FormatName")
    if not expected_video:
        with pytest.raises(ImmError):
            check_labelable(meta)
        return
    labels = derive_labels(meta, source)
    assert_consistent(labels, probe_facts(meta).duration_ms, TAXONOMY)
    assert derive_labels(meta, FileSource(FIXTURES / name)) == labels


def test_rotated_phone_footage():
    source = FileSource(FIXTURES / "mov_iphone_rotate_gps.mov")
    names = {label["LabelName"] for label in derive_labels(detect_media_meta(source), source)}
    assert {"竖屏", "手机拍摄"} <= names


def test_hls_playlist(tmp_path):
    playlist = FileSource(FIXTURES / "hls" / "playlist.m3u8")
    meta = detect_media_meta(playlist)
    check_labelable(meta)
    labels = derive_labels(meta, playlist)
    assert_consistent(labels, probe_facts(meta).duration_ms, TAXONOMY)
    # the first segment's bytes count: same playlist text over other media gives another fingerprint
    copy = tmp_path / "hls"
    shutil.copytree(FIXTURES / "hls", copy)
    (copy / "segment_000.ts").write_bytes((FIXTURES / "ts_h264_aac.ts").read_bytes())
    other = FileSource(copy / "playlist.m3u8")
    assert fingerprint(other) == fingerprint(playlist)  # the playlist text alone is the same
    assert derive_labels(meta, other, analysis=False) != derive_labels(meta, playlist, analysis=False)


def _broken_variants(data: bytes, seed: int) -> list[bytes]:
    rng = random.Random(seed)
    out = [data[: len(data) // 2], data[: len(data) // 5], data[:4096]]
    for _ in range(6):
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 40)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        out.append(bytes(damaged))
    chunk = rng.randrange(1024, len(data) // 2)
    out.append(data[:chunk] + bytes(4096) + data[chunk + 4096 :])
    return out


@pytest.mark.parametrize(
    "name", ["mp4_h264_aac.mp4", "mkv_h264_aac.mkv", "ts_h264_aac.ts", "avi_mpeg4_mp3.avi"]
)
def test_broken_media_still_gets_labels(name):
    """Truncated and damaged copies: the meta of the intact file, the bytes of the broken one."""
    data = (FIXTURES / name).read_bytes()
    meta = detect_media_meta(FileSource(FIXTURES / name))
    for variant in _broken_variants(data, seed=len(name)):
        labels = derive_labels(meta, BytesSource(variant))
        assert_consistent(labels, probe_facts(meta).duration_ms, TAXONOMY)
        assert labels == derive_labels(meta, BytesSource(variant))
