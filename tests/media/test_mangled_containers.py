"""The byte readers of each container family (fragments, EBML, AVI and ASF headers, Ogg pages, PES packs,
WAVE/AU/WavPack headers) meet mangled files: every answer is a DetectMediaMeta answer or an
InvalidArgument, never another exception (which would be a 500), and none takes long.

For each sample of the world and formats corpora: truncations, and 0x00000000, 0x7FFFFFFF and 0xFFFFFFFF
written over 4-byte fields at the head, in the middle and at the tail."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from imm_emulator.errors import ImmError
from imm_emulator.imm.media.probe import detect_media_meta
from imm_emulator.imm.media.source import FileSource
from tests.media.golden import FORMATS, WORLD

pytestmark = pytest.mark.hostile
LIMIT = 2.5
SAMPLES = [
    WORLD / name
    for name in (
        "gst_mp4mux_fragmented.mp4", "gst_ismlmux_fragmented.ismv", "mkvmerge_h264_3audio_2subs_cover.mkv",
        "mencoder_mpeg4_mp3.avi", "gst_avimux_mjpeg_pcm.avi", "gst_flvmux_h264_aac.flv",
        "real_mutagen_silence_1.wma", "gst_oggmux_theora_vorbis.ogv",
        "mplex_dvd_mpeg2_mp2.mpg", "gst_mpegtsmux_h264_aac.ts", "real_mutagen_pcm_u8_id3v23.wav",
        "sox_ms_adpcm.wav", "sox_ulaw.au", "real_mutagen_silence_44_s.wv", "vpxenc_vp8.ivf",
        "real_mutagen_covr_with_name.m4a", "gst_mp4mux_editlist_gap.mp4", "real_scipy_rifx_be_3ch_s24.wav",
    )
] + [FORMATS / f"sample.{ext}" for ext in ("rm", "swf", "nsv", "avs", "dat", "ogm", "asf")]  # fmt: skip
VALUES = (b"\0\0\0\0", b"\xff\xff\xff\xff")


def _mangled(data: bytes) -> list[bytes]:
    size = len(data)
    cuts = [data[: size * share // 8] for share in range(1, 8)]
    head, middle, tail = (
        range(0, min(size, 256), 4),
        range(size // 2, size // 2 + 64, 8),
        range(size - 128, size - 4, 8),
    )
    spots = sorted({at for at in (*head, *middle, *tail) if 0 <= at <= size - 4})
    return cuts + [data[:at] + value + data[at + 4 :] for at in spots for value in VALUES]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_mangled_samples_answer_or_are_refused(path: Path, tmp_path: Path) -> None:
    target = tmp_path / path.name
    failures = []
    for variant in _mangled(path.read_bytes()):
        target.write_bytes(variant)
        started = time.monotonic()
        try:
            answer = detect_media_meta(FileSource(target))
        except ImmError as error:
            assert error.code == "InvalidArgument", error
        except Exception as error:  # noqa: BLE001 (the point: nothing else may escape)
            failures.append(f"{type(error).__name__}: {error}")
        else:
            assert answer["FormatName"]
        assert time.monotonic() - started < LIMIT
    assert not failures, f"{len(failures)} mangled variants raised: {sorted(set(failures))[:5]}"
