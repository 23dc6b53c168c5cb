"""pytest fixtures for imm-emulator, loaded automatically through the ``pytest11`` entry point.

- ``imm_emulator``: the running emulator's handle, state reset before every test (one server per session).
- ``imm_client``: a real ``alibabacloud_imm20200930`` client pointed at it.
- ``oss_client``: a real ``alibabacloud_oss_v2`` client for the emulator's OSS.
- ``imm_emulator_config``: override this session fixture to pass ``Emulator(**config)`` options.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def imm_emulator_config() -> dict[str, Any]:
    """Options for the session's emulator; override in your conftest.py."""
    return {}


@pytest.fixture(scope="session")
def _imm_emulator_session(imm_emulator_config: dict[str, Any]) -> Iterator[Any]:
    from imm_emulator import Emulator

    # Tasks end on their second read by default, so a test sees Running, then Succeeded, and never sleeps.
    with Emulator(**{"task_duration": "polls:2", **imm_emulator_config}) as emu:
        yield emu


@pytest.fixture
def imm_emulator(_imm_emulator_session: Any) -> Any:
    _imm_emulator_session.reset()
    return _imm_emulator_session


@pytest.fixture
def imm_client(imm_emulator: Any) -> Any:
    return imm_emulator.client()


@pytest.fixture
def oss_client(imm_emulator: Any) -> Any:
    """A real ``alibabacloud_oss_v2`` client for the emulator's OSS (path-style, signature v4)."""
    return imm_emulator.oss_client()
