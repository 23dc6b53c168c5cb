"""The official Node.js clients, with their default settings, against an in-process emulator.

``conformance.js`` (beside this file) drives @alicloud/openapi-client (ACS3-HMAC-SHA256 and RPC v2
signatures) and @alicloud/pop-core for IMM, and ali-oss and @alicloud/oss-client for OSS, virtual-hosted
style at ``<bucket>.oss-<region>.aliyuncs.com:PORT``; the ``resolve.js`` preload points those names at
127.0.0.1 inside the Node process (no hosts entry needed). It prints one JSON line per check; this test
asserts that every check passed and shows the failing ones with the HTTP exchanges they made.

Needs ``node`` and ``npm`` (skipped without them); ``npm ci`` installs the locked clients on first use.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import media

NODE_DIR = Path(__file__).resolve().parent
NODE = shutil.which("node")
NPM = shutil.which("npm")

pytestmark = pytest.mark.skipif(
    NODE is None or NPM is None,
    reason="the Node.js client conformance checks need `node` and `npm` on PATH (Node.js >= 18)",
)


def installed() -> bool:
    """node_modules holds what package-lock.json pins (npm writes node_modules/.package-lock.json)."""
    marker = NODE_DIR / "node_modules" / ".package-lock.json"
    lock = NODE_DIR / "package-lock.json"
    return marker.is_file() and marker.stat().st_mtime >= lock.stat().st_mtime


@pytest.fixture(scope="module")
def node_modules() -> Path:
    if not installed():
        assert NPM is not None
        result = subprocess.run(
            [NPM, "ci", "--no-audit", "--no-fund"],
            cwd=NODE_DIR,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if result.returncode != 0:
            output = f"{result.stdout}\n{result.stderr}"
            pytest.fail(f"`npm ci` in {NODE_DIR} failed ({result.returncode}):\n{output}")
    return NODE_DIR / "node_modules"


def run_conformance(emu) -> tuple[subprocess.CompletedProcess, list[dict]]:
    key = emu.config.access_keys[0]
    assert NODE is not None
    command = [
        NODE,
        "--require",
        str(NODE_DIR / "resolve.js"),
        str(NODE_DIR / "conformance.js"),
        emu.config.host,
        str(emu.port),
        key.access_key_id,
        key.secret,
        emu.region,
    ]
    env = {**os.environ, "IMM_SAMPLE_VIDEO": str(media("mp4_h264_aac.mp4"))}
    env.pop("CONFORMANCE_ONLY", None)
    result = subprocess.run(command, cwd=NODE_DIR, env=env, capture_output=True, text=True, timeout=120)
    lines = []
    for line in result.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            lines.append(json.loads(line))
    return result, lines


def test_official_node_clients_pass_every_check(node_modules: Path) -> None:
    from imm_emulator import Emulator

    with Emulator(task_duration="instant") as emu:
        result, checks = run_conformance(emu)

    output = f"{result.stdout}\n{result.stderr}"
    assert checks, f"conformance.js printed no check (exit {result.returncode}):\n{output}"
    names = [c["check"] for c in checks]
    assert len(names) == len(set(names)), "check names are unique"
    # Every family of checks ran: a refactoring of conformance.js must not drop one silently.
    families = ("imm/openapi-acs3/", "imm/openapi-rpc/", "imm/pop-core/", "oss/ali-oss/", "oss/oss-client/")
    for prefix in families:
        assert any(name.startswith(prefix) for name in names), f"no {prefix} check ran"

    failing = [c for c in checks if not c["ok"]]
    report = "\n\n".join(
        f"{c['check']}:\n{json.dumps(c['detail'], indent=2, ensure_ascii=False)}" for c in failing
    )
    assert not failing, (
        f"{len(failing)} of {len(checks)} Node.js client checks failed: {[c['check'] for c in failing]}\n\n"
        f"{report}\n\nstderr:\n{result.stderr[-3000:]}"
    )
    assert result.returncode == 0, f"conformance.js exited {result.returncode}:\n{result.stderr[-3000:]}"
