"""The project's own tests use its public pytest fixtures (imm_emulator, imm_client) with three keys:
the default one, a second account's, and an STS key that needs a security token.

Store-facing tests (those under STORE_FACING) run over both Store backends, as fake-gcs-server runs every
test over every backend: once with state in memory, once in SQLite under a data directory. Tests there
that start an emulator of their own take its backend from the ``backend`` fixture.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers import DEFAULT_KEY, OTHER_KEY, STS_KEY, raw_call

BACKENDS = ("memory", "sqlite")
STORE_FACING = ("tasks", "oss", "sdk", "labels")  # folders of tests/
# Suites kept out of the default run (the inner loop, under 90 s on 2 cores) and selected by .ci/run:
# they start processes (pytest, pip, npm, node, servers) or load the emulator; path -> marker.
EXTENDED = {
    "toolkit/test_pytest_plugin.py": "extended",
    "toolkit/test_example_project.py": "extended",
    "property/": "extended",
    "node/": "extended",
    "mns/test_node_client.py": "extended",
    "cli/test_tls.py": "extended",
    "cli/test_tls_fixtures.py": "extended",
    "cli/test_serve.py": "extended",
    "tasks/test_backends.py": "extended",
    "durability/test_concurrency.py": "hostile",
    "durability/test_slow_clients.py": "hostile",
}
TESTS = Path(__file__).parent


def store_facing(path: Path) -> bool:
    return path.is_relative_to(TESTS) and path.relative_to(TESTS).parts[0] in STORE_FACING


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    root = Path(__file__).parent
    for item in items:
        relative = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        for prefix, marker in EXTENDED.items():
            if relative.startswith(prefix):
                item.add_marker(marker)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    backends = BACKENDS if store_facing(metafunc.definition.path) else BACKENDS[:1]
    uses = [name for name in ("imm_emulator_config", "backend") if name in metafunc.fixturenames]
    assert len(uses) < 2 or not store_facing(metafunc.definition.path), (
        f"{metafunc.definition.nodeid}: the session emulator or one's own, not both (they would cross)"
    )
    for name in uses:
        scope = "session" if name == "imm_emulator_config" else "function"
        metafunc.parametrize(name, backends, indirect=True, scope=scope)  # type: ignore[arg-type]


def backend_config(backend: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The emulator options that put its state in ``backend``."""
    return {"data_dir": str(tmp_path_factory.mktemp("state"))} if backend == "sqlite" else {}


@pytest.fixture(scope="session")
def imm_emulator_config(request: pytest.FixtureRequest, tmp_path_factory) -> dict[str, Any]:
    # Every answer of the project's own test run is held to the strict contract.
    return {
        "access_keys": [":".join(DEFAULT_KEY), ":".join(OTHER_KEY), ":".join(STS_KEY)],
        "validate_responses": True,
        **backend_config(getattr(request, "param", "memory"), tmp_path_factory),
    }


@pytest.fixture
def backend(request: pytest.FixtureRequest, tmp_path_factory) -> dict[str, Any]:
    """Options for an emulator a test starts itself: its state in the backend of this run."""
    return backend_config(request.param, tmp_path_factory)


@pytest.fixture
def call(imm_emulator):
    """``call("ListProjects", {"MaxResults": "x"})`` -> the SDK's answer dict, or it raises."""
    return lambda action, query=None, **kw: raw_call(imm_emulator.address, action, query or {}, **kw)
