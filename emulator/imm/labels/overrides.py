"""Labels chosen by a test instead of derived: validated against the taxonomy and completed.

An entry is a label name (zh-Hans, or its English alias) or a dict with at least ``LabelName``, and
optionally ``LabelConfidence``, ``CentricScore``, ``Clips``, ``LabelAlias``, ``Language``. A name outside
the taxonomy is an error (with close names suggested) unless the entry says ``"Custom": true``; a custom
label gives its place with ``ParentLabelName`` (a taxonomy label or another custom entry) and/or
``LabelLevel``. Missing parents are added, so the answer is always a consistent three-level hierarchy.

Keep the entries as given and resolve them when the task completes (``duration_ms`` known): entries
are the input format, the resolved Labels are not (custom labels lose their ``Custom`` marker).
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from imm_emulator.errors import ImmError

from .labeler import merge_clips
from .taxonomy import LANGUAGE, MAX_LEVEL, Taxonomy, load_taxonomy

ENTRY_KEYS = frozenset(
    {"LabelName", "LabelConfidence", "CentricScore", "Clips", "LabelAlias", "Language", "LabelLevel",
     "ParentLabelName", "Custom"}
)  # fmt: skip
DEFAULT_CONFIDENCE = 1.0
DEFAULT_CENTRIC = 1.0


def _error(message: str) -> ImmError:
    return ImmError("InvalidArgument", message)


def suggest(name: str, taxonomy: Taxonomy, limit: int = 5) -> list[str]:
    """Close taxonomy labels for a mistyped ``name``, as ``"名称 (Alias)"``."""
    folded = name.casefold().strip()
    hits: list[str] = []
    if folded:
        for node in taxonomy:  # substring either way, in names and aliases: good for short Chinese names
            alias = node.alias.casefold()
            if folded in node.name or node.name in folded or (len(folded) >= 3 and (folded in alias)):
                hits.append(node.name)
    by_alias = {node.alias.casefold(): node.name for node in taxonomy}
    hits += difflib.get_close_matches(name, taxonomy.names(), n=limit, cutoff=0.5)
    hits += [by_alias[a] for a in difflib.get_close_matches(folded, list(by_alias), n=limit, cutoff=0.6)]
    unique = list(dict.fromkeys(hits))[:limit]
    return [f"{hit} ({taxonomy[hit].alias})" for hit in unique]


def _unit_number(value: Any, what: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _error(f"{where}: {what} must be a number between 0 and 1, not {value!r}.")
    if not 0 <= value <= 1:
        raise _error(f"{where}: {what} must be between 0 and 1, not {value!r}.")
    return float(value)


def _clips(value: Any, where: str) -> list[tuple[int, int]]:
    if not isinstance(value, list):
        raise _error(f'{where}: Clips must be a list of {{"TimeRange": [start_ms, end_ms]}}.')
    out: list[tuple[int, int]] = []
    for i, clip in enumerate(value):
        pair = clip.get("TimeRange") if isinstance(clip, Mapping) else clip
        if isinstance(clip, Mapping) and set(clip) - {"TimeRange"}:
            raise _error(f"{where}: Clips[{i}] has unknown keys {sorted(set(clip) - {'TimeRange'})}.")
        if not (
            isinstance(pair, (list, tuple))
            and len(pair) == 2
            and all(isinstance(t, int) and not isinstance(t, bool) for t in pair)
        ):
            raise _error(
                f'{where}: Clips[{i}] must be {{"TimeRange": [start_ms, end_ms]}} with two integers, '
                f"not {clip!r}."
            )
        start, end = pair
        if not 0 <= start < end:
            raise _error(
                f"{where}: Clips[{i}] TimeRange needs 0 <= start < end (milliseconds), not {pair!r}."
            )
        out.append((start, end))
    return out


class _Entry:
    __slots__ = ("name", "order", "confidence", "centric", "clips", "alias", "language", "custom", "parent",
                 "level")  # fmt: skip

    def __init__(self, name: str, order: int) -> None:
        self.name, self.order = name, order
        self.confidence: float | None = None
        self.centric: float | None = None
        self.clips: list[tuple[int, int]] | None = None
        self.alias: str | None = None
        self.language: str | None = None
        self.custom = False
        self.parent: str | None = None
        self.level: int | None = None


def _read_entry(raw: Any, index: int, taxonomy: Taxonomy) -> _Entry:
    where = f"label entry {index}"
    if isinstance(raw, str):
        raw = {"LabelName": raw}
    if not isinstance(raw, Mapping):
        raise _error(f"{where}: expected a label name or an object with LabelName, not {raw!r}.")
    unknown = set(raw) - ENTRY_KEYS
    if unknown:
        raise _error(f"{where}: unknown keys {sorted(unknown)}; allowed: {', '.join(sorted(ENTRY_KEYS))}.")
    name = raw.get("LabelName")
    if not isinstance(name, str) or not name.strip():
        raise _error(f"{where}: LabelName must be a non-empty string.")
    name = name.strip()
    where = f"{where} ({name})"
    custom = raw.get("Custom", False)
    if not isinstance(custom, bool):
        raise _error(f"{where}: Custom must be true or false.")
    if not custom and name not in taxonomy:
        node = taxonomy.by_alias(name)
        if node is None:
            hints = suggest(name, taxonomy)
            hint = f" Did you mean: {', '.join(hints)}?" if hints else ""
            raise _error(
                f"label entry {index}: unknown label {name!r}, it is not in the label taxonomy.{hint} "
                'Add "Custom": true to use a label of your own.'
            )
        name = node.name
    if custom and name in taxonomy:
        node = taxonomy[name]
        raise _error(
            f"{where}: {name!r} is already in the taxonomy (level {node.level}"
            + (f", under {node.parent!r}" if node.parent else "")
            + '); drop "Custom" to use it.'
        )
    entry = _Entry(name, index)
    entry.custom = custom
    if "LabelConfidence" in raw:
        entry.confidence = _unit_number(raw["LabelConfidence"], "LabelConfidence", where)
    if "CentricScore" in raw:
        entry.centric = _unit_number(raw["CentricScore"], "CentricScore", where)
    if "Clips" in raw:
        entry.clips = _clips(raw["Clips"], where)
    for key, attr in (("LabelAlias", "alias"), ("Language", "language")):
        if key in raw:
            if not isinstance(raw[key], str):
                raise _error(f"{where}: {key} must be a string.")
            setattr(entry, attr, raw[key])
    if "LabelLevel" in raw:
        level = raw["LabelLevel"]
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= MAX_LEVEL:
            raise _error(f"{where}: LabelLevel must be 1, 2 or 3, not {level!r}.")
        entry.level = level
    if "ParentLabelName" in raw:
        parent = raw["ParentLabelName"]
        if not isinstance(parent, str):
            raise _error(f"{where}: ParentLabelName must be a string.")
        entry.parent = parent.strip()
    if not custom:  # a taxonomy label's place is fixed: a contradicting level or parent is a mistake
        node = taxonomy[name]
        if entry.level is not None and entry.level != node.level:
            raise _error(f"{where}: {name!r} is a level-{node.level} label, not level {entry.level}.")
        if entry.parent is not None and entry.parent != node.parent:
            shown = repr(node.parent) if node.parent else "none (level 1)"
            raise _error(f"{where}: the parent of {name!r} is {shown}, not {entry.parent!r}.")
        entry.level, entry.parent = node.level, node.parent
    return entry


def resolve_labels(
    entries: Sequence[Any], *, duration_ms: int | None = None, taxonomy: Taxonomy | None = None
) -> list[dict[str, Any]]:
    """Validate override entries and return complete Labels (the GetVideoLabelClassificationResult shape).

    Raises ImmError("InvalidArgument") naming the offending entry. With ``duration_ms``, entries without
    Clips cover the whole video and given clips are cut to it (clips wholly past the end are dropped);
    without it, entries without Clips get none. Auto-added parents take their children's best confidence
    and centric score and the union of their clips.
    """
    taxonomy = taxonomy or load_taxonomy()
    if isinstance(entries, (str, bytes)) or not isinstance(entries, Sequence):
        raise _error("Labels must be a list of label names or label objects.")
    if duration_ms is not None and (isinstance(duration_ms, bool) or not isinstance(duration_ms, int)):
        raise TypeError("duration_ms must be an int")
    given: dict[str, _Entry] = {}
    for index, raw in enumerate(entries):
        entry = _read_entry(raw, index, taxonomy)
        if entry.name in given:
            raise _error(
                f"label entry {index} ({entry.name}): duplicate of label entry {given[entry.name].order}."
            )
        given[entry.name] = entry
    _place_custom(given, taxonomy)

    # Add missing ancestors (taxonomy ones: customs were checked to hang under known or given labels).
    everything: dict[str, _Entry] = dict(given)
    for entry in list(given.values()):
        parent = entry.parent
        while parent and parent not in everything:
            node = taxonomy[parent]
            added = _Entry(parent, entry.order)
            added.level, added.parent = node.level, node.parent
            everything[parent] = added
            parent = node.parent
    children: dict[str, list[_Entry]] = {}
    for entry in everything.values():
        children.setdefault(entry.parent or "", []).append(entry)

    def fill(entry: _Entry) -> tuple[float, float, list[tuple[int, int]], int]:
        """Complete ``entry`` bottom-up; returns (confidence, centric, clips, first mention)."""
        kids = [fill(kid) for kid in children.get(entry.name, [])]
        if entry.clips is not None:
            clips = _fit(entry.clips, duration_ms)
        elif entry.name in given or not kids:
            clips = [(0, duration_ms)] if duration_ms else []
        else:
            clips = merge_clips(clip for kid in kids for clip in kid[2])
        if entry.name in given:
            entry.confidence = DEFAULT_CONFIDENCE if entry.confidence is None else entry.confidence
            entry.centric = DEFAULT_CENTRIC if entry.centric is None else entry.centric
        else:
            entry.confidence = max((k[0] for k in kids), default=DEFAULT_CONFIDENCE)
            entry.centric = max((k[1] for k in kids), default=DEFAULT_CENTRIC)
        entry.clips = clips
        entry.order = min([entry.order] + [k[3] for k in kids])
        return entry.confidence, entry.centric, clips, entry.order

    roots = children.get("", [])
    for root in roots:
        fill(root)
    out: list[dict[str, Any]] = []

    def emit(entry: _Entry) -> None:
        node = taxonomy.get(entry.name)
        alias = entry.alias if entry.alias is not None else (node.alias if node else "")
        out.append(
            {
                "LabelName": entry.name,
                "LabelLevel": entry.level,
                "ParentLabelName": entry.parent or "",
                "LabelConfidence": entry.confidence,
                "CentricScore": entry.centric,
                "LabelAlias": alias,
                "Language": entry.language if entry.language is not None else LANGUAGE,
                "Clips": [{"TimeRange": [start, end]} for start, end in entry.clips or []],
            }
        )
        for kid in sorted(children.get(entry.name, []), key=lambda e: e.order):
            emit(kid)

    for root in sorted(roots, key=lambda e: e.order):
        emit(root)
    return out


def _fit(clips: list[tuple[int, int]], duration_ms: int | None) -> list[tuple[int, int]]:
    if duration_ms is None:
        return merge_clips(clips)
    return merge_clips((start, min(end, duration_ms)) for start, end in clips if start < duration_ms)


def _place_custom(given: dict[str, _Entry], taxonomy: Taxonomy) -> None:
    """Give every custom entry a level and a parent that exists (in the taxonomy or among the entries)."""
    resolving: set[str] = set()
    placed: set[str] = set()

    def level_of(entry: _Entry) -> int:
        if not entry.custom or entry.name in placed:
            return entry.level or 1
        where = f"label entry {entry.order} ({entry.name})"
        if entry.name in resolving:
            raise _error(f"{where}: custom labels form a cycle through ParentLabelName.")
        resolving.add(entry.name)
        parent = entry.parent or ""
        if not parent:
            if entry.level not in (None, 1):
                raise _error(f"{where}: a level-{entry.level} custom label needs a ParentLabelName.")
            level = 1
        else:
            if parent == entry.name:
                raise _error(f"{where}: a label cannot be its own parent.")
            if parent in given:
                parent_level = level_of(given[parent])
            elif parent in taxonomy:
                parent_level = taxonomy[parent].level
            else:
                hints = suggest(parent, taxonomy)
                hint = f" Did you mean: {', '.join(hints)}?" if hints else ""
                raise _error(
                    f"{where}: parent {parent!r} is neither in the taxonomy nor among the given labels.{hint}"
                )
            level = parent_level + 1
            if level > MAX_LEVEL:
                raise _error(f"{where}: under {parent!r} (level {parent_level}) it would be level {level}; "
                             f"labels have at most {MAX_LEVEL} levels.")  # fmt: skip
            if entry.level is not None and entry.level != level:
                raise _error(f"{where}: LabelLevel {entry.level} does not match its parent {parent!r} "
                             f"(level {parent_level}).")  # fmt: skip
        entry.level, entry.parent = level, parent
        placed.add(entry.name)
        resolving.discard(entry.name)
        return level

    for entry in list(given.values()):
        level_of(entry)


def parse_label_file(data: bytes) -> list[Any]:
    """The entries of a ``<object>.labels.json`` sidecar: a JSON list of entries (or an object with a
    ``Labels`` list, e.g. a saved GetVideoLabelClassificationResult). Validated against the taxonomy
    (ImmError InvalidArgument with the reason, prefixed "label file: "); returned as given, to be
    resolved with ``resolve_labels(entries, duration_ms=...)`` when the task completes."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("parse_label_file takes the file's bytes")
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _error(f"label file: not UTF-8 text (byte {exc.start}).") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _error(
            f"label file: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}."
        ) from None
    if isinstance(document, Mapping) and "Labels" in document:
        document = document["Labels"]
    if not isinstance(document, list):
        raise _error('label file: expected a JSON list of labels (or an object with a "Labels" list).')
    try:
        resolve_labels(document)
    except ImmError as exc:
        raise _error(f"label file: {exc.message}") from None
    return document
