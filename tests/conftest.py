"""The project's own tests use its public pytest fixtures (imm_emulator, imm_client) with three keys:
the default one, a second account's, and an STS key that needs a security token."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import DEFAULT_KEY, OTHER_KEY, STS_KEY, raw_call


@pytest.fixture(scope="session")
def imm_emulator_config() -> dict[str, Any]:
    # Every answer of the project's own test run is held to the strict contract.
    return {
        "access_keys": [":".join(DEFAULT_KEY), ":".join(OTHER_KEY), ":".join(STS_KEY)],
        "validate_responses": True,
    }


@pytest.fixture
def call(imm_emulator):
    """``call("ListProjects", {"MaxResults": "x"})`` -> the SDK's answer dict, or it raises."""
    return lambda action, query=None, **kw: raw_call(imm_emulator.address, action, query or {}, **kw)
