"""Run the emulator's prober over a folder of media with ``<file>.expected.json`` answers and report."""

from __future__ import annotations

import json
import os
from pathlib import Path

from imm_emulator.errors import ImmError
from imm_emulator.imm.media.probe import detect_media_meta
from imm_emulator.imm.media.source import FileSource
from tests.media.agreement import Report, Row, compare

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "media"
WORLD = Path(__file__).with_name("world")  # written by tools other than FFmpeg
FORMATS = Path(__file__).with_name("formats")  # one file per format of the video label docs
EXCEPTIONS = Path(__file__).with_name("exceptions.json")


def expected_answers(folder: Path) -> list[tuple[Path, dict]]:
    suffix = ".expected.json"
    found = []
    for path in sorted(folder.rglob(f"*{suffix}")):
        found.append(
            (path.with_name(path.name[: -len(suffix)]), json.loads(path.read_text(encoding="utf-8")))
        )
    return found


def agreement(folder: Path) -> Report:
    """Every golden's fields against the prober's answer; a file the prober refuses misses them all."""
    report = Report()
    for media, expected in expected_answers(folder):
        name = str(media.relative_to(folder))
        try:
            answer = detect_media_meta(FileSource(media))
        except ImmError:
            answer = {}
        report.add(compare(name, expected, answer))
    return report


def exceptions(corpus: str = "fixtures") -> set[tuple[str, str]]:
    """The accepted mismatches of one corpus: fixtures/media, tests/media/world or tests/media/formats."""
    listed = json.loads(EXCEPTIONS.read_text(encoding="utf-8"))["exceptions"]
    return {
        (entry["file"], field)
        for entry in listed
        if entry.get("corpus", "fixtures") == corpus
        for field in entry["fields"]
    }


def split(report: Report, accepted: set[tuple[str, str]]) -> tuple[Report, list[Row]]:
    """The report without the accepted exceptions, and the rows those exceptions covered."""
    kept, excepted = Report(), []
    for row in report.rows:
        (excepted if (row.file, row.field) in accepted else kept.rows).append(row)
    return kept, excepted


def publish(report: Report, title: str, variable: str = "IMM_MEDIA_REPORT") -> None:
    """Print the per-field table; write the JSON report where the environment variable names a file."""
    print(f"\n== {title}\n{report.table()}")
    for row in report.mismatches():
        print(f"   {row.file:34} {row.field:26} {row.verdict:8} expected={row.expected!r} got={row.got!r}")
    target = os.environ.get(variable)
    if target:
        Path(target).write_text(report.to_json(), encoding="utf-8")
