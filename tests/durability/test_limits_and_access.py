"""Limits answer with IMM or OSS errors, never unbounded work; --control-token guards the control API."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from urllib.error import HTTPError

import pytest
from alibabacloud_imm20200930 import models as m

from imm_emulator import Emulator, RemoteEmulator
from tests.helpers import raw_call, served


def test_control_token_guards_everything_but_health() -> None:
    with served("--control-token", "s3cret") as (_, url):
        assert json.load(urllib.request.urlopen(f"{url}/_emulator/health"))["status"] == "ok"
        for path in ("/_emulator/clock", "/_emulator/requests", "/_emulator/ui"):
            with pytest.raises(HTTPError) as caught:
                urllib.request.urlopen(f"{url}{path}")
            assert caught.value.code == 401
            assert json.loads(caught.value.read())["Code"] == "Forbidden.ControlToken"
        wrong = urllib.request.Request(f"{url}/_emulator/clock", headers={"Authorization": "Bearer nope"})
        with pytest.raises(HTTPError):
            urllib.request.urlopen(wrong)
        remote = RemoteEmulator(url, control_token="s3cret")
        remote.clock.advance(5)
        assert remote.requests.list() == []
        assert (
            raw_call(url.removeprefix("http://"), "ListProjects", {})["statusCode"] == 200
        )  # IMM unaffected


def test_listening_beyond_loopback_without_protection_warns() -> None:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "imm_emulator.cli",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            "0",
            "--auth",
            "off",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert "ready on" in line
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "warning: listening on 0.0.0.0" in err and "auth off" in err


def test_oversized_rpc_body_and_parameters() -> None:
    with Emulator(auth="off") as emu:
        big = urllib.request.Request(
            f"{emu.endpoint}/?Action=ListProjects&Version=2020-09-30",
            method="POST",
            data=b"x" * (2 << 20),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        with pytest.raises(HTTPError) as caught:
            urllib.request.urlopen(big)
        assert caught.value.code == 413 and json.loads(caught.value.read())["Code"] == "InvalidArgument"
        many = "&".join(f"p{i}=1" for i in range(600))
        with pytest.raises(HTTPError) as caught:
            urllib.request.urlopen(
                urllib.request.Request(
                    f"{emu.endpoint}/?Action=ListProjects&Version=2020-09-30&{many}", method="POST"
                )
            )
        assert json.loads(caught.value.read())["Code"] == "InvalidArgument"
        client = emu.client("any", "key")
        client.create_project(m.CreateProjectRequest(project_name="p"))
        with pytest.raises(Exception) as caught:
            client.create_video_label_classification_task(
                m.CreateVideoLabelClassificationTaskRequest(
                    project_name="p", source_uri="oss://b/" + "k" * 3000
                )
            )
        assert caught.value.code == "InvalidArgument"


def test_a_refused_body_still_being_sent_gets_its_answer() -> None:
    """The 413 for a body over 1 MiB is answered before the body is read; the server then keeps
    reading (and dropping) what arrives before it closes, so a client that sends on gets to read the
    413 instead of a reset connection."""
    with Emulator(auth="off") as emu, socket.create_connection(("127.0.0.1", emu.port), timeout=10) as conn:
        size = 8 << 20
        conn.sendall(
            b"POST /?Action=ListProjects&Version=2020-09-30 HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % size
        )
        time.sleep(0.3)  # the server answers and closes meanwhile
        conn.sendall(b"x" * size)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 413") and b'"Code":"InvalidArgument"' in answer


def test_override_size_is_bounded() -> None:
    with Emulator() as emu, pytest.raises(Exception) as caught:
        emu.set_labels("oss://b/*", ["天空"] * 1001)
    assert "at most 1000" in str(caught.value)
