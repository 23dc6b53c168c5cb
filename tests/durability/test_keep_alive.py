"""HTTP/1.1 keep-alive on both servers: a client making 100 sequential calls opens one TCP connection
(counted where sockets connect, not by a client library's pool), including after error answers and
uploads the server did not read to the end."""

from __future__ import annotations

import http.client
import importlib.util
import socket

import pytest
from mns.queue import Message, QueueMeta

from imm_emulator import Emulator

SERVERS = ["werkzeug"] + (["waitress"] if importlib.util.find_spec("waitress") else [])


class _Counting(socket.socket):
    opened: list[tuple] = []

    def connect(self, address) -> None:  # type: ignore[override]
        _Counting.opened.append(address)
        super().connect(address)


@pytest.fixture(params=SERVERS)
def emulator(request, monkeypatch):
    with Emulator(server=request.param, task_duration="instant") as emu:
        _Counting.opened = []
        monkeypatch.setattr(socket, "socket", _Counting)
        yield emu


def connections(emu: Emulator) -> int:
    return sum(1 for address in _Counting.opened if address[1] == emu.port)


def test_oss2_reuses_one_connection(emulator) -> None:
    bucket = emulator.oss2_bucket("kept")
    bucket.create_bucket()
    for i in range(50):
        bucket.put_object(f"k{i}", b"x" * 1000)
        assert bucket.get_object(f"k{i}").read() == b"x" * 1000
    assert connections(emulator) == 1


def test_mns_sdk_reuses_one_connection(emulator) -> None:
    queue = emulator.mns_account().get_queue("kept")
    queue.create(QueueMeta())
    for _ in range(50):
        queue.send_message(Message("m"))
        queue.delete_message(queue.receive_message().receipt_handle)
    assert connections(emulator) == 1


def test_errors_and_unread_bodies_keep_the_connection_usable(emulator) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port)
    ports = set()
    for i in range(100):
        if i % 3 == 0:  # an unsigned upload: refused before its body is read
            connection.request("PUT", "/b/k", body=b"y" * 4096)
        elif i % 3 == 1:
            connection.request("GET", "/_emulator/health")
        else:  # an IMM error answer
            connection.request("POST", "/", body=b"Action=GetProject", headers={"Content-Type": "text/plain"})
        ports.add(connection.sock.getsockname()[1])
        response = connection.getresponse()
        response.read()
        assert response.status in (200, 400, 403, 404)
    assert len(ports) == 1
