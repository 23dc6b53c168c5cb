"""``imm-emulator serve`` as a user runs it: flags, environment twins, readiness line, clean shutdown."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import urllib.request

import pytest
from alibabacloud_imm20200930 import models as m

from imm_emulator import Emulator
from tests.helpers import raw_call, served


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_ready_line_health_and_clean_shutdown(sig: signal.Signals) -> None:
    with served() as (proc, url):
        assert url.startswith("http://127.0.0.1:")
        assert get_json(f"{url}/_emulator/health")["status"] == "ok"
        proc.send_signal(sig)
        assert proc.wait(timeout=10) == 0
        assert "imm-emulator stopped" in proc.stdout.read()


def test_flags_configure_keys_region_and_auth() -> None:
    with served(
        "--access-key", "AK1:SK1", "--access-key", "AK2:SK2@1234567890123456", "--region", "cn-beijing"
    ) as (
        _,
        url,
    ):
        address = url.removeprefix("http://")
        assert (
            raw_call(address, "CreateProject", {"ProjectName": "p"}, key=("AK1", "SK1"))["statusCode"] == 200
        )
        answer = raw_call(address, "ListProjects", {}, key=("AK2", "SK2"))
        assert answer["body"]["Projects"] == []  # another account
        health = get_json(f"{url}/_emulator/health")
        assert health["region"] == "cn-beijing"
        with pytest.raises(Exception) as caught:
            raw_call(address, "ListProjects", {}, key=("test-access-key-id", "test-access-key-secret"))
        assert caught.value.code == "InvalidAccessKeyId.NotFound"


def test_environment_twins() -> None:
    env = {
        "IMM_EMULATOR_AUTH": "off",
        "IMM_EMULATOR_REGION": "ap-southeast-1",
        "IMM_EMULATOR_ACCESS_KEYS": "A:B,C:D",
    }
    with served(env=env) as (_, url):
        health = get_json(f"{url}/_emulator/health")
        assert (health["auth"], health["region"]) == ("off", "ap-southeast-1")
        answer = raw_call(url.removeprefix("http://"), "CreateProject", {"ProjectName": "p"}, key=("x", "y"))
        assert answer["body"]["Project"]["CreateTime"].endswith("+08:00")


def test_flag_beats_environment() -> None:
    with served("--auth", "strict", env={"IMM_EMULATOR_AUTH": "off"}) as (_, url):
        assert get_json(f"{url}/_emulator/health")["auth"] == "strict"


def test_bad_flags_fail_fast() -> None:
    bad = subprocess.run(
        [sys.executable, "-m", "imm_emulator.cli", "serve", "--auth", "maybe"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert bad.returncode == 2 and "invalid choice" in bad.stderr
    bad_key = subprocess.run(
        [sys.executable, "-m", "imm_emulator.cli", "serve", "--access-key", "nocolon"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert bad_key.returncode == 2 and "AK:SECRET" in bad_key.stderr


def test_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "imm_emulator.cli", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    assert result.returncode == 1 and f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_python_handle_context_manager() -> None:
    with Emulator() as emu:
        assert emu.endpoint == f"http://127.0.0.1:{emu.port}"
        client = emu.client()
        client.create_project(m.CreateProjectRequest(project_name="p"))
        assert get_json(f"{emu.endpoint}/_emulator/health")["status"] == "ok"
        port = emu.port
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
        pass


def test_control_api_reset_and_clock(imm_emulator, imm_client) -> None:
    imm_client.create_project(m.CreateProjectRequest(project_name="p"))

    def post(path: str, body: dict) -> dict:
        request = urllib.request.Request(
            f"{imm_emulator.endpoint}{path}",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    assert (
        post("/_emulator/clock", {"set": "2030-01-01T00:00:00Z", "freeze": True})["now"]
        == "2030-01-01T00:00:00Z"
    )
    assert post("/_emulator/clock", {"advance": 1.5})["now"] == "2030-01-01T00:00:01.5Z"
    created = imm_client.create_project(m.CreateProjectRequest(project_name="q")).body.project.create_time
    assert created == "2030-01-01T08:00:01.5+08:00"
    state = post("/_emulator/clock", {"account": "other-access-key-id", "advance": 60})
    assert state["now"] == "2030-01-01T00:01:01.5Z" and state["account"] is not None
    assert get_json(f"{imm_emulator.endpoint}/_emulator/clock")["now"] == "2030-01-01T00:00:01.5Z"
    assert post("/_emulator/reset", {})["reset"] is True
    assert imm_client.list_projects(m.ListProjectsRequest()).body.projects == []
    assert get_json(f"{imm_emulator.endpoint}/_emulator/clock")["offset_seconds"] == 0
    with pytest.raises(urllib.error.HTTPError) as caught:
        post("/_emulator/clock", {"advance": "soon"})
    assert caught.value.code == 400 and json.loads(caught.value.read())["Code"] == "InvalidArgument"


def test_waitress_server_option() -> None:
    pytest.importorskip("waitress")
    import oss2

    with served("--server", "waitress") as (_, url):
        address = url.removeprefix("http://")
        assert raw_call(address, "CreateProject", {"ProjectName": "w"})["statusCode"] == 200
        bucket = oss2.Bucket(
            oss2.AuthV4("test-access-key-id", "test-access-key-secret"), url, "wbk", region="cn-hangzhou"
        )
        bucket.create_bucket()
        bucket.put_object("dir/a b+c.txt", b"hi")
        assert bucket.get_object("dir/a b+c.txt", byte_range=(1, 1)).read() == b"i"
        assert [o.key for o in oss2.ObjectIteratorV2(bucket)] == ["dir/a b+c.txt"]
