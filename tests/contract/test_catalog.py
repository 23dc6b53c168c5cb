"""One catalogue of IMM operations: it, the handlers and the schemas agree; the README's table is the
generated one; a real operation that is not emulated says so, a misspelt one is not found."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

from imm_emulator.imm import catalog
from imm_emulator.imm.handlers import HANDLERS
from imm_emulator.protocol import schemas
from tests.helpers import raw_call

ROOT = Path(__file__).resolve().parents[2]


def test_the_catalogue_the_handlers_and_the_schemas_agree() -> None:
    operations = catalog.operations()
    assert len(operations) == 100 and "CreateMediaConvertTask" in operations
    assert sorted(name for name, op in operations.items() if op.emulated) == sorted(catalog.EMULATED)
    assert sorted(HANDLERS) == sorted(catalog.EMULATED)
    assert sorted(schemas.operations()) == sorted(catalog.EMULATED)
    catalog.check(HANDLERS)


def test_the_app_refuses_to_start_when_they_disagree() -> None:
    missing = {name: h for name, h in HANDLERS.items() if name != "GetTask"}
    with pytest.raises(RuntimeError, match="GetTask has no handler"):
        catalog.check(missing)
    with pytest.raises(RuntimeError, match="CreateMediaConvertTask has a handler but is not in EMULATED"):
        catalog.check({**HANDLERS, "CreateMediaConvertTask": HANDLERS["GetTask"]})


def test_the_readme_table_is_the_generated_one() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_support_matrix.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "| CreateMediaConvertTask | 创建媒体转码任务 | not emulated |" in readme


def test_a_real_operation_not_emulated_says_so_through_the_sdk(imm_emulator, imm_client) -> None:
    with pytest.raises(ClientException) as caught:
        imm_client.create_media_convert_task(
            m.CreateMediaConvertTaskRequest(
                project_name="p",
                sources=[m.CreateMediaConvertTaskRequestSources(uri="oss://b/in.mp4")],
                targets=[m.CreateMediaConvertTaskRequestTargets(uri="oss://b/out.mp4")],
            )
        )
    error = caught.value
    assert (error.code, error.status_code) == ("OperationNotEmulated", 400)
    assert "CreateMediaConvertTask is a real IMM 2020-09-30 operation that imm-emulator does not emulate" in (
        error.message
    )


def test_a_misspelt_action_is_still_not_found(imm_emulator) -> None:
    with pytest.raises(ClientException) as caught:
        raw_call(imm_emulator.address, "CreateMediaConvertTasks", {"ProjectName": "p"})
    assert (caught.value.code, caught.value.status_code) == ("InvalidApi.NotFound", 404)
