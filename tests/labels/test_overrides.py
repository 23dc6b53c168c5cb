"""Test-chosen labels: validation against the taxonomy, completion of parents, the sidecar file format."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imm_emulator.errors import ImmError
from imm_emulator.imm.labels.overrides import parse_label_file, resolve_labels, suggest
from imm_emulator.imm.labels.taxonomy import load_taxonomy
from tests.labels.checks import assert_consistent

TAXONOMY = load_taxonomy()


def by_name(labels):
    return {label["LabelName"]: label for label in labels}


def error_of(entries, **kw) -> str:
    with pytest.raises(ImmError) as caught:
        resolve_labels(entries, **kw)
    assert caught.value.code == "InvalidArgument" and caught.value.http_status == 400
    return caught.value.message


def test_a_name_brings_its_parents():
    labels = resolve_labels(["月亮"], duration_ms=5000)
    assert [(x["LabelName"], x["LabelLevel"], x["ParentLabelName"]) for x in labels] == [
        ("旅游地理", 1, ""), ("自然景观", 2, "旅游地理"), ("月亮", 3, "自然景观"),
    ]  # fmt: skip
    assert_consistent(labels, 5000, TAXONOMY)
    moon = labels[-1]
    assert moon["LabelAlias"] == "Moon" and moon["Language"] == "zh-Hans"
    assert moon["Clips"] == [{"TimeRange": [0, 5000]}] and moon["LabelConfidence"] == 1.0


def test_english_alias_is_accepted():
    assert by_name(resolve_labels(["moon", "Mobile phone screenshot"])).keys() == {
        "旅游地理", "自然景观", "月亮", "其他场景", "手机截图",
    }  # fmt: skip


def test_values_are_kept_and_parents_take_the_best_child():
    labels = by_name(
        resolve_labels(
            [
                {"LabelName": "蓝色", "LabelConfidence": 0.4, "CentricScore": 0.7, "Clips": [[0, 1000]]},
                {"LabelName": "绿色", "LabelConfidence": 0.8, "CentricScore": 0.2,
                 "Clips": [{"TimeRange": [2000, 3000]}]},
            ],
            duration_ms=10_000,
        )
    )  # fmt: skip
    assert labels["蓝色"]["LabelConfidence"] == 0.4 and labels["蓝色"]["CentricScore"] == 0.7
    assert labels["颜色"]["LabelConfidence"] == 0.8 and labels["颜色"]["CentricScore"] == 0.7
    assert labels["其他"]["Clips"] == [{"TimeRange": [0, 1000]}, {"TimeRange": [2000, 3000]}]


def test_given_parent_keeps_its_own_values():
    labels = by_name(resolve_labels([{"LabelName": "颜色", "LabelConfidence": 0.3}, "蓝色"], duration_ms=100))
    assert labels["颜色"]["LabelConfidence"] == 0.3 and labels["蓝色"]["LabelConfidence"] == 1.0


def test_clips_are_cut_to_the_video():
    labels = by_name(
        resolve_labels([{"LabelName": "天空", "Clips": [[500, 9000], [7000, 8000]]}], duration_ms=4000)
    )
    assert labels["天空"]["Clips"] == [{"TimeRange": [500, 4000]}]
    assert by_name(resolve_labels(["天空"]))["天空"]["Clips"] == []  # no duration, no default clip


def test_custom_labels():
    labels = by_name(
        resolve_labels(
            [
                {"LabelName": "火星", "Custom": True, "ParentLabelName": "天体", "LabelAlias": "Mars"},
                {"LabelName": "我的类别", "Custom": True},
                {"LabelName": "我的子类", "Custom": True, "ParentLabelName": "我的类别", "LabelLevel": 2},
                {"LabelName": "我的叶子", "Custom": True, "ParentLabelName": "我的子类"},
            ],
            duration_ms=1000,
        )
    )
    assert (labels["火星"]["LabelLevel"], labels["火星"]["LabelAlias"]) == (3, "Mars")
    assert {"天体", "旅游地理"} <= labels.keys()
    assert labels["我的叶子"]["LabelLevel"] == 3 and labels["我的叶子"]["ParentLabelName"] == "我的子类"
    assert labels["我的类别"]["ParentLabelName"] == "" and labels["我的类别"]["LabelAlias"] == ""
    assert_consistent(list(labels.values()), 1000)


def test_custom_child_before_its_custom_parent():
    labels = resolve_labels(
        [{"LabelName": "子", "Custom": True, "ParentLabelName": "母"}, {"LabelName": "母", "Custom": True}]
    )
    assert [label["LabelName"] for label in labels] == ["母", "子"]


def test_output_is_grouped_by_tree_in_input_order():
    names = [label["LabelName"] for label in resolve_labels(["蓝色", "月亮", "绿色"])]
    assert names == ["其他", "颜色", "蓝色", "绿色", "旅游地理", "自然景观", "月亮"]


def test_unknown_label_suggests_close_names():
    message = error_of(["月兔"])
    assert "'月兔'" in message and "月亮 (Moon)" in message and '"Custom": true' in message
    assert "月亮 (Moon)" in error_of(["Mooon"])
    assert "天空 (Sky)" in error_of([{"LabelName": "天"}])


@pytest.mark.parametrize(
    ("entries", "fragment"),
    [
        ([3], "expected a label name or an object"),
        ([{"LabelConfidence": 1}], "LabelName must be a non-empty string"),
        ([{"LabelName": "月亮", "Confidence": 1}], "unknown keys ['Confidence']"),
        ([{"LabelName": "月亮", "LabelConfidence": 1.5}], "between 0 and 1"),
        ([{"LabelName": "月亮", "CentricScore": "0.5"}], "CentricScore must be a number"),
        ([{"LabelName": "月亮", "LabelConfidence": float("nan")}], "LabelConfidence must be a number"),
        ([{"LabelName": "月亮", "Clips": [[5, 5]]}], "0 <= start < end"),
        ([{"LabelName": "月亮", "Clips": [[-1, 5]]}], "0 <= start < end"),
        ([{"LabelName": "月亮", "Clips": [[0.5, 5]]}], "two integers"),
        ([{"LabelName": "月亮", "Clips": [{"TimeRange": [0, 5], "X": 1}]}], "unknown keys"),
        ([{"LabelName": "月亮", "Clips": {"TimeRange": [0, 5]}}], "Clips must be a list"),
        ([{"LabelName": "月亮", "LabelLevel": 2}], "level-3 label, not level 2"),
        ([{"LabelName": "月亮", "ParentLabelName": "天体"}], "the parent of '月亮' is '自然景观'"),
        (["月亮", "Moon"], "duplicate of label entry 0"),
        ([{"LabelName": "月亮", "Custom": True}], "already in the taxonomy"),
        ([{"LabelName": "X", "Custom": "yes"}], "Custom must be true or false"),
        ([{"LabelName": "X", "Custom": True, "LabelLevel": 2}], "needs a ParentLabelName"),
        ([{"LabelName": "X", "Custom": True, "ParentLabelName": "月亮"}], "at most 3 levels"),
        ([{"LabelName": "X", "Custom": True, "ParentLabelName": "自然景观", "LabelLevel": 2}],
         "does not match"),
        ([{"LabelName": "X", "Custom": True, "ParentLabelName": "不存在的"}], "neither in the taxonomy"),
        ([{"LabelName": "X", "Custom": True, "ParentLabelName": "X"}], "its own parent"),
        ([{"LabelName": "A", "Custom": True, "ParentLabelName": "B"},
          {"LabelName": "B", "Custom": True, "ParentLabelName": "A"}], "cycle"),
        ([{"LabelName": "月亮", "LabelLevel": True}], "LabelLevel must be 1, 2 or 3"),
    ],
)  # fmt: skip
def test_invalid_entries(entries, fragment):
    assert fragment in error_of(entries)


def test_not_a_list():
    assert "must be a list" in error_of("月亮")
    assert "must be a list" in error_of({"LabelName": "月亮"})


@settings(max_examples=150, deadline=None)
@given(
    picks=st.lists(st.sampled_from(TAXONOMY.names()), max_size=8, unique=True),
    confidences=st.lists(st.floats(0, 1), min_size=8, max_size=8),
    duration=st.one_of(st.none(), st.integers(1, 10**7)),
)
def test_resolved_labels_are_consistent(picks, confidences, duration):
    entries = [{"LabelName": name, "LabelConfidence": c} for name, c in zip(picks, confidences, strict=False)]
    labels = resolve_labels(entries, duration_ms=duration)
    expected = set(picks) | {a.name for name in picks for a in TAXONOMY.ancestors(name)}
    assert {label["LabelName"] for label in labels} == expected
    # given parents may be less confident than their children; auto-added ones never are
    given = set(picks)
    for label in labels:
        if label["LabelName"] not in given:
            kids = [k for k in labels if k["ParentLabelName"] == label["LabelName"]]
            assert label["LabelConfidence"] == max(k["LabelConfidence"] for k in kids)
    if not any(a.name in given for name in picks for a in TAXONOMY.ancestors(name)):
        assert_consistent(labels, duration or 1, TAXONOMY)
    assert resolve_labels(labels, duration_ms=duration) == labels  # taxonomy labels round-trip


def test_suggest_is_bounded_and_formatted():
    hints = suggest("色", TAXONOMY)
    assert 0 < len(hints) <= 5 and all(" (" in hint for hint in hints)
    assert suggest("", TAXONOMY) == []
    assert suggest("Sunflowr", TAXONOMY)[0] == "向日葵 (Sunflower)"


# --- the <object>.labels.json sidecar -----------------------------------------------------------------
def test_label_file_list():
    data = json.dumps(["月亮", {"LabelName": "蓝色", "LabelConfidence": 0.5}], ensure_ascii=False).encode()
    entries = parse_label_file(data)
    assert entries == ["月亮", {"LabelName": "蓝色", "LabelConfidence": 0.5}]
    assert by_name(resolve_labels(entries, duration_ms=10))["蓝色"]["LabelConfidence"] == 0.5


def test_label_file_can_be_a_saved_result():
    saved = {"TaskId": "VideoLabelClassification-x", "Labels": resolve_labels(["天空"], duration_ms=1000)}
    entries = parse_label_file(json.dumps(saved).encode("utf-8"))
    assert resolve_labels(entries, duration_ms=1000) == saved["Labels"]


def test_label_file_with_bom():
    assert parse_label_file(b"\xef\xbb\xbf" + '["天空"]'.encode()) == ["天空"]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\xff\xfe[]", "not UTF-8"),
        (b'["a",', "invalid JSON at line 1 column 6"),
        (b'{"x": 1}', 'expected a JSON list of labels (or an object with a "Labels" list)'),
        ('"月亮"'.encode(), "expected a JSON list"),
        ('["月兔"]'.encode(), "label file: label entry 0: unknown label '月兔'"),
        (b"[]\n[]", "invalid JSON at line 2"),
    ],
)
def test_label_file_errors(data, fragment):
    with pytest.raises(ImmError) as caught:
        parse_label_file(data)
    assert caught.value.code == "InvalidArgument"
    assert fragment in caught.value.message


def test_label_file_needs_bytes():
    with pytest.raises(TypeError):
        parse_label_file('["月亮"]')
