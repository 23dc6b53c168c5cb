"""Frame analysis (the optional ``analysis`` extra, PyAV): colours, light, sky, motion, stills, clips."""

from __future__ import annotations

import shutil

import pytest

from imm_emulator.imm.labels import frames as framelib
from imm_emulator.imm.labels.labeler import Draws, LabelSet, _frame_rules, derive_labels, probe_facts
from imm_emulator.imm.labels.taxonomy import load_taxonomy
from imm_emulator.imm.media.source import FileSource
from tests.labels.checks import assert_consistent
from tests.labels.media import BytesSource, probe

pytest.importorskip("av", reason="frame analysis needs PyAV (pip install av)")

TAXONOMY = load_taxonomy()


def label_video(path, analysis=True):
    meta = probe(path)
    labels = derive_labels(meta, FileSource(path), analysis=analysis)
    assert_consistent(labels, probe_facts(meta).duration_ms, TAXONOMY)
    return {label["LabelName"]: label for label in labels}


@pytest.mark.parametrize(
    ("video", "colour"),
    [("red.mp4", "红色"), ("lime.mp4", "绿色"), ("blue.mp4", "蓝色"), ("yellow.mp4", "黄色"),
     ("white.mp4", "白色"), ("black.mp4", "黑色")],
)  # fmt: skip
def test_solid_colour(videos, video, colour):
    found = label_video(videos(video))
    assert found[colour]["CentricScore"] >= 0.95  # the pixel share
    assert found[colour]["LabelConfidence"] >= 0.9
    assert found[colour]["ParentLabelName"] == "颜色" and "其他" in found
    others = [n for n in framelib.COLOURS if n in found and n != colour]
    assert not others, f"{video}: also {others}"


def test_black_and_white_screens(videos):
    assert "黑屏" in label_video(videos("black.mp4"))
    assert "白屏" in label_video(videos("white.mp4"))
    assert not {"黑屏", "白屏"} & set(label_video(videos("red.mp4")))


def test_solid_saturated_blue_is_not_night(videos):
    assert not {"夜晚", "暗光", "天空"} & set(label_video(videos("blue.mp4")))


def test_colour_bars_over_a_tone_are_a_still_with_music(videos):
    found = label_video(videos("bars_tone.mp4"))
    assert {"彩条", "静态画面", "歌曲", "音乐"} <= set(found)
    moving = label_video(videos("testsrc_tone.mp4"))
    assert not {"彩条", "静态画面", "歌曲"} & set(moving)


def test_sky_and_grass(videos):
    found = label_video(videos("sky_grass.mp4"))
    assert {"天空", "白天", "自然景观", "旅游地理", "蓝色", "绿色"} <= set(found)
    assert set(found) & {"森林", "草原", "草坪"}
    assert 0.3 <= found["天空"]["CentricScore"] <= 0.35  # the top third is sky: a third of the picture


def test_flat_colour_fields_are_not_landscapes(videos):
    found = label_video(videos("flat_sky_grass.mp4"))
    assert {"蓝色", "绿色", "静态画面"} <= set(found)
    assert not {"天空", "森林", "草原", "草坪"} & set(found)


def test_rotation_turns_the_picture_before_looking_for_sky(videos):
    """Sky on the coded frame's left: the top only once turned 90 degrees clockwise for display."""
    path = videos("sky_left_rotated.mp4")
    assert probe(path)["VideoStreams"][0]["Rotate"] == "90"
    found = label_video(path)
    assert {"天空", "竖屏", "手机拍摄"} <= set(found)
    meta = probe(path)
    meta["VideoStreams"][0]["Rotate"] = "0"  # same bytes read unrotated: no sky on top
    unrotated = {label["LabelName"] for label in derive_labels(meta, FileSource(path), analysis=True)}
    assert "天空" not in unrotated and "竖屏" not in unrotated


def test_night(videos):
    found = label_video(videos("dark.mp4"))
    assert "夜晚" in found and found["夜晚"]["ParentLabelName"] == "光照"
    assert "夜晚" not in label_video(videos("testsrc.mp4"))


def test_monochrome(videos):
    assert "黑白画面" in label_video(videos("gray.mp4"))
    assert "黑白画面" not in label_video(videos("testsrc.mp4"))


def test_motion_suggests_sports(videos):
    found = label_video(videos("noise.mp4"))
    assert "体育" in found
    sport = [name for name, label in found.items() if label["LabelLevel"] == 3 and
             TAXONOMY.ancestors(name)[-1].name == "体育"]  # fmt: skip
    assert sport
    assert "体育" not in label_video(videos("red.mp4"))


def test_clips_follow_where_a_colour_is(videos):
    found = label_video(videos("red_then_blue.mp4"))
    (red,) = [c["TimeRange"] for c in found["红色"]["Clips"]]
    (blue,) = [c["TimeRange"] for c in found["蓝色"]["Clips"]]
    assert red[0] == 0 and blue[1] == 8000
    assert red[1] == blue[0] and 1000 <= red[1] <= 5000  # the cut is at 4 s; sampled, not exact
    assert found["颜色"]["Clips"] == [{"TimeRange": [0, 8000]}]


def test_phone_screen_recording(videos):
    found = label_video(videos("phone_screen.mp4"))
    assert {"手机截图", "屏幕录制", "竖屏"} <= set(found)


def test_long_gop_samples_the_same_keyframe_once(videos):
    path = videos("long_gop.mkv")
    facts = framelib.analyse(FileSource(path), 3000)
    assert facts is not None and len(facts.samples) == 1
    label_video(path)


def test_determinism_with_analysis(videos, tmp_path):
    path = videos("mandel.mp4")
    copy = shutil.copy(path, tmp_path / "renamed.bin")
    assert label_video(path) == label_video(copy)
    assert label_video(path) != label_video(videos("testsrc.mp4"))


def test_analysis_switch(videos):
    path = videos("red.mp4")
    assert "红色" in label_video(path, analysis=True)
    assert label_video(path, analysis=None) == label_video(path, analysis=True)  # PyAV is installed here
    assert not set(framelib.COLOURS) & set(label_video(path, analysis=False))


def test_analysis_reads_a_few_packets_per_sample(videos):
    """Keyframe plus next frame per sample, even with B-frame reordering: a small part of the file."""
    data = videos("bframes_10s.mp4").read_bytes()
    source = BytesSource(data)
    facts = framelib.analyse(source, 10_000)
    assert facts is not None and len(facts.samples) == 3
    assert source.bytes_read < len(data) * 0.3, (source.bytes_read, len(data))
    for sample in facts.samples:  # the motion pair is two consecutive frames, not the next keyframe
        assert sample.motion is not None and sample.motion < 0.015


def test_sampling_is_bounded():
    assert framelib.sample_times(0) == [0]
    assert len(framelib.sample_times(1000)) == 3
    assert len(framelib.sample_times(3_600_000)) == framelib.MAX_SAMPLES
    times = framelib.sample_times(60_000)
    assert times == sorted(times) and 0 < times[0] and times[-1] < 60_000


def test_rotate_grid():
    grid = [[(1, 0, 0), (2, 0, 0)], [(3, 0, 0), (4, 0, 0)]]  # 1 2 / 3 4

    def firsts(rows):
        return [[px[0] for px in row] for row in rows]

    assert firsts(framelib._rotate(grid, 90)) == [[3, 1], [4, 2]]
    assert firsts(framelib._rotate(grid, 180)) == [[4, 3], [2, 1]]
    assert firsts(framelib._rotate(grid, 270)) == [[2, 4], [1, 3]]
    assert firsts(framelib._rotate(grid, 0)) == [[1, 2], [3, 4]]


@pytest.mark.parametrize(
    ("rgb", "name"),
    [((255, 0, 0), "红色"), ((0, 128, 0), "绿色"), ((0, 0, 255), "蓝色"), ((255, 255, 0), "黄色"),
     ((255, 165, 0), "橙色"), ((128, 0, 128), "紫色"), ((255, 182, 193), "粉色"), ((139, 69, 19), "棕色"),
     ((0, 255, 255), "青色"), ((0, 0, 0), "黑色"), ((255, 255, 255), "白色"), ((128, 128, 128), "灰色")],
)  # fmt: skip
def test_colour_names(rgb, name):
    assert framelib.colour_name(*rgb) == name


def _sample(t, **kw):
    base = dict(colours={"白色": 0.7, "灰色": 0.2, "黑色": 0.1}, luma=0.8, value=0.85, saturation=0.05,
                sky_top=0.0, blue_bottom=0.0, edges=0.09, motion=0.001)  # fmt: skip
    base.update(kw)
    return framelib.Sample(time_ms=t, **base)


def _rules(facts_meta, samples, scene_change=0.0):
    facts = probe_facts(facts_meta)
    labels = LabelSet(TAXONOMY, facts.duration_ms)
    _frame_rules(facts, framelib.FrameFacts(samples, scene_change), labels, {}, Draws(b"x", "frames"))
    return {label["LabelName"]: label for label in labels.render()}


META_DESKTOP = {"Duration": 20.0, "VideoStreams": [{"CodecName": "h264", "Width": 1440, "Height": 900}]}


def test_text_on_a_light_flat_screen():
    found = _rules(META_DESKTOP, [_sample(t) for t in (2500, 7500, 12500, 17500)])
    assert "文字" in found and found["文字"]["ParentLabelName"] == "日用品"
    busy = _rules(META_DESKTOP, [_sample(t, motion=0.2) for t in (2500, 7500, 12500, 17500)])
    assert "文字" not in busy


def test_montage_from_scene_changes():
    samples = [_sample(t, edges=0.02) for t in (2500, 7500, 12500, 17500)]
    assert "混剪" in _rules(META_DESKTOP, samples, scene_change=0.3)
    assert "混剪" not in _rules(META_DESKTOP, samples, scene_change=0.05)


def test_frame_clips_cover_the_samples_where_a_fact_holds():
    dark_blue = {"luma": 0.05, "value": 0.1, "colours": {"蓝色": 0.6, "黑色": 0.4}}
    samples = [_sample(t, **dark_blue) if t > 10000 else _sample(t) for t in (2500, 7500, 12500, 17500)]
    found = _rules(META_DESKTOP, samples)
    assert found["蓝色"]["Clips"] == [{"TimeRange": [10000, 20000]}]


def test_a_keyframe_is_decoded_once_however_many_samples_land_on_it(monkeypatch):
    """A 2 s clip with one keyframe: three sample times, one decode; the facts are those of that frame."""
    from importlib import resources

    clip = FileSource(str(resources.files("imm_emulator.fixtures") / "media" / "mp4_h264_aac.mp4"))
    decoded: list[int] = []
    decode_at = framelib._decode_at

    def counting(*args):
        frames = decode_at(*args)
        decoded.append(len(frames))
        return frames

    monkeypatch.setattr(framelib, "_decode_at", counting)
    found = framelib.analyse(clip, 2000)
    assert found is not None and len(found.samples) == 1
    assert decoded == [2, 0, 0]  # the later seeks land on the same first packet: nothing decoded again
    monkeypatch.undo()
    again = framelib.analyse(clip, 2000)
    assert again == found
