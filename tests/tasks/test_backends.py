"""Store-facing tests run over both Store backends (tests/conftest.py): each test in those folders that
uses an emulator is collected once per backend, and the emulator it gets keeps its state there."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from alibabacloud_imm20200930 import models as m

from imm_emulator.state import MemoryStore, SqliteStore
from tests.conftest import BACKENDS, STORE_FACING

TESTS = Path(__file__).resolve().parents[1]


def test_the_emulator_keeps_its_state_in_the_backend_named(imm_emulator, imm_client, request) -> None:
    backend = request.node.callspec.params["imm_emulator_config"]
    store = imm_emulator.runtime.store
    assert isinstance(store, {"memory": MemoryStore, "sqlite": SqliteStore}[backend])
    imm_client.create_project(m.CreateProjectRequest(project_name="kept"))
    assert store.get("project", imm_emulator.runtime.account(imm_emulator.access_key_id), "kept")


def test_every_store_facing_test_that_uses_an_emulator_runs_over_both_backends() -> None:
    folders = [str(TESTS / name) for name in STORE_FACING]
    listing = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *folders],
        capture_output=True,
        text=True,
        cwd=TESTS.parent,
    )
    assert listing.returncode == 0, listing.stdout[-2000:] + listing.stderr[-2000:]
    ids = [line for line in listing.stdout.splitlines() if "::" in line]
    by_backend: dict[str, set[str]] = {name: set() for name in BACKENDS}
    for node in ids:
        found = re.search(r"[\[-](memory|sqlite)[\]-]", node)
        if found:
            by_backend[found.group(1)].add(node.replace(found.group(1), "BACKEND"))
    assert len(by_backend["memory"]) > 200
    assert by_backend["memory"] == by_backend["sqlite"]
