"""waitress (``--server waitress``) answering what its own parser refuses in the emulator's envelopes.

waitress reads each request whole (headers and body, de-chunked) before the app runs, so it finds
broken framing itself and answers in plain text, or, for a body the client stops sending, closes the
connection without a word. This channel answers both in the addressed service's envelope instead.
Imported only when waitress is installed and chosen.
"""

from __future__ import annotations

import contextlib
import logging
import socket
from typing import Any
from urllib.parse import parse_qsl

from waitress.channel import ClientDisconnected, HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.server import TcpWSGIServer, create_server
from waitress.task import ErrorTask, WSGITask

from ..config import EmulatorConfig
from .framing import addressed_service, malformed_answer


def make_waitress_server(
    app: Any, sock: socket.socket, socket_map: dict, config: EmulatorConfig
) -> TcpWSGIServer:
    """waitress on the bound ``sock``, its channels answering in the emulator's envelopes."""
    from .oss import MAX_OBJECT_SIZE
    from .server import IDLE_TIMEOUT, MAX_CONNECTIONS

    # "Task queue depth is 1" on every request that waits for one of the 8 threads: a busy test suite
    # is not news (bench/load.py printed thousands of these a minute)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)

    server = create_server(
        app,
        map=socket_map,
        sockets=[sock],
        threads=8,
        ident="imm-emulator",
        channel_timeout=IDLE_TIMEOUT,
        cleanup_interval=max(1, int(IDLE_TIMEOUT // 3)),
        connection_limit=MAX_CONNECTIONS,
        max_request_body_size=MAX_OBJECT_SIZE + (1 << 20),  # the documented 5 GiB object, with headers
    )
    assert isinstance(server, TcpWSGIServer)  # one TCP socket given, one server made
    server.channel_class = type("Channel", (EnvelopeChannel,), {"config": config})
    return server


def _answer(
    channel: EnvelopeChannel, request: Any, status: int, reason: str, message: str
) -> tuple[str, list, bytes]:
    config = channel.config
    # waitress keeps header names upper-cased with "_" for "-", as in a WSGI environ
    # A request refused early (a garbage request line) has no path, query or command yet.
    fields = getattr(request, "headers", {}) or {}
    headers = {name.upper().replace("-", "_"): value for name, value in fields.items()}
    service = addressed_service(
        getattr(request, "path", None) or "/",
        (name for name, _ in parse_qsl(getattr(request, "query", None) or "")),
        lambda name: headers.get(name.upper().replace("-", "_")),
    )
    status, fields, body = malformed_answer(
        service,
        message,
        host_id=config.host_id,
        region=config.region,
        status=status,
        reason=reason,
        head=getattr(request, "command", None) == "HEAD",
    )
    return f"{status} {reason}", fields, body


class EnvelopeErrorTask(ErrorTask):
    """A request waitress's parser refused (bad chunk size, invalid Content-Length, a chunk longer
    than its size line): its error in the addressed service's envelope."""

    def service(self) -> None:
        request: Any = self.request
        if getattr(request.error, "code", 0) == 500:
            # waitress's own 500 means a response failed after the app returned it (the app answers its
            # own errors): an injected "drop" fault. End the connection without an answer, as dropped.
            raise ClientDisconnected()
        super().service()

    def execute(self) -> None:
        request: Any = self.request  # waitress's parser, with the error it found
        error = request.error
        channel: Any = self.channel
        status, fields, body = _answer(channel, request, error.code, error.reason, error.body)
        self.status = status
        self.response_headers = [*self.response_headers, *fields]
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _Parser(HTTPRequestParser):
    def parse_header(self, header_plus: bytes) -> None:
        """waitress lets a ValueError from splitting a target like ``http://[`` escape its parser,
        and closes the connection without an answer: make it the parse error it is (400)."""
        try:
            super().parse_header(header_plus)
        except ValueError as exc:
            raise ParsingError(f"The request target is not a URL: {exc}") from None


class KeepAliveTask(WSGITask):
    """waitress closes the connection after a 204 or 304 (no Content-Length frames it), although such
    answers have no body by definition (MNS's DeleteMessage, OSS's DeleteObject): keep HTTP/1.1
    connections open after them unless the client asked to close."""

    def build_response_header(self) -> bytes:
        fields: dict = getattr(self.request, "headers", {})  # a parsed request (stubs type it loosely)
        asked_close = fields.get("CONNECTION", "").lower() == "close" or self.version != "1.1"
        closing = self.close_on_finish
        head = super().build_response_header()
        if not self.has_body and not asked_close and not closing and self.close_on_finish:
            self.close_on_finish = False
            head = head.replace(b"\r\nConnection: close", b"", 1)
        return head


class EnvelopeChannel(HTTPChannel):
    task_class = KeepAliveTask
    error_task_class = EnvelopeErrorTask
    parser_class = _Parser
    config: EmulatorConfig  # set on the subclass made for each server

    def handle_close(self) -> None:
        """The client ended its side (or idled out) with a request's headers read but its body short of
        its Content-Length or final chunk: tell it so before closing (it may still be reading)."""
        pending = self.request
        sock = self.socket
        if pending is not None and pending.headers_finished and not pending.completed and sock is not None:
            message = "The request body ended before its Content-Length or final chunk."
            status, fields, body = _answer(self, pending, 400, "Bad Request", message)
            head = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in fields)]
            head += [f"Content-Length: {len(body)}", "Connection: close"]
            with contextlib.suppress(OSError):
                sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        super().handle_close()
