"""The bundled taxonomy: its shape, its size, the labels the user documentation names, the validator."""

from __future__ import annotations

import json
import re

import pytest

from imm_emulator.imm.labels.taxonomy import TaxonomyError, build, load_taxonomy

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_PRODUCT_TERMS = {"SUV", "MPV", "MV", "Vlog"}  # used as-is by Chinese products


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def test_counts(taxonomy):
    assert len(taxonomy.level(1)) >= 30
    assert len(taxonomy) >= 400
    assert {node.level for node in taxonomy} == {1, 2, 3}
    assert len(taxonomy.level(3)) >= 300


def test_tree_shape(taxonomy):
    names = taxonomy.names()
    assert len(names) == len(set(names))
    aliases = [node.alias.casefold() for node in taxonomy]
    assert len(aliases) == len(set(aliases))
    for node in taxonomy:
        if node.level == 1:
            assert node.parent == ""
        else:
            assert taxonomy[node.parent].level == node.level - 1
            assert node.name in taxonomy[node.parent].children
        for child in node.children:
            assert taxonomy[child].parent == node.name
    for node in taxonomy.level(1):
        assert node.children, f"level-1 {node.name} has no labels under it"


def test_names_are_chinese_and_aliases_english(taxonomy):
    for node in taxonomy:
        assert CJK.search(node.name) or node.name in LATIN_PRODUCT_TERMS, node.name
        assert node.alias.isascii() and node.alias[0].isalnum(), node.alias


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("月亮", ["自然景观", "旅游地理"]),
        ("天空", ["自然景观", "旅游地理"]),
        ("蓝色", ["颜色", "其他"]),
        ("绿色", ["颜色", "其他"]),
        ("黑色", ["颜色", "其他"]),
        ("白色", ["颜色", "其他"]),
        ("文字", ["日用品"]),
        ("字母", ["日用品"]),
        ("网页", ["虚拟场景"]),
        ("网站", ["虚拟场景"]),
        ("插画", ["艺术作品"]),
        ("手机截图", ["其他场景"]),
        ("天体", ["旅游地理"]),
    ],
)
def test_documented_labels_in_place(taxonomy, name, path):
    assert [node.name for node in taxonomy.ancestors(name)] == path
    assert taxonomy[name].level == len(path) + 1


@pytest.mark.parametrize(
    ("alias", "under"),
    [
        ("Moon", "自然景观"), ("Sky", "自然景观"), ("Blue", "颜色"), ("Green", "颜色"), ("Black", "颜色"),
        ("White", "颜色"), ("Astronomical object", "旅游地理"), ("Text", "日用品"), ("Letter", "日用品"),
        ("Web page", "虚拟场景"), ("Website", "虚拟场景"), ("Illustration", "艺术作品"),
        ("Mobile phone screenshot", "其他场景"),
    ],
)  # fmt: skip
def test_documented_english_aliases(taxonomy, alias, under):
    node = taxonomy.by_alias(alias)
    assert node is not None and node.parent == under


@pytest.mark.parametrize(
    ("name", "level1"),
    [
        # scenes: natural landscapes, living spaces, disasters
        ("森林", "旅游地理"), ("海滩", "旅游地理"), ("雪山", "旅游地理"), ("居家", "生活场景"),
        ("餐厅", "生活场景"), ("地震", "灾难场景"), ("洪水", "灾难场景"),
        # events: talent shows, office activities, performances, production processes
        ("才艺", "才艺"), ("办公", "办公"), ("表演", "表演"), ("生产", "生产"), ("流水线", "生产"),
        # objects: tableware, mobile phones, computers, furniture, vehicles
        ("餐具", "餐具"), ("手机", "电子产品"), ("笔记本电脑", "电子产品"), ("家具", "家具"),
        ("沙发", "家具"), ("交通工具", "交通工具"), ("自行车", "交通工具"),
        # topics
        ("新闻", "新闻"), ("娱乐", "娱乐"), ("游戏", "游戏"), ("科技", "科技"), ("美食", "美食"),
        ("体育", "体育"), ("旅行出游", "旅游地理"), ("动漫", "动漫"), ("舞蹈", "舞蹈"), ("音乐", "音乐"),
        ("影视", "影视"), ("汽车", "汽车"),
    ],
)  # fmt: skip
def test_documented_groups(taxonomy, name, level1):
    node = taxonomy[name]
    root = node if node.level == 1 else taxonomy.ancestors(name)[-1]
    assert root.name == level1


def test_navigation(taxonomy):
    assert {n.name for n in taxonomy.children("颜色")} >= {"蓝色", "绿色", "黑色", "白色", "红色"}
    assert all(not n.children for n in taxonomy.leaves("体育"))
    assert {n.name for n in taxonomy.descendants("自然景观")} == set(taxonomy["自然景观"].children)
    assert taxonomy.by_alias("MOON").name == "月亮"
    assert taxonomy.by_alias("no such alias") is None


def leaf(name, alias):
    return {"name": name, "alias": alias}


def test_validator_accepts_minimal_tree():
    doc = {"language": "zh-Hans", "categories": [{"name": "甲", "alias": "A", "children": [leaf("乙", "B")]}]}
    tax = build(doc)
    assert tax["乙"].parent == "甲" and tax["乙"].level == 2


@pytest.mark.parametrize(
    ("doc", "fragment"),
    [
        ({"categories": {}}, '"categories" list'),
        ({"language": "en", "categories": []}, "language"),
        ({"categories": [leaf("甲", "A"), leaf("甲", "B")]}, "duplicate name '甲'"),
        ({"categories": [leaf("甲", "A"), leaf("乙", "a")]}, "alias 'a' already used"),
        ({"categories": [{"name": "", "alias": "A"}]}, "non-empty"),
        ({"categories": [{"name": "甲", "alias": ""}]}, "alias must be"),
        ({"categories": [{"name": "甲", "alias": "A", "children": "x"}]}, "children must be a list"),
        ({"categories": [{"name": "甲", "alias": "A", "colour": 1}]}, "unknown keys"),
        ({"categories": ["甲"]}, "must be an object"),
        (
            {"categories": [{"name": "一", "alias": "1", "children": [
                {"name": "二", "alias": "2", "children": [
                    {"name": "三", "alias": "3", "children": [leaf("四", "4")]}]}]}]},
            "deeper than 3",
        ),
    ],
)  # fmt: skip
def test_validator_rejects(doc, fragment):
    with pytest.raises(TaxonomyError) as caught:
        build(doc)
    assert fragment in str(caught.value)


def test_validator_reports_every_problem():
    doc = {"categories": [leaf("甲", "A"), leaf("甲", "B"), {"name": "乙", "alias": ""}]}
    with pytest.raises(TaxonomyError) as caught:
        build(doc)
    assert len(caught.value.problems) == 2


def test_load_from_path(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"categories": [{"name": "甲", "alias": "A"}]}), encoding="utf-8")
    assert load_taxonomy(path).names() == ["甲"]
    assert load_taxonomy() is load_taxonomy()  # the bundled one is parsed once
