"""Idle and slow sockets cannot starve the server: they are disconnected after an idle timeout,
connection threads are bounded, and real clients keep being served meanwhile (both servers)."""

from __future__ import annotations

import socket
import time

import pytest
from alibabacloud_imm20200930 import models as m

from imm_emulator import Emulator
from imm_emulator.web import server


@pytest.fixture(params=["werkzeug", "waitress"])
def kind(request) -> str:
    return request.param


def idle_sockets(port: int, count: int) -> list[socket.socket]:
    opened = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(count)]
    for i, conn in enumerate(opened):
        if i % 2:
            conn.sendall(
                b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nslow"
            )  # stalls mid-body
    return opened


def test_hundreds_of_idle_sockets_do_not_stop_real_clients(kind) -> None:
    with Emulator(server=kind) as emu:
        opened = idle_sockets(emu.port, 250)  # waitress's own default limit was 100
        try:
            started = time.monotonic()
            client = emu.client(read_timeout=10000, connect_timeout=10000)
            client.create_project(m.CreateProjectRequest(project_name="served"))
            assert client.get_project(m.GetProjectRequest(project_name="served")).body.project
            assert time.monotonic() - started < 5
        finally:
            for conn in opened:
                conn.close()


def test_idle_sockets_are_disconnected_after_the_idle_timeout(kind, monkeypatch) -> None:
    monkeypatch.setattr(server, "IDLE_TIMEOUT", 1.0)
    with Emulator(server=kind) as emu:
        opened = idle_sockets(emu.port, 4)
        try:
            deadline = time.monotonic() + 8
            for conn in opened:
                conn.settimeout(max(0.1, deadline - time.monotonic()))
                data = b""
                try:
                    while chunk := conn.recv(65536):  # an answer (400 for the stalled body), then the close
                        data += chunk
                except ConnectionResetError:
                    pass
                assert not data or data.startswith(b"HTTP/1."), data[:100]
            assert time.monotonic() < deadline
            emu.client().list_projects(m.ListProjectsRequest())
        finally:
            for conn in opened:
                conn.close()


def test_waitress_takes_the_documented_5_gib_object() -> None:
    with Emulator(server="waitress") as emu:
        adjustments = emu._server._waitress.adj
        assert adjustments.max_request_body_size > 5 << 30
        assert adjustments.channel_timeout == server.IDLE_TIMEOUT


def test_connections_beyond_the_bound_are_answered_busy(monkeypatch) -> None:
    monkeypatch.setattr(server, "MAX_CONNECTIONS", 4)
    with Emulator() as emu:
        opened = idle_sockets(emu.port, 4)
        try:
            with socket.create_connection(("127.0.0.1", emu.port), timeout=10) as extra:
                extra.sendall(b"GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
                answer = extra.recv(65536)
            assert answer.startswith(b"HTTP/1.1 503"), answer[:100]
            assert b'"Code": "ServiceUnavailable"' in answer
        finally:
            for conn in opened:
                conn.close()
        time.sleep(0.2)
        emu.client().list_projects(m.ListProjectsRequest())  # slots come back
