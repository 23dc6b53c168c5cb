"""Shared test helpers: the test keys and a raw RPC call through the real tea-openapi client."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from alibabacloud_tea_openapi import utils_models
from alibabacloud_tea_openapi.client import Client as OpenApiClient
from alibabacloud_tea_openapi.models import Config
from darabonba.runtime import RuntimeOptions

DEFAULT_KEY = ("test-access-key-id", "test-access-key-secret")
OTHER_KEY = ("other-access-key-id", "other-access-key-secret")
STS_KEY = ("STS.test-sts-key", "sts-secret", "sts-security-token")


def raw_call(
    endpoint: str,
    action: str,
    query: dict[str, str],
    *,
    version: str = "2020-09-30",
    key: tuple[str, str] = DEFAULT_KEY,
    **config: Any,
) -> dict:
    """Any RPC call through the real tea-openapi client (ACS3 signature), unvalidated parameters."""
    client = OpenApiClient(
        Config(access_key_id=key[0], access_key_secret=key[1], endpoint=endpoint, protocol="http", **config)
    )
    request = utils_models.OpenApiRequest(query=query)
    return client.call_api(rpc_params(action, version), request, RuntimeOptions())


def rpc_params(action: str, version: str = "2020-09-30") -> utils_models.Params:
    """What tea-openapi's generic ``call_api`` needs to send an IMM RPC action."""
    return utils_models.Params(
        action=action,
        version=version,
        protocol="HTTP",
        pathname="/",
        method="POST",
        auth_type="AK",
        style="RPC",
        req_body_type="formData",
        body_type="json",
    )


def served_args(config: dict[str, str]) -> list[str]:
    """``imm-emulator serve`` flags for emulator options (the ``backend`` fixture's)."""
    return [arg for name, value in config.items() for arg in (f"--{name.replace('_', '-')}", value)]


@contextlib.contextmanager
def served(
    *args: str, env: dict[str, str] | None = None, timeout: float = 30
) -> Iterator[tuple[subprocess.Popen, str]]:
    """``imm-emulator serve --port 0 ARGS`` in a child process; yields (process, base URL)."""
    command = [sys.executable, "-m", "imm_emulator.cli", "serve", "--port", "0", *args]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}
    )
    try:
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("imm-emulator ready on ") or not line:
                break
        if not line.startswith("imm-emulator ready on "):
            proc.kill()
            raise RuntimeError(f"server did not start: {line!r} {proc.stderr.read()}")
        yield proc, line.split(" on ", 1)[1].strip()
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def media(name: str) -> Path:
    """A file of the shipped sample corpus (``fixtures/media``)."""
    path = Path(str(resources.files("imm_emulator.fixtures"))) / "media" / name
    assert path.is_file(), f"missing fixture {path}"
    return path
