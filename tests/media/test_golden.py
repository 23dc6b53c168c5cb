"""Each committed corpus, probed by the emulator, agrees field by field with its ffprobe goldens: the
fixtures (made with FFmpeg), the world corpus (GStreamer, mkvmerge, the x264/x265/vpxenc CLIs, mplex,
MEncoder, lame, sox... and files shipped by Debian and PyPI packages) and one file per format of the video
label docs. Every accepted mismatch is listed, with its reason, in tests/media/exceptions.json."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.media.golden import FIXTURES, FORMATS, WORLD, agreement, exceptions, publish, split

# corpus -> (folder, share of fields exact, share within tolerance, both counting listed exceptions).
# The world corpus reaches 99.3 % exact and 99.5 % within tolerance; its listed exceptions say what is
# missing.
CORPORA = {
    "fixtures": (FIXTURES, 0.98, 0.995),
    "world": (WORLD, 0.98, 0.995),
    "formats": (FORMATS, 0.98, 0.995),
}


@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_corpus_agrees_with_ffprobe_goldens(corpus: str) -> None:
    folder, exact_target, tolerance_target = CORPORA[corpus]
    report = agreement(folder)
    accepted = exceptions(corpus)
    kept, excepted = split(report, accepted)
    publish(report, f"{folder.name}, all {len(report.rows)} compared fields")
    assert len(report.rows) > 800  # the corpus is really compared, not skipped
    unlisted = [f"{r.file} {r.field}: {r.verdict} {r.expected!r} != {r.got!r}" for r in kept.mismatches()]
    assert not unlisted, "differences not listed in exceptions.json:\n" + "\n".join(unlisted)
    assert report.exact_share() >= exact_target, report.table()
    assert report.close_share() >= tolerance_target, report.table()
    stale = sorted(
        key for key in accepted if key not in {(r.file, r.field) for r in excepted if r.verdict != "exact"}
    )
    assert not stale, f"listed exceptions that now agree (remove them from exceptions.json): {stale}"


@pytest.mark.parametrize("folder", [FIXTURES, WORLD, FORMATS], ids=lambda p: Path(p).name)
def test_every_file_has_a_golden(folder: Path) -> None:
    media = {
        p for p in folder.rglob("*") if p.is_file() and not p.name.endswith(".json") and p.suffix != ".txt"
    }
    segments = {p for p in media if p.parent.name == "hls" and p.suffix == ".ts"}
    missing = [p.name for p in media - segments if not p.with_name(p.name + ".expected.json").exists()]
    assert not missing
