"""HTTP/1.1 keep-alive for werkzeug's server: werkzeug answers every request with ``Connection: close``
(its http.server base cannot tell where an unread body ends), so each SDK call paid a new TCP
connection and streaming clients saw "premature close". This handler keeps the connection when the
request's body was read to its end (or what is left is small enough to read), frames every answer
(its Content-Length, or chunked), and closes it otherwise."""

from __future__ import annotations

import contextlib
import logging
import socket
from collections.abc import Callable
from typing import Any

from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Response

log = logging.getLogger("imm_emulator")

DRAIN_LIMIT = 1 << 20  # an unread body up to this size is read and dropped to keep the connection
COALESCE_LIMIT = 1 << 16  # a body up to this size leaves in the same send as the head


class _CountedInput:
    """``wsgi.input`` that knows how much of the body the app read and whether it reached its end."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw
        self.read_bytes = 0
        self.ended = False

    def _count(self, data: bytes, size: int | None) -> bytes:
        self.read_bytes += len(data)
        if not data and size != 0:
            self.ended = True
        return data

    def read(self, size: int | None = -1) -> bytes:
        data = self._raw.read() if size is None or size < 0 else self._raw.read(size)
        return self._count(data, size)

    def readline(self, size: int | None = -1) -> bytes:
        data = self._raw.readline() if size is None or size < 0 else self._raw.readline(size)
        return self._count(data, size)


class KeepAliveHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"
    # Asked first for every request: its answer, made without WSGI (the body read to its end), or None
    # to serve the request through the app. A server sets it on the subclass it makes (a staticmethod).
    direct: Callable[[KeepAliveHandler], Response | None] | None = None
    # The request's headers as received, when its parser keeps them (the default server's does).
    plain_headers: list[tuple[str, str]] | None = None

    def setup(self) -> None:
        super().setup()
        # The head and the body go out in separate writes: without this, Nagle's algorithm holds the
        # body until the client acknowledges the head, which a client delaying its ACKs does only
        # after ~40 ms, on every call of a kept connection.
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def run_wsgi(self) -> None:
        if self.direct is not None:
            response = self.direct(self)
            if response is not None:
                self._send_direct(response)
                return
        if self.headers.get("Expect", "").lower().strip(" \t") == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        self.environ = environ = self.make_environ()
        body = environ["wsgi.input"] = _CountedInput(environ["wsgi.input"])
        length = _content_length(self.headers.get("Content-Length"))
        chunked_request = "wsgi.input_terminated" in environ
        state: dict[str, Any] = {
            "status": None,
            "headers": None,
            "sent": False,
            "declared": None,
            "written": 0,
        }

        def consumed() -> bool:
            return self._body_consumed(body, length, chunked_request)

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            if exc_info and state["sent"]:
                raise exc_info[1].with_traceback(exc_info[2])
            state["status"], state["headers"] = status, headers
            return write

        def write(data: bytes) -> None:
            head = b""
            if not state["sent"]:
                head = self._send_head(state, consumed)
            if data:
                state["written"] += len(data)
                if state["chunked"]:
                    data = b"%x\r\n%s\r\n" % (len(data), data)
                if head and len(data) <= COALESCE_LIMIT:  # one send for a small answer: one wake-up
                    data, head = head + data, b""
                if head:
                    self.wfile.write(head)
                self.wfile.write(data)
            elif head:
                self.wfile.write(head)

        try:
            result = self.server.app(environ, start_response)
            try:
                for data in result:
                    write(data)
                if not state["sent"]:
                    write(b"")
                if state["chunked"]:
                    self.wfile.write(b"0\r\n\r\n")
            finally:
                if hasattr(result, "close"):
                    result.close()
        except OSError as exc:  # the client went away (or a response was cut short on purpose)
            self.close_connection = True
            self.connection_dropped(exc, environ)
            return
        except Exception:
            log.exception("unhandled error serving %s %s", self.command, self.path)
            self.close_connection = True
            if not state["sent"]:
                state["status"], state["headers"] = "500 Internal Server Error", [("Content-Length", "0")]
                self.wfile.write(self._send_head(state, consumed))
            return
        declared = state["declared"]
        if declared is not None and state["written"] != declared and self.command != "HEAD":
            self.close_connection = True  # the answer ended short: the client must not wait for more
        self.wfile.flush()

    def _send_direct(self, response: Response) -> None:
        """An answer made without WSGI: the same head and connection rules, in one send."""
        state = {"status": response.status, "headers": list(response.headers.items())}
        try:
            self.wfile.write(self._send_head(state, lambda: True) + response.get_data())
            self.wfile.flush()
        except OSError as exc:  # the client went away (or the connection was dropped on purpose)
            self.close_connection = True
            self.connection_dropped(exc)

    def _send_head(self, state: dict, consumed: Callable[[], bool]) -> bytes:
        """The status line and headers, to be sent with the first bytes of the body; ``consumed``: whether
        the next request starts where this one's body ended."""
        status = state["status"] or "500 INTERNAL SERVER ERROR"
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        names = set()
        for name, value in state["headers"] or []:
            if name.lower() == "connection":
                continue
            names.add(name.lower())
            if name.lower() == "content-length":
                state["declared"] = _content_length(value)
            self.send_header(name, value)
        framed = (
            "content-length" in names
            or self.command == "HEAD"
            or code.startswith("1")
            or code in ("204", "304")
        )
        state["chunked"] = not framed and self.request_version >= "HTTP/1.1"
        if state["chunked"]:
            self.send_header("Transfer-Encoding", "chunked")
        if (not framed and not state["chunked"]) or not consumed():
            self.close_connection = True
        if self.close_connection:
            self.send_header("Connection", "close")  # also sets close_connection, as http.server does
        # end_headers without its flush: the head goes out with the body
        lines: list[bytes] = getattr(self, "_headers_buffer", [])
        head = b"".join([*lines, b"\r\n"])
        lines.clear()
        state["sent"] = True
        return head

    def _body_consumed(self, body: _CountedInput, length: int | None, chunked_request: bool) -> bool:
        """Whether the next request starts where this one's body ends; reads a small unread rest."""
        if chunked_request:
            return body.ended
        remaining = (length or 0) - body.read_bytes
        if remaining <= 0:
            return True
        if remaining > DRAIN_LIMIT:
            return False
        try:
            while remaining > 0:
                data = body.read(min(remaining, 65536))
                if not data:
                    return False
                remaining -= len(data)
        except (OSError, ValueError):
            return False
        return True


def _content_length(value: str | None) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() else None
