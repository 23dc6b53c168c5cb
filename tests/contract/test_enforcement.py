"""The emulator holds itself to the contract: requests generated from the request schemas get answers
that validate strictly; invalid requests get 4xx IMM errors, never 5xx; and a wrong answer is caught."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.exceptions import ServerException
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from imm_emulator.config import EmulatorConfig
from imm_emulator.contract import validate
from imm_emulator.protocol import schemas
from imm_emulator.runtime import Runtime
from imm_emulator.web.app import create_app


def wire(params: dict) -> dict[str, str]:
    """Typed parameters as an SDK puts them on the wire."""
    out = {}
    for name, value in params.items():
        if isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, (dict, list)):
            out[name] = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        else:
            out[name] = str(value)
    return out


@pytest.fixture(scope="module")
def client():
    runtime = Runtime(EmulatorConfig(auth="off", validate_responses=True, task_duration="instant"))
    app = create_app(runtime=runtime)
    with app.test_client() as c:
        for name in ("p", "test-project", "_x"):
            c.post(
                "/?" + urlencode({"Action": "CreateProject", "Version": "2020-09-30", "ProjectName": name})
            )
        yield c
    runtime.close()


def call(client, action: str, params: dict):
    query = urlencode({"Action": action, "Version": "2020-09-30", **wire(params)})
    response = client.post("/?" + query)
    return response.status_code, response.get_json()


def request_strategy(operation: str):
    schema = dict(schemas.load(f"{operation}.request"))
    schema.pop("$id", None)
    # Values must survive the query string: text without surrogates or NUL.
    return from_schema(schema).filter(lambda p: "\x00" not in json.dumps(p, ensure_ascii=False))


@pytest.mark.parametrize("operation", schemas.operations())
def test_generated_valid_requests_get_contract_answers(client, operation: str) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(params=request_strategy(operation))
    def run(params: dict) -> None:
        status, body = call(client, operation, params)
        assert status < 500, body
        if status == 200:
            assert validate(operation, body, strict=True) == []
        else:
            assert validate("error", body, strict=True) == []

    run()


@pytest.mark.parametrize("operation", schemas.operations())
def test_invalid_requests_get_4xx(client, operation: str) -> None:
    schema = schemas.load(f"{operation}.request")

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        name=st.sampled_from(sorted(schema["properties"])),
        junk=st.sampled_from(["", "{", "[", "not-a-number", "9" * 30, "nope", '{"a":', "-1"]),
    )
    def run(name: str, junk: str) -> None:
        params = {key: "p" for key in schema.get("required", [])}
        params[name] = junk
        query = urlencode({"Action": operation, "Version": "2020-09-30", **params})
        response = client.post("/?" + query)
        assert response.status_code < 500, response.get_data(as_text=True)

    run()


def test_a_wrong_answer_fails_with_its_json_path(imm_emulator, imm_client, monkeypatch) -> None:
    handlers = imm_emulator.runtime.services.handlers
    honest = handlers["GetProject"]

    def broken(ctx, params):
        answer = honest(ctx, params)
        answer["Project"]["DatasetCount"] = "zero"
        return answer

    imm_client.create_project(m.CreateProjectRequest(project_name="p"))
    monkeypatch.setitem(handlers, "GetProject", broken)
    with pytest.raises(ServerException) as caught:
        imm_client.get_project(m.GetProjectRequest(project_name="p"))
    assert caught.value.code == "InternalError"
    assert "$.Project.DatasetCount: 'zero' is not of type 'integer'" in caught.value.data["Message"]
