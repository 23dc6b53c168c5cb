"""Field-by-field agreement between an expected (ffprobe-derived) and an emulated DetectMediaMeta answer.

Verdicts: exact; close (times within 1.5 ms, bit rates within 1 %, rates within 0.1 %); wrong; missing
(expected has the field, the emulator not); extra (the reverse). Fields absent on both sides are not
counted. Stream lists are compared position by position.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

TIME_FIELDS = {"Duration", "StartTime"}
RATE_FIELDS = {"FrameRate", "AverageFrameRate"}
LISTS = {"VideoStreams": "Video", "AudioStreams": "Audio", "Subtitles": "Subtitle"}
NOT_COMPARED = {"Addresses", "CodecTimeBase", "Content", "Lyric"}


def verdict(name: str, expected: Any, got: Any) -> str | None:
    if expected is None and got is None:
        return None
    if expected is None:
        return "extra"
    if got is None:
        return "missing"
    if name in TIME_FIELDS or isinstance(expected, float):
        e, g = float(expected), float(got)
        if round(e, 6) == round(g, 6):
            return "exact"
        return "close" if abs(e - g) <= 0.0015 else "wrong"
    if name == "Bitrate":
        if int(expected) == int(got):
            return "exact"
        return "close" if abs(int(expected) - int(got)) <= abs(int(expected)) * 0.01 else "wrong"
    if name in RATE_FIELDS and expected != got:
        try:
            e, g = float(Fraction(expected)), float(Fraction(got))
        except (ValueError, ZeroDivisionError):
            return "wrong"
        return "close" if e and abs(e - g) <= e * 0.001 else "wrong"
    return "exact" if expected == got and type(expected) is type(got) else "wrong"


@dataclass
class Row:
    file: str
    field: str
    verdict: str
    expected: Any
    got: Any


def compare(file: str, expected: dict[str, Any], got: dict[str, Any]) -> list[Row]:
    rows = []
    for name in sorted((set(expected) | set(got)) - set(LISTS) - NOT_COMPARED):
        found = verdict(name, expected.get(name), got.get(name))
        if found:
            rows.append(Row(file, f"Top.{name}", found, expected.get(name), got.get(name)))
    for key, label in LISTS.items():
        wanted, have = expected.get(key) or [], got.get(key) or []
        for position in range(max(len(wanted), len(have))):
            e = wanted[position] if position < len(wanted) else {}
            g = have[position] if position < len(have) else {}
            for name in sorted((set(e) | set(g)) - NOT_COMPARED):
                found = verdict(name, e.get(name), g.get(name))
                if found:
                    rows.append(Row(file, f"{label}.{name}", found, e.get(name), g.get(name)))
    return rows


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)

    def add(self, rows: list[Row]) -> None:
        self.rows.extend(rows)

    def counts(self) -> Counter:
        return Counter(row.verdict for row in self.rows)

    def exact_share(self) -> float:
        return self.counts()["exact"] / max(1, len(self.rows))

    def close_share(self) -> float:
        counts = self.counts()
        return (counts["exact"] + counts["close"]) / max(1, len(self.rows))

    def by_field(self) -> dict[str, Counter]:
        table: dict[str, Counter] = defaultdict(Counter)
        for row in self.rows:
            table[row.field][row.verdict] += 1
        return dict(sorted(table.items()))

    def table(self) -> str:
        header = ("field", "n", "exact", "close", "wrong", "miss", "extra", "exact%")
        lines = ["{:28} {:>5} {:>6} {:>6} {:>6} {:>5} {:>6} {:>7}".format(*header)]
        for name, counts in self.by_field().items():
            n = sum(counts.values())
            lines.append(
                f"{name:28} {n:5} {counts['exact']:6} {counts['close']:6} {counts['wrong']:6} "
                f"{counts['missing']:5} {counts['extra']:6} {100 * counts['exact'] / n:6.1f}%"
            )
        total = self.counts()
        lines.append(
            f"{'OVERALL':28} {len(self.rows):5} {total['exact']:6} {total['close']:6} "
            f"{total['wrong']:6} {total['missing']:5} {total['extra']:6} "
            f"{100 * self.exact_share():6.1f}%  "
            f"(within tolerance {100 * self.close_share():.1f}%)"
        )
        return "\n".join(lines)

    def mismatches(self) -> list[Row]:
        return [row for row in self.rows if row.verdict != "exact"]

    def to_json(self) -> str:
        return json.dumps(
            {
                "fields_compared": len(self.rows),
                "exact": self.exact_share(),
                "within_tolerance": self.close_share(),
                "per_field": {name: dict(counts) for name, counts in self.by_field().items()},
                "mismatches": [row.__dict__ for row in self.mismatches()],
            },
            indent=1,
            default=str,
        )
