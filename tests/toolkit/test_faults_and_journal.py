"""Fault injection (every kind, in-process and over HTTP, deterministic) and the bounded request journal."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException, ServerException, ThrottlingException
from darabonba.exceptions import UnretryableException

from imm_emulator import Emulator
from imm_emulator.faults import FaultRule
from tests.helpers import OTHER_KEY


def outcomes(client, n: int, project: str = "nope") -> list[str]:
    seen = []
    for _ in range(n):
        try:
            client.get_project(m.GetProjectRequest(project_name=project))
            seen.append("ok")
        except (ClientException, ServerException, ThrottlingException) as exc:
            seen.append(exc.code)
    return seen


def test_error_rule_times_and_then_gone(imm_emulator, imm_client) -> None:
    imm_emulator.faults.add(action="GetProject", code="ServiceUnavailable", message="try later", times=2)
    assert outcomes(imm_client, 3) == ["ServiceUnavailable", "ServiceUnavailable", "ResourceNotFound"]
    assert imm_emulator.faults.list() == []


def test_throttle_kind(imm_emulator, imm_client) -> None:
    imm_emulator.faults.add(action="GetProject", kind="throttle", retry_after=4)
    with pytest.raises(ThrottlingException) as caught:
        imm_client.get_project(m.GetProjectRequest(project_name="p"))
    assert (caught.value.code, caught.value.retry_after) == ("Throttling.User", 4)


def test_latency_kind_delays_then_answers(imm_emulator, imm_client) -> None:
    imm_emulator.faults.add(action="ListProjects", kind="latency", latency_ms=300)
    started = time.perf_counter()
    assert imm_client.list_projects(m.ListProjectsRequest()).status_code == 200
    assert time.perf_counter() - started >= 0.3
    journal = imm_emulator.requests.list(action="ListProjects")
    assert journal[-1]["fault"]["kind"] == "latency" and journal[-1]["latency_ms"] >= 300


def test_drop_kind_closes_the_connection(imm_emulator, imm_client) -> None:
    imm_emulator.faults.add(action="ListProjects", kind="drop")
    with pytest.raises(UnretryableException):
        imm_client.list_projects(m.ListProjectsRequest())
    assert imm_client.list_projects(m.ListProjectsRequest()).status_code == 200
    assert imm_emulator.requests.list(action="ListProjects")[0]["code"] == "ConnectionDropped"


def test_drop_kind_on_the_waitress_server() -> None:
    pytest.importorskip("waitress")
    with Emulator(server="waitress") as emu:
        emu.faults.add(action="ListProjects", kind="drop")
        client = emu.client()
        with pytest.raises(UnretryableException):
            client.list_projects(m.ListProjectsRequest())
        assert client.list_projects(m.ListProjectsRequest()).status_code == 200


def test_probability_with_a_seed_repeats_exactly() -> None:
    runs = []
    for _ in range(2):
        with Emulator() as emu:
            emu.faults.add(action="GetProject", code="InternalError", probability=0.5, seed=7, times=None)
            runs.append(outcomes(emu.client(), 20))
    assert runs[0] == runs[1]
    assert 3 < runs[0].count("InternalError") < 17


def test_filters_by_project(imm_emulator, imm_client) -> None:
    imm_emulator.faults.add(action="*", project="flaky", code="InternalError", times=None)
    assert outcomes(imm_client, 1, project="flaky") == ["InternalError"]
    assert outcomes(imm_client, 1, project="stable") == ["ResourceNotFound"]


def test_faults_over_http_match_in_process(imm_emulator, imm_client) -> None:
    body = json.dumps({"action": "GetProject", "code": "Forbidden.RAM", "times": 1}).encode()
    request = urllib.request.Request(
        f"{imm_emulator.endpoint}/_emulator/faults",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    rules = json.load(urllib.request.urlopen(request))["faults"]
    assert rules[0]["code"] == "Forbidden.RAM" and rules[0]["kind"] == "error"
    assert outcomes(imm_client, 2) == ["Forbidden.RAM", "ResourceNotFound"]
    bad = urllib.request.Request(
        f"{imm_emulator.endpoint}/_emulator/faults",
        data=b'{"kind": "meteor"}',
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(bad)
    assert caught.value.code == 400 and b"at ['kind']: 'meteor' is not one of" in caught.value.read()


def test_rules_are_per_account(imm_emulator, imm_client) -> None:
    imm_emulator.faults.add(OTHER_KEY[0], action="*", code="InternalError", times=None)
    assert outcomes(imm_client, 1) == ["ResourceNotFound"]
    assert outcomes(imm_emulator.client(*OTHER_KEY), 1) == ["InternalError"]


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "nope"},
        {"times": 0},
        {"probability": 2},
        {"status": 200},
        {"latency_ms": -1},
        {"retry_after": 0},
    ],
)
def test_invalid_rules_are_refused(bad: dict) -> None:
    with pytest.raises(ValueError):
        FaultRule(**bad)


def test_journal_records_calls_with_masked_secrets(imm_emulator, imm_client) -> None:
    imm_client.create_project(m.CreateProjectRequest(project_name="j"))
    outcomes(imm_client, 1, "missing")
    v2 = imm_emulator.client(signature_algorithm="v2")
    v2.get_project(m.GetProjectRequest(project_name="j"))
    entries = imm_emulator.requests.list()
    assert [e["action"] for e in entries] == ["CreateProject", "GetProject", "GetProject"]
    created, missing, legacy = entries
    assert created["status"] == 200 and created["params"]["ProjectName"] == "j" and created["verified"]
    assert created["signature"] == "ACS3-HMAC-SHA256" and created["account"] == imm_emulator.account()
    assert (missing["status"], missing["code"]) == (404, "ResourceNotFound")
    assert legacy["params"]["Signature"] == "***" and legacy["signature"] == "HMAC-SHA1"
    assert imm_emulator.requests.list(status=404) == [missing]
    assert imm_emulator.requests.list(since=created["seq"], limit=1) == [legacy]


def test_journal_never_grows_past_its_bound() -> None:
    with Emulator(journal_size=5) as emu:
        client = emu.client()
        for _ in range(12):
            client.list_projects(m.ListProjectsRequest())
        entries = emu.requests.list()
        assert len(entries) == 5 and entries[-1]["seq"] == 12
        emu.put_object("j-bucket", "k", b"v")
        emu.oss2_bucket("j-bucket").get_object("k").read()
        assert emu.requests.list()[-1]["action"] == "GetObject"
        assert len(emu.requests) == 5


def test_journal_over_http(imm_emulator, imm_client) -> None:
    outcomes(imm_client, 2)
    with urllib.request.urlopen(f"{imm_emulator.endpoint}/_emulator/requests?action=GetProject") as response:
        found = json.load(response)
    assert len(found["requests"]) == 2 and found["size"] == 1000
    urllib.request.urlopen(
        urllib.request.Request(
            f"{imm_emulator.endpoint}/_emulator/requests", method="DELETE", headers={"X-IMM-Emulator": "1"}
        )
    )
    assert imm_emulator.requests.list() == []
