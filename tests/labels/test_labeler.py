"""derive_labels without frame analysis: probe-fact rules, fingerprint picks, invariants, determinism."""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imm_emulator.imm.labels import frames as framelib
from imm_emulator.imm.labels import labeler
from imm_emulator.imm.labels.labeler import (
    BASE_THEMES,
    FACT_LABELS,
    SPORT_GROUPS,
    THEME_BOOSTS,
    Draws,
    derive_labels,
    fingerprint,
    merge_clips,
    probe_facts,
)
from imm_emulator.imm.labels.taxonomy import load_taxonomy
from tests.labels.checks import assert_consistent
from tests.labels.media import BytesSource

TAXONOMY = load_taxonomy()


def video_meta(
    width=1920, height=1080, rotate="0", fps="30/1", duration=15.0, audio=True, frames=None, codec="h264"
):
    stream = {"CodecName": codec, "Width": width, "Height": height, "Rotate": rotate, "FrameRate": fps,
              "AverageFrameRate": fps, "Duration": duration}  # fmt: skip
    if frames is not None:
        stream["FrameCount"] = frames
    return {
        "FormatName": "mov,mp4,m4a,3gp,3g2,mj2",
        "Duration": duration,
        "VideoWidth": width,
        "VideoHeight": height,
        "VideoStreams": [stream],
        "AudioStreams": [{"CodecName": "aac"}] if audio else [],
    }


def names(labels):
    return {label["LabelName"] for label in labels}


def source(seed: int = 0, size: int = 50_000) -> BytesSource:
    return BytesSource(random.Random(seed).randbytes(size))


def test_rule_labels_exist_in_the_taxonomy():
    assert FACT_LABELS <= set(TAXONOMY.names())
    level1 = {node.name for node in TAXONOMY.level(1)}
    assert set(BASE_THEMES) <= level1
    for boosts in THEME_BOOSTS.values():
        assert set(boosts) <= level1
    assert {TAXONOMY[g].parent for g in SPORT_GROUPS} == {"体育"}
    assert set(framelib.COLOURS) == set(TAXONOMY["颜色"].children)


# --- hypothesis over synthetic DetectMediaMeta answers ------------------------------------------------
numbers = st.one_of(st.none(), st.integers(-10, 100_000), st.floats(allow_nan=True, allow_infinity=True))
rates = st.one_of(
    st.none(), st.sampled_from(["0/0", "25/1", "30000/1001", "120/1", "1/0", "x", "", "60"]), numbers
)
streams = st.fixed_dictionaries(
    {},
    optional={
        "CodecName": st.sampled_from(["h264", "hevc", "png", "mjpeg", "", "vp9"]),
        "Width": numbers,
        "Height": numbers,
        "Rotate": st.one_of(st.sampled_from(["0", "90", "-90", "180", "270", "bogus"]), numbers),
        "FrameRate": rates,
        "AverageFrameRate": rates,
        "Duration": numbers,
        "FrameCount": numbers,
    },
)
metas = st.fixed_dictionaries(
    {},
    optional={
        "FormatName": st.sampled_from(["mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm", "avi", "mpegts"]),
        "Duration": st.one_of(numbers, st.sampled_from(["15.263000", "n/a"])),
        "VideoWidth": numbers,
        "VideoHeight": numbers,
        "VideoStreams": st.one_of(st.lists(streams, max_size=3), st.none(), st.just("x")),
        "AudioStreams": st.one_of(st.lists(st.just({"CodecName": "aac"}), max_size=2), st.none()),
    },
)


@settings(max_examples=300, deadline=None)
@given(meta=metas, data=st.binary(max_size=30_000))
def test_any_meta_gives_a_consistent_answer(meta, data):
    labels = derive_labels(meta, BytesSource(data), analysis=False)
    assert labels, "every video gets at least the fingerprint's labels"
    assert_consistent(labels, probe_facts(meta).duration_ms, TAXONOMY)


@settings(max_examples=60, deadline=None)
@given(
    width=st.integers(16, 8192),
    height=st.integers(16, 8192),
    rotate=st.sampled_from(["0", "90", "180", "270", "-90"]),
    fps=st.sampled_from(["24/1", "30000/1001", "60/1", "120/1", "240/1"]),
    duration=st.floats(0.04, 7200),
    audio=st.booleans(),
    seed=st.integers(0, 2**32),
)
def test_plausible_metas(width, height, rotate, fps, duration, audio, seed):
    meta = video_meta(width, height, rotate, fps, duration, audio)
    labels = derive_labels(meta, source(seed, 5000), analysis=False)
    assert_consistent(labels, int(duration * 1000), TAXONOMY)
    facts = probe_facts(meta)
    assert ("竖屏" in names(labels)) == facts.portrait


# --- probe-fact rules ---------------------------------------------------------------------------------
def test_phone_camera_portrait():
    found = names(derive_labels(video_meta(1920, 1080, rotate="90"), source(), analysis=False))
    assert {"竖屏", "手机拍摄", "画面属性", "拍摄手法", "其他"} <= found
    assert "手机截图" not in found


def test_phone_screen_recording():
    found = names(derive_labels(video_meta(1080, 2340), source(), analysis=False))
    assert {"竖屏", "手机截图", "其他场景", "屏幕录制", "屏幕画面"} <= found
    assert "手机拍摄" not in found


def test_desktop_screen_recording():
    found = names(derive_labels(video_meta(1440, 900), source(), analysis=False))
    assert "屏幕录制" in found
    assert found & {"电脑截图", "电脑桌面", "网页", "应用界面"}


def test_music_over_a_still_picture():
    meta = video_meta(1280, 720, fps="1/5", duration=200.0, frames=40, codec="mjpeg")
    found = names(derive_labels(meta, source(), analysis=False))
    assert {"静态画面", "歌曲", "音乐视频", "音乐"} <= found
    silent = names(derive_labels(video_meta(1280, 720, fps="1/5", duration=200.0, frames=40, audio=False),
                                 source(), analysis=False))  # fmt: skip
    assert "歌曲" not in silent and "静态画面" in silent


@pytest.mark.parametrize(
    ("meta", "expected", "absent"),
    [
        (video_meta(3840, 2160), "超高清", "标清"),
        (video_meta(320, 240), "标清", "超高清"),
        (video_meta(fps="120/1"), "慢动作", "长视频"),
        (video_meta(fps="60/1"), "高帧率", "慢动作"),
        (video_meta(duration=12.0), "短视频", "长视频"),
        (video_meta(duration=3600.0), "长视频", "短视频"),
        (video_meta(1080, 1080), "方形画面", "竖屏"),
    ],
)
def test_probe_rules(meta, expected, absent):
    found = names(derive_labels(meta, source(), analysis=False))
    assert expected in found and absent not in found


def test_portrait_boosts_people_themes():
    """Over many objects, portrait footage draws 人物 far more often than landscape footage does."""
    portrait = landscape = 0
    for seed in range(150):
        data = source(seed, 2000)
        portrait += "人物" in names(derive_labels(video_meta(1080, 1920), data, analysis=False))
        landscape += "人物" in names(
            derive_labels(video_meta(1920, 1080, duration=300.0), data, analysis=False)
        )
    assert portrait > landscape * 1.5


# --- determinism and the fingerprint ------------------------------------------------------------------
def test_same_bytes_same_labels():
    meta = video_meta()
    first = derive_labels(meta, source(7), analysis=False)
    assert derive_labels(meta, source(7), analysis=False) == first
    assert (
        derive_labels(meta, BytesSource(source(7).data, uri="oss://other/name.mkv"), analysis=False) == first
    )


def test_different_bytes_usually_different_labels():
    meta = video_meta()
    answers = {repr(derive_labels(meta, source(seed), analysis=False)) for seed in range(40)}
    assert len(answers) >= 36
    picks = {frozenset(names(derive_labels(meta, source(seed), analysis=False))) for seed in range(40)}
    assert len(picks) >= 30


def test_fingerprint_reads_a_few_ranges_only():
    big = BytesSource(bytes(8 * 1024 * 1024) + b"tail")
    fingerprint(big)
    assert big.bytes_read == labeler.FINGERPRINT_CHUNK * len(labeler.FINGERPRINT_POINTS)
    big.bytes_read = 0
    derive_labels(video_meta(), big, analysis=False)
    assert big.bytes_read <= 5 * 4096 + 16  # the ranges, and a sniff for an HLS playlist


def test_fingerprint_sees_the_middle_and_the_end():
    base = bytearray(random.Random(1).randbytes(1_000_000))
    prints = {fingerprint(BytesSource(bytes(base)))}
    for offset in (0, 500_000 - 2048, 1_000_000 - 1):
        changed = bytearray(base)
        changed[offset] ^= 0xFF
        prints.add(fingerprint(BytesSource(bytes(changed))))
    prints.add(fingerprint(BytesSource(bytes(base) + b"x")))  # the size counts too
    assert len(prints) == 5


def test_small_objects_are_hashed_whole():
    data = b"abc" * 100
    expected = hashlib.sha256(labeler.FINGERPRINT_VERSION + len(data).to_bytes(8, "big") + data).digest()
    assert fingerprint(BytesSource(data)) == expected


def test_draws_are_reproducible_and_spread():
    a, b = Draws(b"seed", "x"), Draws(b"seed", "x")
    values = [a.unit() for _ in range(1000)]
    assert values == [b.unit() for _ in range(1000)]
    assert all(0 <= v < 1 for v in values) and 0.45 < sum(values) / 1000 < 0.55
    assert Draws(b"seed", "y").unit() != values[0]
    counts = {"a": 0, "b": 0}
    draws = Draws(b"w", "weights")
    for _ in range(2000):
        counts[draws.weighted({"a": 3.0, "b": 1.0, "z": 0.0})] += 1
    assert 1350 < counts["a"] < 1650


def test_merge_clips():
    assert merge_clips([(5, 9), (0, 3), (3, 4), (8, 12)]) == [(0, 4), (5, 12)]
    assert merge_clips([]) == []


def test_unknown_duration_gives_no_clips():
    meta = video_meta()
    meta["Duration"] = 0
    meta["VideoStreams"][0].pop("Duration")
    labels = derive_labels(meta, source(), analysis=False)
    assert labels and all(label["Clips"] == [] for label in labels)


def test_analysis_required_without_pyav(monkeypatch):
    monkeypatch.setattr(framelib, "available", lambda: False)
    with pytest.raises(RuntimeError, match="PyAV"):
        derive_labels(video_meta(), source(), analysis=True)


def test_undecodable_bytes_fall_back_to_probe_facts():
    """Auto mode on bytes PyAV cannot open: still an answer, the same as without analysis."""
    meta = video_meta(1080, 1920, rotate="90")
    assert derive_labels(meta, source(3), analysis=None) == derive_labels(meta, source(3), analysis=False)
