"""pytest plugin for imm-emulator, loaded automatically through the ``pytest11`` entry point.

Fixtures: ``imm_emulator`` (the handle; state reset before every test), ``imm_client`` and
``imm_async_client`` (real ``alibabacloud_imm20200930`` clients; call the ``*_async`` methods on the
latter), ``oss_client`` (real ``alibabacloud_oss_v2`` client), ``imm_project`` (a fresh project's name),
``imm_clock`` (the emulated clock of the test's account), ``imm_emulator_config`` (override it in your
conftest.py to pass ``Emulator(**config)`` options).

Markers: ``imm_labels(uri_or_glob, labels)``, ``imm_task_policy(policy)``, ``imm_fault(**rule)``,
``imm_parity`` (the test uses only what the emulator and the real service both guarantee).

One emulator per test session (per xdist worker), or ``--imm-endpoint URL`` to use a server that is
already running: each xdist worker then gets its own access key, hence its own account, so workers never
see each other's projects, tasks, objects, clock, faults or labels. ``--imm-endpoint`` may also name the
real IMM service (credentials from ``--imm-access-key`` or the ``ALIBABA_CLOUD_ACCESS_KEY_ID`` /
``ALIBABA_CLOUD_ACCESS_KEY_SECRET`` environment): only ``imm_parity`` tests run then.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Generator, Iterator
from typing import Any

import pluggy
import pytest

from imm_emulator.contract import assert_imm_contract

__all__ = ["assert_imm_contract"]

MARKERS = {
    "imm_labels(uri_or_glob, labels)": "labels the video label tasks on matching oss:// URIs answer",
    "imm_task_policy(policy)": "how this test's tasks end: instant, manual, polls:N, seconds or auto",
    "imm_fault(**rule)": "a fault rule for this test (action, kind, code, times, probability...)",
    "imm_parity": "uses only what the emulator and the real IMM service both guarantee",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("imm-emulator")
    options = [
        ("--imm-endpoint", "imm_endpoint", "use an imm-emulator (or real IMM) running at this URL"),
        ("--imm-auth", "imm_auth", "strict or off: signature checking of the in-process emulator"),
        ("--imm-data-dir", "imm_data_dir", "keep the in-process emulator's state in this directory"),
        ("--imm-control-token", "imm_control_token", "bearer token of a server started with --control-token"),
        ("--imm-access-key", "imm_access_key", "AK:SECRET[:TOKEN] the clients sign with (default: test key)"),
    ]  # fmt: skip
    for flag, ini, help_text in options:
        group.addoption(flag, dest=ini, default=None, help=help_text)
        parser.addini(ini, help_text, default=None)


def pytest_configure(config: pytest.Config) -> None:
    for marker, meaning in MARKERS.items():
        config.addinivalue_line("markers", f"{marker}: {meaning}")


def _option(config: pytest.Config, name: str) -> str | None:
    return config.getoption(name) or config.getini(name) or None


@pytest.fixture(scope="session")
def imm_emulator_config() -> dict[str, Any]:
    """Options for the session's in-process emulator; override in your conftest.py."""
    return {}


@pytest.fixture(scope="session")
def _imm_session(pytestconfig: pytest.Config, imm_emulator_config: dict[str, Any]) -> Iterator[Any]:
    endpoint = _option(pytestconfig, "imm_endpoint")
    key = _option(pytestconfig, "imm_access_key")
    if endpoint:
        from imm_emulator import RemoteEmulator

        parts = (key or "").split(":", 2)
        token = _option(pytestconfig, "imm_control_token")
        if key:
            credentials = (parts[0], parts[1], parts[2] if len(parts) > 2 else None)
        elif os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_ID"):
            credentials = (
                os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"],
                os.environ.get("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ""),
                os.environ.get("ALIBABA_CLOUD_SECURITY_TOKEN"),
            )
        else:
            credentials = ("test-access-key-id", "test-access-key-secret", None)
        remote = RemoteEmulator(endpoint, *credentials, control_token=token)
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        if remote.is_emulator and worker:
            # A key (so an account) of its own: the shared server keeps workers apart.
            access_key_id, secret = f"{worker}-{uuid.uuid4().hex[:12]}", uuid.uuid4().hex
            remote.register_key(access_key_id, secret)
            remote.use_key(access_key_id, secret)
        yield remote
        return
    from imm_emulator import Emulator

    config: dict[str, Any] = {"task_duration": "polls:2"}  # tasks end on their second read: no sleeps
    if _option(pytestconfig, "imm_auth"):
        config["auth"] = _option(pytestconfig, "imm_auth")
    if _option(pytestconfig, "imm_data_dir"):
        config["data_dir"] = _option(pytestconfig, "imm_data_dir")
    if key:
        config["access_keys"] = [key]
    config.update(imm_emulator_config)
    with Emulator(**config) as emu:
        yield emu


@pytest.fixture
def imm_emulator(_imm_session: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    emu = _imm_session
    if not emu.is_emulator:
        if request.node.get_closest_marker("imm_parity") is None:
            pytest.skip("needs imm-emulator: --imm-endpoint names another service (mark imm_parity tests)")
        yield emu
        return
    # One's own in-process emulator forgets everything; on a shared server, only this worker's account.
    remote = emu.shared
    emu.reset(emu.access_key_id if remote else None)
    if remote:  # as in-process: tasks end on their second read, whatever the server's --task-duration
        emu.set_task_policy("polls:2", access_key_id=emu.access_key_id)
    emu.set_test(request.node.nodeid, emu.access_key_id)
    for marker in request.node.iter_markers("imm_labels"):
        emu.set_labels(*marker.args, access_key_id=emu.access_key_id, **marker.kwargs)
    for marker in request.node.iter_markers("imm_task_policy"):
        emu.set_task_policy(*marker.args, access_key_id=emu.access_key_id, **marker.kwargs)
    for marker in request.node.iter_markers("imm_fault"):
        emu.faults.add(emu.access_key_id, **marker.kwargs)
    yield emu
    emu.set_test(None, emu.access_key_id)


@pytest.fixture
def imm_client(imm_emulator: Any) -> Any:
    return imm_emulator.client()


@pytest.fixture
def imm_async_client(imm_emulator: Any) -> Any:
    """The same real client: its ``*_async`` methods are what async code awaits."""
    return imm_emulator.client()


@pytest.fixture
def oss_client(imm_emulator: Any) -> Any:
    """A real ``alibabacloud_oss_v2`` client for the emulator's OSS (path-style, signature v4)."""
    return imm_emulator.oss_client()


@pytest.fixture
def mns_client(imm_emulator: Any) -> Any:
    """A real ``mns.account.Account`` (aliyun-mns-sdk) for the emulator's MNS queues and topics."""
    return imm_emulator.mns_account()


@pytest.fixture
def imm_project(imm_client: Any) -> Iterator[str]:
    """The name of a project created for this test (and deleted after it)."""
    from alibabacloud_imm20200930 import models

    name = f"test-{uuid.uuid4().hex[:12]}"
    imm_client.create_project(models.CreateProjectRequest(project_name=name))
    yield name
    try:
        imm_client.delete_project(models.DeleteProjectRequest(project_name=name))
    except Exception:  # the test may have deleted it, or reset the emulator
        pass


@pytest.fixture
def imm_clock(imm_emulator: Any) -> Any:
    """The emulated clock of this test's account: ``advance(s)``, ``set(when)``, ``freeze()``, ``now()``."""
    return imm_emulator.clock_for(imm_emulator.access_key_id)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo
) -> Generator[None, pluggy.Result[pytest.TestReport], None]:
    outcome = yield
    report = outcome.get_result()
    emu = getattr(item, "funcargs", {}).get("imm_emulator")
    if report.when != "call" or not report.failed or emu is None or not getattr(emu, "is_emulator", False):
        return
    try:
        entries = emu.requests.list(emu.access_key_id, test=item.nodeid)
    except Exception as exc:  # the report must not fail because the emulator is gone
        report.sections.append(("imm-emulator requests", f"(journal unavailable: {exc})"))
        return
    lines = [
        f"{e['seq']:>5} {e.get('action', '?'):<36} {e.get('status', '?')} {e.get('code') or ''} "
        f"{json.dumps(e.get('params', {}), ensure_ascii=False)[:200]}"
        for e in entries[-50:]
    ]
    report.sections.append(("imm-emulator requests", "\n".join(lines) or "(no IMM, OSS or MNS calls)"))
