"""Agreement over the research note's reference corpus (shared/reference/media/make_corpus.sh), rebuilt
with ffmpeg into a temporary folder, its oracle derived by tools/make_goldens.py. Slow: ``-m slow``."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.media.golden import agreement, publish

ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = [
    Path(os.environ.get("IMM_MEDIA_CORPUS_SCRIPT", "")),
    ROOT.parent / "shared" / "reference" / "media" / "make_corpus.sh",
    ROOT / "shared" / "reference" / "media" / "make_corpus.sh",
]


def _make_goldens():
    spec = importlib.util.spec_from_file_location("make_goldens", ROOT / "tools" / "make_goldens.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_reference_corpus_agreement(tmp_path: Path) -> None:
    if not shutil.which("ffmpeg") or not shutil.which("ffprobe"):
        pytest.skip("ffmpeg/ffprobe not installed (apt-get install -y ffmpeg)")
    script = next((p for p in CANDIDATES if p.is_file()), None)
    if script is None:
        pytest.skip("make_corpus.sh not found (set IMM_MEDIA_CORPUS_SCRIPT)")
    corpus = tmp_path / "corpus"
    subprocess.run(["bash", str(script), str(corpus)], check=True, capture_output=True, timeout=600)
    goldens = _make_goldens()
    for media in goldens.media_files(corpus):
        goldens.write_golden(media)
    report = agreement(corpus)
    publish(
        report,
        f"reference corpus ({script}), {len(report.rows)} compared fields",
        variable="IMM_MEDIA_REFERENCE_REPORT",
    )
    assert len(report.rows) > 900
    assert report.exact_share() >= 0.98
    assert report.close_share() >= 0.99
