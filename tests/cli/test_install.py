"""`pip install .` into a fresh virtualenv, then `imm-emulator serve`, as the README says."""

from __future__ import annotations

import json
import subprocess
import urllib.request
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.install
def test_pip_install_into_fresh_venv_then_serve(tmp_path: Path) -> None:
    venv.create(tmp_path / "venv", with_pip=True)
    bin_dir = tmp_path / "venv" / "bin"
    subprocess.run([bin_dir / "pip", "install", "-q", str(ROOT)], check=True, timeout=600, cwd=tmp_path)
    proc = subprocess.Popen(
        [bin_dir / "imm-emulator", "serve", "--port", "0", "--auth", "off"],
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("imm-emulator ready on http://127.0.0.1:"), line
        url = line.rsplit(" ", 1)[1].strip()
        request = urllib.request.Request(
            f"{url}/?Action=CreateProject&Version=2020-09-30&ProjectName=p", method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert json.load(response)["Project"]["ProjectName"] == "p"  # schemas shipped as package data
        listed = subprocess.run(
            [
                bin_dir / "python",
                "-c",
                "import importlib.resources as r; files = r.files('imm_emulator.schemas').iterdir();"
                "print(len([p for p in files if p.name.endswith('.json')]))",
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp_path,
        )
        assert int(listed.stdout) >= 21
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
