"""The committed fixtures, probed by the emulator, agree field by field with their ffprobe goldens."""

from __future__ import annotations

from tests.media.golden import FIXTURES, agreement, exceptions, publish, split

EXACT_TARGET = 0.98
TOLERANCE_TARGET = 0.995


def test_fixture_corpus_agrees_with_ffprobe_goldens() -> None:
    report = agreement(FIXTURES)
    accepted = exceptions()
    kept, excepted = split(report, accepted)
    publish(report, f"fixtures/media, all {len(report.rows)} compared fields")
    assert len(report.rows) > 1000  # the corpus is really compared, not skipped
    assert kept.exact_share() >= EXACT_TARGET, kept.table()
    assert kept.close_share() >= TOLERANCE_TARGET, kept.table()
    assert report.exact_share() >= EXACT_TARGET  # even counting the listed exceptions
    stale = sorted(
        key for key in accepted if key not in {(r.file, r.field) for r in excepted if r.verdict != "exact"}
    )
    assert not stale, f"listed exceptions that now agree (remove them from exceptions.json): {stale}"


def test_every_fixture_has_a_golden() -> None:
    media = {p for p in FIXTURES.rglob("*") if p.is_file() and not p.name.endswith(".json")}
    segments = {p for p in media if p.parent.name == "hls" and p.suffix == ".ts"}
    missing = [p.name for p in media - segments if not p.with_name(p.name + ".expected.json").exists()]
    assert not missing
