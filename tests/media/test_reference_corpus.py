"""Agreement over a corpus rebuilt with this machine's ffmpeg into a temporary folder, its oracle derived
by tools/make_goldens.py from this machine's ffprobe. Slow: ``-m slow``.

The corpus script is ``tools/make_fixtures.sh`` unless ``IMM_MEDIA_CORPUS_SCRIPT`` names another one; it
is run as ``bash SCRIPT OUTDIR`` and must write media files into OUTDIR."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.media.golden import agreement, publish

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(os.environ.get("IMM_MEDIA_CORPUS_SCRIPT") or ROOT / "tools" / "make_fixtures.sh")


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
    script = SCRIPT
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
