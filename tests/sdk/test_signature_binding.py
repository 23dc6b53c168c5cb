"""A signature authorizes what was signed and nothing else: a request the real SDKs signed for
GetProject, replayed with an added ``x-acs-action: DeleteProject`` header, must not delete anything."""

from __future__ import annotations

import json
import socket
import threading

import pytest
from alibabacloud_imm20200930 import models as m
from aliyunsdkcore.client import AcsClient
from aliyunsdkimm.request.v20200930 import GetProjectRequest

from tests.helpers import DEFAULT_KEY


class Recorder:
    """A one-shot HTTP server that keeps the raw bytes of the request it gets and answers ``{}``."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self._listener.getsockname()[1]}"
        self.raw = b""
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        conn, _ = self._listener.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, body = data.partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                ),
                0,
            )
            while len(body) < length:
                body += conn.recv(65536)
            self.raw = head + b"\r\n\r\n" + body
            answer = b'{"RequestId":"R","Project":{"ProjectName":"p"}}'
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(answer), answer)
            )
        self._listener.close()

    def with_header(self, line: bytes) -> bytes:
        """The recorded request with one more header line."""
        head, _, body = self.raw.partition(b"\r\n\r\n")
        return head + b"\r\n" + line + b"\r\n\r\n" + body


def send(port: int, data: bytes) -> tuple[int, dict]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(data)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
            head, _, body = received.partition(b"\r\n\r\n")
            lengths = [line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")]
            if lengths and len(body) >= int(lengths[0].split(b":")[1]):
                break
    return int(received.split()[1]), json.loads(body)


@pytest.fixture
def project(imm_client) -> str:
    imm_client.create_project(m.CreateProjectRequest(project_name="kept"))
    return "kept"


def test_acs3_unsigned_action_header_is_refused(imm_emulator, project) -> None:
    recorder = Recorder()
    imm_emulator.client(endpoint=recorder.address).get_project(m.GetProjectRequest(project_name=project))
    assert b"x-acs-action: GetProject" in recorder.raw.replace(b"X-Acs-Action", b"x-acs-action")
    # the request as signed works once; a replay with a swapped action header (its own, and an added
    # second one) and an unsigned x-acs-* header of any name are refused
    forged = recorder.raw.replace(b"GetProject", b"DeleteProject", 1)
    for attack in (forged, recorder.with_header(b"x-acs-action: DeleteProject")):
        status, answer = send(imm_emulator.port, attack)
        assert 400 <= status < 500, answer  # SignatureDoesNotMatch; a doubled header reads "A,B"
    for header in (b"x-acs-security-token: t", b"x-acs-anything: 1"):
        status, answer = send(imm_emulator.port, recorder.with_header(header))
        assert (status, answer["Code"]) == (400, "IncompleteSignature"), answer
        assert header.split(b":")[0].decode() in answer["Message"]
    status, answer = send(imm_emulator.port, recorder.raw)
    assert status == 200 and answer["Project"]["ProjectName"] == project
    assert imm_emulator.client().get_project(m.GetProjectRequest(project_name=project)).body.project


def test_rpc_v1_action_comes_from_the_signed_parameters(imm_emulator, project) -> None:
    recorder = Recorder()
    request = GetProjectRequest.GetProjectRequest()
    request.set_endpoint(recorder.address)
    request.set_ProjectName(project)
    AcsClient(*DEFAULT_KEY, "cn-hangzhou").do_action_with_exception(request)
    assert b"Signature=" in recorder.raw and b"Action=GetProject" in recorder.raw
    status, answer = send(imm_emulator.port, recorder.with_header(b"x-acs-action: DeleteProject"))
    assert (status, answer.get("Project", {}).get("ProjectName")) == (200, project), answer
    assert imm_emulator.client().get_project(m.GetProjectRequest(project_name=project)).body.project
    journal = [e for e in imm_emulator.requests.list() if e.get("signature") == "HMAC-SHA1"]
    assert journal[-1]["action"] == "GetProject"
