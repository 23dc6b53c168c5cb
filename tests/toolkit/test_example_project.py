"""The downstream example in examples/video_tagger passes, alone, with two xdist workers, and with two
workers sharing one running server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import served

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "video_tagger"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.parametrize("args", [(), ("-p", "xdist", "-n", "2")], ids=["serial", "xdist"])
def test_example_passes(args) -> None:
    result = run(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 passed" in result.stdout


def test_example_passes_on_a_shared_server() -> None:
    with served() as (_, url):
        result = run("-p", "xdist", "-n", "2", "--imm-endpoint", url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "8 passed" in result.stdout
