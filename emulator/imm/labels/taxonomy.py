"""The label taxonomy the labeler and the overrides draw from, loaded from ``data/taxonomy.json``.

The file is a tree (``categories`` -> ``children`` -> ``children``) of ``{"name", "alias"}`` nodes: the
zh-Hans name is what the service returns as ``LabelName``, the English alias goes to ``LabelAlias``.
Loading checks the shape (levels 1..3, unique names and aliases, every parent known) so a bad edit of
the data fails loudly in tests instead of producing inconsistent answers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

LANGUAGE = "zh-Hans"
MAX_LEVEL = 3


class TaxonomyError(ValueError):
    """The taxonomy data is malformed; ``problems`` lists every issue found, not just the first."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:10]) + (f"; ... ({len(problems)} problems)" if len(problems) > 10 else "")
        super().__init__(f"invalid label taxonomy: {shown}")


@dataclass(frozen=True)
class Node:
    name: str
    alias: str
    level: int
    parent: str  # "" at level 1
    children: tuple[str, ...] = field(default=())


class Taxonomy:
    """An immutable name -> Node index over the validated tree, in file order."""

    def __init__(self, nodes: Mapping[str, Node], language: str = LANGUAGE) -> None:
        self._nodes = dict(nodes)
        self.language = language
        self._by_alias = {node.alias.casefold(): node.name for node in self._nodes.values()}

    def __contains__(self, name: object) -> bool:
        return name in self._nodes

    def __len__(self) -> int:
        return len(self._nodes)

    def __iter__(self) -> Iterator[Node]:
        return iter(self._nodes.values())

    def __getitem__(self, name: str) -> Node:
        return self._nodes[name]

    def get(self, name: str) -> Node | None:
        return self._nodes.get(name)

    def by_alias(self, alias: str) -> Node | None:
        """The node whose English alias is ``alias`` (case-insensitive), for convenience in overrides."""
        name = self._by_alias.get(alias.casefold())
        return self._nodes[name] if name is not None else None

    def names(self) -> list[str]:
        return list(self._nodes)

    def level(self, level: int) -> list[Node]:
        return [node for node in self._nodes.values() if node.level == level]

    def children(self, name: str) -> list[Node]:
        return [self._nodes[child] for child in self._nodes[name].children]

    def ancestors(self, name: str) -> list[Node]:
        """Parents of ``name`` from the nearest up to level 1."""
        chain: list[Node] = []
        node = self._nodes[name]
        while node.parent:
            node = self._nodes[node.parent]
            chain.append(node)
        return chain

    def descendants(self, name: str) -> list[Node]:
        out: list[Node] = []
        for child in self.children(name):
            out.append(child)
            out.extend(self.descendants(child.name))
        return out

    def leaves(self, under: str | None = None) -> list[Node]:
        pool: Iterable[Node] = self._nodes.values() if under is None else self.descendants(under)
        return [node for node in pool if not node.children]


def build(data: Any) -> Taxonomy:
    """Validate a parsed taxonomy document and index it; raises TaxonomyError listing every problem."""
    problems: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("categories"), list):
        raise TaxonomyError(['the document must be an object with a "categories" list'])
    language = data.get("language", LANGUAGE)
    if language != LANGUAGE:
        problems.append(f"language must be {LANGUAGE!r}, not {language!r}")
    nodes: dict[str, Node] = {}
    aliases: dict[str, str] = {}
    # (raw node, level, parent name, where) — an explicit stack keeps file order without recursion limits
    stack: list[tuple[Any, int, str, str]] = [
        (raw, 1, "", f"categories[{i}]") for i, raw in reversed(list(enumerate(data["categories"])))
    ]
    while stack:
        raw, level, parent, where = stack.pop()
        if not isinstance(raw, dict):
            problems.append(f"{where}: a node must be an object")
            continue
        name, alias, kids = raw.get("name"), raw.get("alias"), raw.get("children", [])
        unknown = set(raw) - {"name", "alias", "children"}
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
        if not isinstance(name, str) or not name.strip() or name != name.strip():
            problems.append(f"{where}: name must be a non-empty string without surrounding blanks")
            continue
        if not isinstance(alias, str) or not alias.strip():
            problems.append(f"{where} ({name}): alias must be a non-empty string")
            alias = ""
        if level > MAX_LEVEL:
            problems.append(f"{where} ({name}): level {level} is deeper than {MAX_LEVEL}")
            continue
        if name in nodes:
            problems.append(f"{where}: duplicate name {name!r} (already at level {nodes[name].level})")
            continue
        if alias and alias.casefold() in aliases:
            problems.append(
                f"{where} ({name}): alias {alias!r} already used by {aliases[alias.casefold()]!r}"
            )
        elif alias:
            aliases[alias.casefold()] = name
        if not isinstance(kids, list):
            problems.append(f"{where} ({name}): children must be a list")
            kids = []
        nodes[name] = Node(name, alias, level, parent)
        for j, kid in reversed(list(enumerate(kids))):
            stack.append((kid, level + 1, name, f"{where}.children[{j}]"))
    for node in nodes.values():
        if node.parent and node.parent not in nodes:
            problems.append(f"{node.name!r}: parent {node.parent!r} does not exist")
        if node.parent and nodes.get(node.parent) and nodes[node.parent].level != node.level - 1:
            problems.append(f"{node.name!r}: parent {node.parent!r} is not one level up")
    children: dict[str, list[str]] = {name: [] for name in nodes}
    for node in nodes.values():
        if node.parent in children:
            children[node.parent].append(node.name)
    nodes = {
        name: Node(n.name, n.alias, n.level, n.parent, tuple(children[name])) for name, n in nodes.items()
    }
    if problems:
        raise TaxonomyError(problems)
    return Taxonomy(nodes, language)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The bundled taxonomy (cached), or the one at ``path`` (not cached) — validated either way."""
    if path is None:
        return _bundled()
    return build(json.loads(Path(path).read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def _bundled() -> Taxonomy:
    text = resources.files(__package__).joinpath("data", "taxonomy.json").read_text(encoding="utf-8")
    return build(json.loads(text))
