"""Every protocol and authentication error, as the real clients see it (exception class, code, status)."""

from __future__ import annotations

import json
import urllib.request
from urllib.error import HTTPError

import pytest
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi import utils as tea_utils
from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkcore.utils import parameter_helper
from aliyunsdkimm.request.v20200930.GetProjectRequest import GetProjectRequest
from freezegun import freeze_time

from imm_emulator import Emulator
from tests.helpers import DEFAULT_KEY, STS_KEY, raw_call, served, served_args


def raises(code: str, status: int, call, exc_type=ClientException):
    with pytest.raises(exc_type) as caught:
        call()
    assert (caught.value.code, caught.value.status_code) == (code, status), caught.value.data
    return caught.value


def test_unknown_action(call) -> None:
    error = raises("InvalidApi.NotFound", 404, lambda: call("DescribeNothing"))
    assert "CreateProject" in error.data["Message"]


def test_wrong_version(call) -> None:
    raises("InvalidVersion", 400, lambda: call("GetProject", {"ProjectName": "p"}, version="2017-09-06"))


def test_missing_parameter(imm_client) -> None:
    error = raises("MissingProjectName", 400, lambda: imm_client.create_project(m.CreateProjectRequest()))
    assert error.data["Message"] == "ProjectName is mandatory for this action."


def test_malformed_parameters(call) -> None:
    raises("InvalidMaxResults", 400, lambda: call("ListProjects", {"MaxResults": "abc"}))
    raises(
        "InvalidWithStatistics", 400, lambda: call("GetProject", {"ProjectName": "p", "WithStatistics": "2"})
    )
    raises("InvalidJSON", 400, lambda: call("CreateProject", {"ProjectName": "p", "Tag": "[{"}))
    raises("InvalidArgument", 400, lambda: call("CreateProject", {"ProjectName": "bad name"}))
    raises(
        "InvalidArgument",
        400,
        lambda: call("CreateProject", {"ProjectName": "p", "DatasetMaxBindCount": "0"}),
    )
    raises("InvalidArgument", 400, lambda: call("ListProjects", {"MaxResults": "500"}))


def test_booleans_are_case_insensitive(call) -> None:
    call("CreateProject", {"ProjectName": "p"})
    for text in ("true", "True", "TRUE", "false", "False"):
        assert call("GetProject", {"ProjectName": "p", "WithStatistics": text})["statusCode"] == 200


def test_unknown_access_key(imm_emulator) -> None:
    client = imm_emulator.client("nobody", "secret")
    error = raises("InvalidAccessKeyId.NotFound", 404, lambda: client.list_projects(m.ListProjectsRequest()))
    assert "nobody" in error.data["Message"]


def test_wrong_secret_tells_the_string_to_sign(imm_emulator) -> None:
    client = imm_emulator.client(DEFAULT_KEY[0], "wrong-secret")
    error = raises(
        "SignatureDoesNotMatch", 400, lambda: client.list_projects(m.ListProjectsRequest(prefix="a b"))
    )
    message = error.data["Message"]
    assert "server string to sign is:ACS3-HMAC-SHA256\n" in message
    assert "canonical request is:POST\n/\nPrefix=a%20b\n" in message
    v2 = imm_emulator.client(DEFAULT_KEY[0], "wrong-secret", signature_algorithm="v2")
    error = raises("SignatureDoesNotMatch", 400, lambda: v2.list_projects(m.ListProjectsRequest()))
    assert (
        "server string to sign is:POST&%2F&AccessKeyId%3Dtest-access-key-id%26Action%3DListProjects"
        in (error.data["Message"])
    )


def test_legacy_client_wrong_secret(imm_emulator) -> None:
    client = AcsClient(DEFAULT_KEY[0], "wrong", "cn-hangzhou")
    request = GetProjectRequest()
    request.set_endpoint(imm_emulator.address)
    request.set_ProjectName("p")
    with pytest.raises(ServerException) as caught:
        client.do_action_with_exception(request)
    # The legacy client turns a 400 SignatureDoesNotMatch whose "server string to sign is:" equals its own
    # string-to-sign into InvalidAccessKeySecret: proof that both computed the same string.
    assert caught.value.get_error_code() == "InvalidAccessKeySecret"
    assert caught.value.get_http_status() == 400


def test_stale_timestamp_is_expired_against_a_server_in_another_process() -> None:
    with served() as (_, url), freeze_time("2024-01-01T00:00:00Z"):
        address = url.removeprefix("http://")
        error = raises("InvalidTimeStamp.Expired", 400, lambda: raw_call(address, "ListProjects", {}))
        assert "2024-01-01T00:00:00Z" in error.data["Message"]
        v2 = lambda: raw_call(address, "ListProjects", {}, signature_algorithm="v2")  # noqa: E731
        raises("InvalidTimeStamp.Expired", 400, v2)


@pytest.mark.parametrize("skew", [-14 * 60, 880])  # the window is symmetric
def test_fourteen_minutes_of_skew_is_accepted(skew: int) -> None:
    with served() as (_, url):
        address = url.removeprefix("http://")
        with freeze_time(tick=True) as frozen:
            frozen.move_to(__import__("datetime").datetime.now(__import__("datetime").timezone.utc))
            frozen.tick(skew)
            assert raw_call(address, "ListProjects", {})["statusCode"] == 200


def test_advancing_the_emulated_clock_does_not_break_signatures(imm_emulator, imm_client) -> None:
    imm_emulator.clock.advance(7 * 86400 + 1)
    project = imm_client.create_project(m.CreateProjectRequest(project_name="later")).body.project
    assert project.create_time > "2026-11-28"  # seven days after this session's date, at least


def test_clock_api_advance_against_a_server_process(backend) -> None:
    with served(*served_args(backend)) as (_, url):
        address = url.removeprefix("http://")
        request = urllib.request.Request(
            f"{url}/_emulator/clock",
            data=json.dumps({"advance": 8 * 86400}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        state = json.load(urllib.request.urlopen(request))
        assert state["offset_seconds"] == 8 * 86400
        assert raw_call(address, "CreateProject", {"ProjectName": "p"})["statusCode"] == 200


def test_in_process_freezegun_moves_client_and_emulator_together(imm_client) -> None:
    with freeze_time("2020-02-02T02:02:02Z"):
        project = imm_client.create_project(m.CreateProjectRequest(project_name="frozen")).body.project
    assert project.create_time == "2020-02-02T10:02:02+08:00"


def test_reused_nonce(imm_emulator, imm_client, monkeypatch) -> None:
    monkeypatch.setattr(tea_utils.Utils, "get_nonce", staticmethod(lambda: "fixed-nonce-0000"))
    imm_client.list_projects(m.ListProjectsRequest())
    raises("SignatureNonceUsed", 400, lambda: imm_client.list_projects(m.ListProjectsRequest()))
    monkeypatch.setattr(tea_utils.Utils, "get_nonce", staticmethod(lambda: "fixed-nonce-1111"))
    v2 = imm_emulator.client(signature_algorithm="v2")
    v2.list_projects(m.ListProjectsRequest())
    raises("SignatureNonceUsed", 400, lambda: v2.list_projects(m.ListProjectsRequest()))


def test_a_nonce_stays_used_across_a_restart_with_a_data_dir(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(parameter_helper, "get_uuid", lambda: "restart-nonce")
    request = GetProjectRequest()
    request.set_ProjectName("p")
    for attempt in ("first", "replay"):
        with served("--data-dir", str(tmp_path)) as (_, url):
            request.set_endpoint(url.removeprefix("http://"))
            with pytest.raises(ServerException) as answer:
                AcsClient(*DEFAULT_KEY, "cn-hangzhou").do_action_with_exception(request)
        expected = "ResourceNotFound" if attempt == "first" else "SignatureNonceUsed"
        assert answer.value.get_error_code() == expected


def test_reused_nonce_legacy_client(imm_emulator, monkeypatch) -> None:
    monkeypatch.setattr(parameter_helper, "get_uuid", lambda: "fixed-legacy-nonce")
    client = AcsClient(*DEFAULT_KEY, "cn-hangzhou")
    request = GetProjectRequest()
    request.set_endpoint(imm_emulator.address)
    request.set_ProjectName("p")
    with pytest.raises(ServerException) as first:
        client.do_action_with_exception(request)
    assert first.value.get_error_code() == "ResourceNotFound"
    with pytest.raises(ServerException) as second:
        client.do_action_with_exception(request)
    assert second.value.get_error_code() == "SignatureNonceUsed"


def test_sts_key_needs_its_security_token(imm_emulator) -> None:
    ak, secret, token = STS_KEY
    for algorithm in ("ACS3-HMAC-SHA256", "v2"):
        good = imm_emulator.client(ak, secret, security_token=token, signature_algorithm=algorithm)
        assert good.list_projects(m.ListProjectsRequest()).status_code == 200
        wrong = imm_emulator.client(ak, secret, security_token="stolen", signature_algorithm=algorithm)
        raises(
            "InvalidSecurityToken.MismatchWithAccessKey",
            400,
            lambda wrong=wrong: wrong.list_projects(m.ListProjectsRequest()),
        )
        bare = imm_emulator.client(ak, secret, signature_algorithm=algorithm)
        raises("MissingSecurityToken", 400, lambda bare=bare: bare.list_projects(m.ListProjectsRequest()))


def test_throttling_answers_carry_retry_after(imm_emulator, imm_client) -> None:
    imm_emulator.faults.add(action="GetProject", code="Throttling.User", times=2, retry_after=3)
    for _ in range(2):
        error = raises(
            "Throttling.User",
            400,
            lambda: imm_client.get_project(m.GetProjectRequest(project_name="p")),
            ThrottlingException,
        )
        assert error.retry_after == 3
    raises("ResourceNotFound", 404, lambda: imm_client.get_project(m.GetProjectRequest(project_name="p")))


def test_faults_are_scoped_to_an_account(imm_emulator, imm_client) -> None:
    from tests.helpers import OTHER_KEY

    imm_emulator.faults.add(OTHER_KEY[0], action="*", code="ServiceUnavailable", times=None)
    assert imm_client.list_projects(m.ListProjectsRequest()).status_code == 200
    other = imm_emulator.client(*OTHER_KEY)
    from alibabacloud_tea_openapi.exceptions import ServerException as TeaServerException

    raises(
        "ServiceUnavailable", 503, lambda: other.list_projects(m.ListProjectsRequest()), TeaServerException
    )
    imm_emulator.faults.clear(OTHER_KEY[0])
    assert other.list_projects(m.ListProjectsRequest()).status_code == 200


def test_unsigned_request_in_strict_mode_is_refused(imm_emulator) -> None:
    request = urllib.request.Request(
        f"{imm_emulator.endpoint}/?Action=ListProjects&Version=2020-09-30", method="POST"
    )
    with pytest.raises(HTTPError) as caught:
        urllib.request.urlopen(request)
    body = json.loads(caught.value.read())
    assert caught.value.code == 400 and body["Code"] == "MissingAccessKeyId"
    assert caught.value.headers["x-acs-request-id"] == body["RequestId"]


@pytest.mark.parametrize(
    ("authorization", "code"),
    [
        ("ACS3-HMAC-SHA256 Credential=test-access-key-id", "IncompleteSignature"),
        (
            "ACS3-RSA-SHA256 Credential=test-access-key-id,SignedHeaders=host,Signature=00",
            "InvalidSignatureMethod",
        ),
        (
            "ACS3-HMAC-SM3 Credential=test-access-key-id,SignedHeaders=host,Signature=00",
            "IncompleteSignature",
        ),
        (
            "ACS3-HMAC-SHA256 Credential=test-access-key-id,SignedHeaders=host,Signature=00",
            "IncompleteSignature",
        ),
    ],
)
def test_malformed_acs3_headers(imm_emulator, authorization: str, code: str) -> None:
    request = urllib.request.Request(
        f"{imm_emulator.endpoint}/",
        method="POST",
        headers={
            "Authorization": authorization,
            "x-acs-action": "ListProjects",
            "x-acs-version": "2020-09-30",
        },
    )
    with pytest.raises(HTTPError) as caught:
        urllib.request.urlopen(request)
    assert json.loads(caught.value.read())["Code"] == code


def test_auth_off_accepts_anything_and_still_separates_accounts(backend) -> None:
    with Emulator(auth="off", **backend) as emu:
        first = emu.client("anyone", "anything")
        first.create_project(m.CreateProjectRequest(project_name="p"))
        assert [p.project_name for p in first.list_projects(m.ListProjectsRequest()).body.projects] == ["p"]
        second = emu.client("someone-else", "x")
        assert second.list_projects(m.ListProjectsRequest()).body.projects == []
        anonymous = urllib.request.urlopen(
            urllib.request.Request(f"{emu.endpoint}/?Action=ListProjects&Version=2020-09-30", method="POST")
        )
        assert json.load(anonymous)["Projects"] == []
