"""Fields that went wrong on media shapes the fixtures did not cover at first (found by probing ~50 new
ffmpeg-made files against ffprobe). Each case checks that the ffprobe golden states the value and that the
emulator's answer equals it, so a regression in one field fails here even when the corpus-wide agreement
share stays above its target."""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest

from imm_emulator.imm.media.probe import detect_media_meta
from imm_emulator.imm.media.source import FileSource
from imm_emulator.imm.media.values import av_reduce, rfc3339
from tests.media.golden import FIXTURES

CASES = [
    # FLV whose onMetaData says audiodatarate 0: flvdec parses MP3, and the parser states the rate
    ("flv_mp3_no_datarate.flv", ("AudioStreams", 0, "Bitrate"), 32000),
    # VBR MP3 without Xing/VBRI: size / the parser's average bit rate over the frames probing reads
    ("mp3_vbr_no_xing.mp3", ("Duration",), 3.930272),
    ("mp3_vbr_no_xing.mp3", ("AudioStreams", 0, "Duration"), 3.930272),
    ("mp3_vbr_no_xing.mp3", ("AudioStreams", 0, "Bitrate"), 33559),
    ("mp3_vbr_no_xing.mp3", ("Bitrate",), 33599),
    # raw ADTS: the same estimate over exactly 50 frames (one per packet)
    ("audio_adts.aac", ("Duration",), 3.067462),
    ("audio_adts.aac", ("AudioStreams", 0, "Bitrate"), 65177),
    # Matroska H.264 at 25 fps: MediaInfo (ParseSpeed 0) states no rate; matroskadec uses DefaultDuration
    ("mkv_h264_25fps_ac3.mkv", ("VideoStreams", 0, "FrameRate"), "25/1"),
    ("mkv_h264_25fps_ac3.mkv", ("VideoStreams", 0, "AverageFrameRate"), "25/1"),
    # ffprobe has a bit rate for AC-3 (and MPEG audio) in Matroska: their parsers set it
    ("mkv_h264_25fps_ac3.mkv", ("AudioStreams", 0, "Bitrate"), 96000),
    # MP4 'ac-3' is a whole fourcc, not "ac" plus an object type like "mp4a-40-2"
    ("mp4_ac3_aac51.mp4", ("AudioStreams", 0, "CodecTagString"), "ac-3"),
    ("mp4_ac3_aac51.mp4", ("AudioStreams", 0, "CodecTag"), "0x332d6361"),
    # FFmpeg's AAC decoder names channel configuration 6 "5.1" (back), whatever MediaInfo's positions say
    ("mp4_ac3_aac51.mp4", ("AudioStreams", 1, "ChannelLayout"), "5.1"),
    # MP2 in MPEG-TS is declared MP3, so probing opens the float decoder (in MPEG-PS it stays s16p)
    ("ts_mpeg2_mp2.ts", ("AudioStreams", 0, "SampleFormat"), "fltp"),
    ("mpeg1_system.mpg", ("AudioStreams", 0, "SampleFormat"), "s16p"),
    # float PCM in a WAVE_FORMAT_EXTENSIBLE header (MediaInfo: Format_Profile "Float")
    ("pcm_f32le.wav", ("AudioStreams", 0, "CodecName"), "pcm_f32le"),
    ("pcm_f32le.wav", ("AudioStreams", 0, "SampleFormat"), "flt"),
    # AIFF: COMM's sample frame count is nb_frames and the duration; no channel layout
    ("audio.aiff", ("AudioStreams", 0, "FrameCount"), 8000),
    ("audio.aiff", ("AudioStreams", 0, "Duration"), 1.0),
    ("audio.aiff", ("AudioStreams", 0, "ChannelLayout"), None),
    # DNxHR (MediaInfo: VC-3, "RI@LB"); the decoder sets bt709 and MPEG range
    ("mov_dnxhr_lb.mov", ("VideoStreams", 0, "CodecName"), "dnxhd"),
    ("mov_dnxhr_lb.mov", ("VideoStreams", 0, "Profile"), "DNXHR LB"),
    ("mov_dnxhr_lb.mov", ("VideoStreams", 0, "ColorSpace"), "bt709"),
    ("mov_dnxhr_lb.mov", ("VideoStreams", 0, "ColorRange"), "tv"),
    # ProRes 4:4:4 decodes at 12 bits
    ("mov_prores_4444.mov", ("VideoStreams", 0, "PixelFormat"), "yuva444p12le"),
    ("mov_prores_4444.mov", ("VideoStreams", 0, "BitDepth"), 12),
    # the PNG decoder reports full range
    ("flac_png_cover.flac", ("VideoStreams", 0, "ColorRange"), "pc"),
    # ID3v2.4 TXXX creation_time, which MediaInfo prints as "...Z UTC"
    ("mp3_creation_time.mp3", ("ProduceTime",), "2023-09-12T08:15:00Z"),
]


def _at(answer: dict[str, Any], path: tuple) -> Any:
    value: Any = answer
    for step in path:
        value = value[step] if isinstance(step, int) else value.get(step)
    return value


IDS = [f"{name}:{'.'.join(map(str, path))}" for name, path, _ in CASES]


@pytest.mark.parametrize(("name", "path", "value"), CASES, ids=IDS)
def test_field_matches_ffprobe(name: str, path: tuple, value: Any) -> None:
    media = FIXTURES / name
    golden = json.loads(media.with_name(media.name + ".expected.json").read_text(encoding="utf-8"))
    assert _at(golden, path) == value  # what ffprobe says
    assert _at(detect_media_meta(FileSource(media)), path) == value


def test_av_reduce_matches_libavutil() -> None:
    assert av_reduce(1_000_000_000, 40_000_000, 30000) == 25
    assert av_reduce(1_000_000_000, 41_708_333, 30000) == Fraction(24000, 1001)
    assert av_reduce(1_000_000_000, 16_683_333, 30000) == Fraction(19001, 317)  # ffprobe's 59.94 in MKV


def test_unset_and_utc_suffixed_dates() -> None:
    assert rfc3339("1970-01-01 00:00:00 UTC") is None  # ASF's unset creation date
    assert rfc3339("2022-03-04 05:06:07.500000Z UTC") == "2022-03-04T05:06:07.5Z"
