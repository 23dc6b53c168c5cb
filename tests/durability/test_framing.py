"""Broken HTTP framing is the client's fault: a 400 in the envelope of the service addressed (IMM JSON on
``/`` and ``/_emulator``, OSS XML on bucket paths), on both servers, with nothing logged as a fault
and nothing stored from a body that did not arrive whole."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import xml.etree.ElementTree as ET

import pytest

from imm_emulator import Emulator

BODY_CASES = {
    # name: (framing headers, body bytes, close our sending side after the body)
    "bad chunk size": (b"Transfer-Encoding: chunked\r\n", b"zz\r\nabc\r\n0\r\n\r\n", False),
    "chunk longer than declared": (b"Transfer-Encoding: chunked\r\n", b"3\r\nabcdef\r\n0\r\n\r\n", False),
    "missing final chunk": (b"Transfer-Encoding: chunked\r\n", b"3\r\nabc\r\n", True),
    "negative Content-Length": (b"Content-Length: -5\r\n", b"abc", False),
    "non-numeric Content-Length": (b"Content-Length: 12abc\r\n", b"abc", False),
    "body shorter than Content-Length": (b"Content-Length: 100\r\n", b"abc", True),
}
TARGETS = {
    "imm": b"POST /?Action=CreateProject&Version=2020-09-30&ProjectName=p HTTP/1.1\r\nHost: x\r\n"
    b"Content-Type: application/x-www-form-urlencoded\r\n",
    "oss": b"PUT /bkt/upload.bin HTTP/1.1\r\nHost: x\r\nAuthorization: OSS test-access-key-id:x\r\n",
    "control": b"POST /_emulator/reset HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n",
}


@pytest.fixture(scope="module", params=["werkzeug", "waitress"])
def emu(request):
    with Emulator(server=request.param, auth="off") as emu:
        emu.put_object("bkt", "seed", b"x")
        yield emu


def exchange(port: int, data: bytes, half_close: bool) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(data)
        if half_close:
            conn.shutdown(socket.SHUT_WR)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = conn.recv(65536)
            assert chunk, f"connection closed without an answer: {received!r}"
            received += chunk
        head, _, body = received.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        while len(body) < int(headers.get("content-length", "0")):
            chunk = conn.recv(65536)
            assert chunk
            body += chunk
    return int(lines[0].split()[1]), headers, body


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("case", sorted(BODY_CASES))
def test_broken_framing_is_a_400_in_the_services_envelope(emu, target, case, caplog) -> None:
    framing, body, half_close = BODY_CASES[case]
    caplog.set_level(logging.DEBUG, logger="imm_emulator")
    status, headers, answer = exchange(emu.port, TARGETS[target] + framing + b"\r\n" + body, half_close)
    assert status == 400, answer
    if target == "oss":
        assert headers["content-type"].startswith("application/xml")
        error = ET.fromstring(answer)
        assert error.tag == "Error" and error.findtext("Code") == "InvalidArgument"
        assert error.findtext("RequestId") == headers["x-oss-request-id"]
        assert error.findtext("Message")
    else:
        assert headers["content-type"].startswith("application/json")
        envelope = json.loads(answer)
        assert set(envelope) == {"RequestId", "HostId", "Code", "Message", "Recommend"}
        assert envelope["Code"] == "InvalidArgument" and envelope["Message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], caplog.text
    # nothing was made from the broken request
    status, _, listing = exchange(
        emu.port, b"POST /?Action=ListProjects&Version=2020-09-30 " + HTTP + b"\r\n", False
    )
    assert status == 200 and json.loads(listing)["Projects"] == [], listing
    status, _, _ = exchange(emu.port, b"GET /bkt/upload.bin " + HTTP + OSS_AUTH, False)
    assert status == 404
    status, _, _ = exchange(emu.port, b"GET /bkt/seed " + HTTP + OSS_AUTH, False)
    assert status == 200  # the control case's reset did not happen either


HTTP = b"HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n"
OSS_AUTH = b"Authorization: OSS test-access-key-id:x\r\n\r\n"


def test_the_server_still_serves_on_after_broken_framing(emu) -> None:
    status, _, _ = exchange(emu.port, TARGETS["oss"] + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", True)
    assert status == 400
    status, _, body = exchange(emu.port, b"GET /bkt/seed " + HTTP + OSS_AUTH, False)
    assert (status, body) == (200, b"x")


CAPPED = {  # target: (request head, the cap in bytes)
    "imm": (TARGETS["imm"], 1 << 20),
    "oss": (b"POST /bkt?delete HTTP/1.1\r\nHost: x\r\nAuthorization: OSS test-access-key-id:x\r\n", 2 << 20),
    "control": (
        b"PUT /_emulator/labels HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n",
        1 << 20,
    ),
}


@pytest.mark.parametrize("target", sorted(CAPPED))
def test_body_caps_hold_for_chunked_bodies_that_declare_no_length(emu, target) -> None:
    """A chunked body has no Content-Length to check up front: the cap must hold for the bytes read."""
    head, cap = CAPPED[target]
    piece = b"a" * 65536
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(cap // len(piece) + 8))
    with socket.create_connection(("127.0.0.1", emu.port), timeout=10) as conn:
        conn.sendall(head + b"Transfer-Encoding: chunked\r\n\r\n")
        try:  # the server may answer (and stop reading) before all of it is sent
            conn.sendall(chunks + b"0\r\n\r\n")
        except OSError:
            pass
        answer = b""
        with contextlib.suppress(OSError):
            while chunk := conn.recv(65536):
                answer += chunk
                head_part, _, body_part = answer.partition(b"\r\n\r\n")
                length = re.search(rb"(?i)content-length: *(\d+)", head_part)
                if length and len(body_part) >= int(length.group(1)):
                    break
    status = int(answer.split()[1])
    assert status == 413 or (target == "oss" and status == 400), answer[:300]
    body = answer.partition(b"\r\n\r\n")[2]
    assert body.startswith(b"<?xml") if target == "oss" else json.loads(body)["Code"] == "InvalidArgument"


UNREADABLE = {  # requests the servers' own parsers refuse, and what each addresses
    "target that is no URL": (b"GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n", "imm"),
    "garbage request line": (b"GARBAGE\r\n\r\n", "imm"),
    "bucket path, bad Content-Length": (
        b"PUT /bkt/k HTTP/1.1\r\nHost: x\r\nAuthorization: OSS test-access-key-id:x\r\n"
        b"Content-Length: x1\r\n\r\n",
        "oss",
    ),
}


@pytest.mark.parametrize("case", sorted(UNREADABLE))
def test_requests_the_server_cannot_parse_get_the_envelope(emu, case, caplog) -> None:
    data, service = UNREADABLE[case]
    caplog.set_level(logging.DEBUG)
    with socket.create_connection(("127.0.0.1", emu.port), timeout=10) as conn:
        conn.sendall(data)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    body = answer.partition(b"\r\n\r\n")[2] if answer.startswith(b"HTTP/") else answer  # HTTP/0.9 style
    if answer.startswith(b"HTTP/"):
        assert answer.split()[1] == b"400", answer[:200]
    if service == "oss":
        assert ET.fromstring(body).findtext("Code") == "InvalidArgument"
    else:
        assert json.loads(body)["Code"] == "InvalidArgument"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], caplog.text
