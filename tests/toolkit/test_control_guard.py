"""The control API on a developer's laptop: a web page they visit must not drive it (cross-site
writes, DNS rebinding), a key must not join another account, and the token compares exactly."""

from __future__ import annotations

import pytest
import requests
from alibabacloud_imm20200930 import models as m

from imm_emulator import Emulator, RemoteEmulator
from tests.helpers import DEFAULT_KEY


@pytest.fixture(scope="module")
def emu():
    with Emulator(allowed_hosts=["imm-emulator"]) as emu:
        yield emu


def call(emu, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, f"{emu.endpoint}/_emulator{path}", timeout=10, **kwargs)


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8089", "192.168.1.9", "localhost.evil.example"]
)
@pytest.mark.parametrize(("method", "path"), [("GET", "/requests"), ("GET", "/health"), ("POST", "/reset")])
def test_rebinding_hosts_are_refused(emu, host, method, path) -> None:
    answer = call(emu, method, path, headers={**JSON, "Host": host}, data="{}")
    assert (answer.status_code, answer.json()["Code"]) == (403, "Forbidden.Host")


@pytest.mark.parametrize(
    "host",
    ["localhost", "LOCALHOST:1", "app.localhost", "127.0.0.1", "127.1.2.3:9", "[::1]:8", "imm-emulator"],
)
def test_loopback_and_allowed_hosts_are_answered(emu, host) -> None:
    assert call(emu, "POST", "/reset", headers={**JSON, "Host": host}, data="{}").status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "text/plain"},  # what a page's fetch() or <form enctype=text/plain> sends
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "multipart/form-data; boundary=x"},
        {},  # no body, no type
        {**JSON, "Origin": "http://evil.example"},
        {**JSON, "Origin": "null"},  # a sandboxed frame or a file: page
        {**JSON, "Sec-Fetch-Site": "cross-site"},
    ],
)
def test_cross_site_writes_are_refused(emu, headers) -> None:
    emu.put_object("keep", "k", b"x")
    for method, path in (("POST", "/reset"), ("DELETE", "/requests"), ("PUT", "/labels")):
        answer = call(emu, method, path, headers=headers, data="{}" if headers else None)
        assert (answer.status_code, answer.json()["Code"]) == (403, "Forbidden.CrossSite"), (method, headers)
    assert emu.oss2_bucket("keep").get_object("k").read() == b"x"  # the reset did not happen


@pytest.mark.parametrize(
    "headers", [JSON, {"X-IMM-Emulator": "1"}, {**JSON, "Origin": "http://localhost:3000"}]
)
def test_same_site_writes_are_answered(emu, headers) -> None:
    assert call(emu, "POST", "/reset", headers=headers).status_code == 200


def test_a_key_cannot_join_an_existing_account_without_the_token(emu) -> None:
    victim = emu.runtime.auth.account_of(DEFAULT_KEY[0])
    emu.client().create_project(m.CreateProjectRequest(project_name="victims"))
    answer = call(emu, "POST", "/keys", json={"access_key_id": "evil", "secret": "s", "account_id": victim})
    assert (answer.status_code, answer.json()["Code"]) == (403, "Forbidden.Account")
    assert emu.runtime.auth.key("evil") is None
    # a key of its own (a new account), as the pytest plugin registers one per worker, still works
    own = call(emu, "POST", "/keys", json={"access_key_id": "worker-7", "secret": "s"}).json()
    assert own["registered"] and own["account"] != victim
    assert emu.client("worker-7", "s").list_projects(m.ListProjectsRequest()).body.projects in (None, [])
    remote = RemoteEmulator(emu.endpoint)
    assert remote.register_key("worker-8", "s2") != victim


def test_the_token_is_compared_exactly_and_lets_a_key_join() -> None:
    with Emulator(control_token="s3cret") as emu:
        account = emu.runtime.auth.account_of(DEFAULT_KEY[0])
        for wrong in ("s3cret", "Bearer s3cre", "Bearer s3cret ", "bearer s3cret", "Bearer s3cretX"):
            answer = call(emu, "GET", "/requests", headers={"Authorization": wrong})
            assert answer.status_code == 401, wrong
        good = {"Authorization": "Bearer s3cret"}
        assert call(emu, "GET", "/requests", headers=good).status_code == 200
        assert call(emu, "GET", "/requests", params={"token": "s3cret"}).status_code == 200
        joined = call(
            emu,
            "POST",
            "/keys",
            headers=good,
            json={"access_key_id": "ops", "secret": "s", "account_id": account},
        )
        assert joined.status_code == 200 and joined.json()["account"] == account
        assert call(emu, "GET", "/health").status_code == 200  # health stays open


def test_beyond_loopback_the_host_is_not_checked() -> None:
    with Emulator(host="0.0.0.0") as emu:
        answer = requests.get(
            f"http://127.0.0.1:{emu.port}/_emulator/health", headers={"Host": "imm:8089"}, timeout=10
        )
        assert answer.status_code == 200
