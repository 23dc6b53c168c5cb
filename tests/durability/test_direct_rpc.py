"""The default server answers plain IMM RPC calls without WSGI (``imm_rpc.direct_rpc``): SDK calls take
that lane, and every request gets the answer the WSGI path gives it, byte for byte but for the request
id and the time (differential: the same requests to an emulator whose lane is closed)."""

from __future__ import annotations

import json
import socket

import pytest
import requests
from alibabacloud_imm20200930 import models as m

from imm_emulator import Emulator
from imm_emulator.web import keepalive, server

FORM = b"Content-Type: application/x-www-form-urlencoded\r\n"
LIST = b"GET /?Action=ListProjects&Version=2020-09-30 HTTP/1.1\r\nHost: x\r\n"
CREATE = b"Action=CreateProject&Version=2020-09-30&ProjectName=p%2Dq"
REQUESTS = {
    "form body": b"POST / HTTP/1.1\r\nHost: x\r\n"
    + FORM
    + b"Content-Length: %d\r\n\r\n%s" % (len(CREATE), CREATE),
    "query": b"GET /?Action=GetProject&Version=2020-09-30&ProjectName=p%2Dq HTTP/1.1\r\nHost: x\r\n\r\n",
    "action header": b"POST /?ProjectName=nope HTTP/1.1\r\nHost: x\r\nx-acs-action: GetProject\r\n"
    b"x-acs-version: 2020-09-30\r\nContent-Length: 0\r\n\r\n",
    "unknown action": b"GET /?Action=Nope&Version=2020-09-30 HTTP/1.1\r\nHost: x\r\n\r\n",
    "missing parameter": b"GET /?Action=GetProject&Version=2020-09-30 HTTP/1.1\r\nHost: x\r\n\r\n",
    "HTTP/1.0": b"GET /?Action=ListProjects&Version=2020-09-30 HTTP/1.0\r\n\r\n",
    "fragment and empty type": b"GET /?Action=ListProjects&Version=2020-09-30#f HTTP/1.1\r\nHost: x\r\n"
    b"Content-Type:\r\n\r\n",
    "repeated header": LIST + b"A: 1\r\nA: 2\r\n\r\n",
    "body too short": b"POST / HTTP/1.1\r\nHost: x\r\n" + FORM + b"Content-Length: 90\r\n\r\nAction=List",
    "unsigned x-acs": LIST + b"X-Acs-X: 1\r\n\r\n",
    "OSS on /": b"GET / HTTP/1.1\r\nHost: x\r\nAuthorization: OSS k:s\r\n\r\n",
}


def exchange(port: int, request: bytes) -> tuple[str, list[str], bytes]:
    """Status line, header names in order (no Date) and body; the request's sending side is closed."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        conn.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status, *lines = head.decode("latin-1").split("\r\n")
    names = [line.split(":", 1)[0].lower() for line in lines]
    return status, [name for name in names if name != "date"], body


def normalized(body: bytes) -> object:
    def strip(value: object) -> object:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "RequestId" and not k.endswith("Time")}
        return [strip(v) for v in value] if isinstance(value, list) else value

    try:
        return strip(json.loads(body))
    except ValueError:
        return body.replace(b"x-oss-request-id", b"")[:20]  # OSS XML: its shape, not its ids


def answers(direct: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple]:
    with monkeypatch.context() as patch:
        if not direct:
            patch.setattr(server, "direct_rpc", lambda runtime: lambda handler: None)
        with Emulator(auth="off") as emu:
            port = emu.port
            found = {}
            for name, request in REQUESTS.items():
                status, names, body = exchange(port, request)
                found[name] = (status, names, normalized(body))
            return found


def test_plain_rpc_calls_are_answered_as_the_wsgi_path_answers_them(monkeypatch) -> None:
    direct, through_wsgi = answers(True, monkeypatch), answers(False, monkeypatch)
    for name in REQUESTS:
        assert direct[name] == through_wsgi[name], name
    assert direct["form body"][0] == "HTTP/1.1 200 OK" and direct["body too short"][0].startswith(
        "HTTP/1.1 400"
    )


def test_sdk_calls_take_the_direct_lane(imm_emulator, monkeypatch) -> None:
    environs = []
    original = keepalive.KeepAliveHandler.make_environ

    def counted(self):
        environs.append(self.path)
        return original(self)

    monkeypatch.setattr(keepalive.KeepAliveHandler, "make_environ", counted)
    emu = imm_emulator
    client = emu.client()
    client.create_project(m.CreateProjectRequest(project_name="direct"))
    assert (
        client.get_project(m.GetProjectRequest(project_name="direct")).body.project.project_name == "direct"
    )
    with pytest.raises(Exception, match="ResourceNotFound"):
        client.get_project(m.GetProjectRequest(project_name="absent"))
    assert environs == []
    requests.post(f"{emu.endpoint}/_emulator/reset", timeout=10)  # the rest goes the WSGI way
    assert environs == ["/_emulator/reset"]
