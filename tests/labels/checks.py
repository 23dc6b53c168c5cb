"""The invariants every Labels answer must satisfy, whatever produced it."""

from __future__ import annotations

from typing import Any

from imm_emulator.imm.labels.taxonomy import Taxonomy

LABEL_KEYS = {
    "LabelName", "LabelLevel", "ParentLabelName", "LabelConfidence", "CentricScore", "LabelAlias", "Language",
    "Clips",
}  # fmt: skip


def assert_consistent(
    labels: list[dict[str, Any]], duration_ms: int, taxonomy: Taxonomy | None = None
) -> None:
    """Shape, ranges, hierarchy (every label's parent present, levels chained), clips inside the video."""
    by_name = {label["LabelName"]: label for label in labels}
    assert len(by_name) == len(labels), "a label name appears twice"
    for label in labels:
        assert set(label) == LABEL_KEYS, label
        name, level, parent = label["LabelName"], label["LabelLevel"], label["ParentLabelName"]
        assert isinstance(name, str) and name
        assert type(level) is int and 1 <= level <= 3, label
        assert label["Language"] == "zh-Hans"
        assert isinstance(label["LabelAlias"], str)
        for key in ("LabelConfidence", "CentricScore"):
            assert isinstance(label[key], float) and 0.0 <= label[key] <= 1.0, label
        if level == 1:
            assert parent == "", label
        else:
            assert parent in by_name, f"{name}: parent {parent!r} missing"
            assert by_name[parent]["LabelLevel"] == level - 1, label
            assert by_name[parent]["LabelConfidence"] >= label["LabelConfidence"], label
        if taxonomy is not None and name in taxonomy:
            node = taxonomy[name]
            assert (node.level, node.parent, node.alias) == (level, parent, label["LabelAlias"]), label
        assert isinstance(label["Clips"], list)
        for clip in label["Clips"]:
            assert set(clip) == {"TimeRange"}
            start, end = clip["TimeRange"]
            assert type(start) is int and type(end) is int
            assert 0 <= start < end <= duration_ms, (label, duration_ms)
