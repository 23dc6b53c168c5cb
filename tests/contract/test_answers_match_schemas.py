"""Every answer the emulator gives for the project operations, and its error envelope, validates
against the committed schemas; the schemas are what tools/gen_schemas.py generates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from imm_emulator.protocol import schemas

ROOT = Path(__file__).resolve().parents[2]
METADATA = ROOT.parent / "shared" / "reference" / "imm-2020-09-30-api-docs.json"


def assert_valid(name: str, payload: dict) -> None:
    errors = sorted(schemas.validator(name).iter_errors(payload), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


def test_every_schema_is_a_valid_draft_2020_12_schema() -> None:
    names = [p.stem for p in (ROOT / "schemas").glob("*.json")]
    assert len(names) == 21
    for name in names:
        Draft202012Validator.check_schema(schemas.load(name))


def test_project_answers_validate(call) -> None:
    answers = {
        "CreateProject": call("CreateProject", {"ProjectName": "p", "Tag": '[{"Key":"k","Value":"v"}]'}),
        "GetProject": call("GetProject", {"ProjectName": "p", "WithStatistics": "true"}),
        "UpdateProject": call("UpdateProject", {"ProjectName": "p", "Description": "d"}),
    }
    call("CreateProject", {"ProjectName": "q"})
    answers["ListProjects"] = call("ListProjects", {"MaxResults": "1"})
    answers["DeleteProject"] = call("DeleteProject", {"ProjectName": "p"})
    for action, answer in answers.items():
        assert_valid(f"{action}.response", answer["body"])


def test_error_envelope_validates(call) -> None:
    with pytest.raises(Exception) as caught:
        call("GetProject", {"ProjectName": "nope"})
    envelope = {k: v for k, v in caught.value.data.items() if k != "statusCode"}
    assert_valid("error", envelope)
    with pytest.raises(AssertionError):
        assert_valid("error", {**envelope, "Code": 5})


@pytest.mark.skipif(not METADATA.exists(), reason="the IMM API metadata is not beside this checkout")
def test_committed_schemas_match_the_generator() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_schemas.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
