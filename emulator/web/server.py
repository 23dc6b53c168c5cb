"""A threaded WSGI server for the app, startable in the background (Python handle) or the foreground (CLI)."""

from __future__ import annotations

import contextlib
import email.parser
import http.client
import logging
import re
import socket
import threading
import time
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from werkzeug.serving import ThreadedWSGIServer

from ..config import EmulatorConfig
from ..runtime import Runtime
from ..tls import server_context, server_names, tls_folder
from .app import create_app
from .framing import addressed_service, malformed_answer
from .imm_rpc import direct_rpc
from .keepalive import KeepAliveHandler

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger("imm_emulator.access")

# A client that sends nothing for this long (before or within its request) is disconnected, so idle
# or slow sockets cannot hold server threads (werkzeug) or connection slots (waitress) for long.
IDLE_TIMEOUT = 30.0
# At most this many connections are served at once; more wait in the listen backlog, and one that
# waits past a second is answered 503 (werkzeug starts a thread per connection).
MAX_CONNECTIONS = 512


class _QuietHandler(KeepAliveHandler):
    """HTTP/1.1 with keep-alive; access lines go to the ``imm_emulator.access`` logger at DEBUG instead
    of stderr."""

    config: EmulatorConfig  # set on the subclass made for each server

    @property
    def timeout(self) -> float:  # type: ignore[override]  # socketserver reads it at setup()
        return IDLE_TIMEOUT

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.debug('%s "%s" %s %s', self.address_string(), self.requestline, code, size)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (werkzeug's signature)
        log.debug(format, *args)

    def log_error(self, format: str, *args: object) -> None:  # noqa: A002 (werkzeug's signature)
        log.debug(format, *args)  # a client's malformed request is not the emulator's error

    def parse_request(self) -> bool:
        """http.server's parse_request (Python 3.11's, step for step) with two changes: headers are read
        without the email package's parser (a sixth of the server's time per call went there), and
        the request target must parse as a URL (werkzeug's make_environ would raise on one like
        ``http://[`` and close the connection with a traceback)."""
        self.command = None  # type: ignore[assignment]  # as http.server does, until the line is read
        self.request_version = version = self.default_request_version
        self.close_connection = True
        self.requestline = requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        words = requestline.split()
        if not words:
            return False
        if len(words) >= 3:
            version = words[-1]
            try:
                if not version.startswith("HTTP/"):
                    raise ValueError
                base_version_number = version.split("/", 1)[1]
                parts = base_version_number.split(".")
                if len(parts) != 2 or any(not p.isdigit() or len(p) > 10 for p in parts):
                    raise ValueError
                number = int(parts[0]), int(parts[1])
            except (ValueError, IndexError):
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request version ({version!r})")
                return False
            if number >= (1, 1) and self.protocol_version >= "HTTP/1.1":
                self.close_connection = False
            if number >= (2, 0):
                self.send_error(
                    HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, f"Invalid HTTP version ({base_version_number})"
                )
                return False
            self.request_version = version
        if not 2 <= len(words) <= 3:
            self.send_error(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({requestline!r})")
            return False
        command, path = words[:2]
        if len(words) == 2:
            self.close_connection = True
            if command != "GET":
                self.send_error(HTTPStatus.BAD_REQUEST, f"Bad HTTP/0.9 request type ({command!r})")
                return False
        self.command, self.path = command, path
        if self.path.startswith("//"):
            self.path = "/" + self.path.lstrip("/")
        try:
            self.headers, self.plain_headers = read_headers(self.rfile)
        except http.client.LineTooLong as err:
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long", str(err))
            return False
        except http.client.HTTPException as err:
            self.send_error(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers", str(err))
            return False
        connection = self.headers.get("Connection", "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive" and self.protocol_version >= "HTTP/1.1":
            self.close_connection = False
        expect = self.headers.get("Expect", "")
        if (
            expect.lower() == "100-continue"
            and self.protocol_version >= "HTTP/1.1"
            and self.request_version >= "HTTP/1.1"
            and not self.handle_expect_100()
        ):
            return False
        try:
            urlsplit(self.path)
        except ValueError:
            self.send_error(400, f"The request target {self.path[:100]!r} is not a URL.")
            return False
        return True

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """HTTP the app never sees (a garbage request line, a 64 KiB URL, too many headers) still gets
        the error envelope of the service addressed (IMM's JSON, OSS's XML), not http.server's HTML
        page: the SDKs parse every answer."""
        short, long = self.responses.get(code, ("Error", "The request could not be read."))
        config = self.config
        try:
            target = urlsplit(getattr(self, "path", "") or "/")
        except ValueError:  # e.g. "http://[": no path to route by
            target = urlsplit("/")
        headers = getattr(self, "headers", None)
        service = addressed_service(
            target.path, (name for name, _ in parse_qsl(target.query)), headers.get if headers else _no_header
        )
        head = getattr(self, "command", "") == "HEAD"
        status, fields, body = malformed_answer(
            service,
            message or long,
            host_id=config.host_id,
            region=config.region,
            status=code,
            reason=short,
            head=head,
        )
        self.log_error("code %d, message %s", code, message)
        self.send_response(status, None)
        for name, value in [*fields, ("Connection", "close"), ("Content-Length", str(len(body)))]:
            self.send_header(name, value)
        self.end_headers()
        if not head and code >= 200 and code not in (204, 304):
            self.wfile.write(body)


def _no_header(name: str) -> None:
    return None


# A header line as the email parser takes it without complaint: a name of printable characters (no
# colon, no space), a colon, a value. Anything else (folded lines, garbage) goes to that parser.
_HEADER_LINE = re.compile(rb"([!-9;-~]+):[ \t]*([^\r\n]*)\r?\n")


def read_headers(rfile: Any) -> tuple[http.client.HTTPMessage, list[tuple[str, str]] | None]:
    """The header block, as http.client.parse_headers reads it (same limits, same errors, same
    message), parsed directly where every line is a plain ``Name: value``; then also its (name, value)
    pairs as a list (the message's ``items()``, without the email package's per-header policy)."""
    lines = http.client._read_headers(rfile)  # type: ignore[attr-defined]  # the limits live there
    fields = []
    for line in lines[:-1]:
        found = _HEADER_LINE.fullmatch(line)
        if found is None:
            parser = email.parser.Parser(_class=http.client.HTTPMessage)
            return parser.parsestr(b"".join(lines).decode("iso-8859-1")), None
        fields.append((found[1].decode("iso-8859-1"), found[2].decode("iso-8859-1")))
    message = http.client.HTTPMessage()
    message._headers = list(fields)  # type: ignore[attr-defined]  # what the parser fills, line by line
    message.set_payload("")
    return message, fields


class _BoundedThreadedServer(ThreadedWSGIServer):
    """werkzeug's threaded server with at most MAX_CONNECTIONS connection threads."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(timeout=1.0):
            with contextlib.suppress(OSError):
                request.sendall(self._busy())
            super().shutdown_request(request)  # no lingering in the accepting thread
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def _busy(self) -> bytes:
        """The 503 for a connection that found no free slot, in IMM's envelope (the request is unread)."""
        config: EmulatorConfig = self.RequestHandlerClass.config  # type: ignore[attr-defined]
        status, fields, body = malformed_answer(
            "imm",
            "imm-emulator is serving its maximum number of connections; retry shortly.",
            host_id=config.host_id,
            region=config.region,
            status=503,
            reason="Service Unavailable",
        )
        head = [f"HTTP/1.1 {status} Service Unavailable", *(f"{k}: {v}" for k, v in fields)]
        head += ["Retry-After: 1", "Connection: close", f"Content-Length: {len(body)}"]
        return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body

    def shutdown_request(self, request: Any) -> None:
        """Close the way HTTP servers do (a lingering close): half-close, then drop what the client is
        still sending, for a while. Closing a socket with unread bytes resets the connection, and the
        reset can destroy the answer before the client reads it: a client still sending a body that
        was refused (too large: 413) would see a broken pipe instead of the 413."""
        try:
            request.shutdown(socket.SHUT_WR)
            _drain(request)
        except (OSError, ValueError):  # gone already; ValueError: TLS sockets take no recv flags
            pass
        self.close_request(request)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


LINGER_SECONDS = 2.0  # at most this long after closing a connection that still has bytes coming in
LINGER_BYTES = 64 << 20  # and at most this much of them


def _drain(connection: socket.socket) -> None:
    """Read and drop what ``connection`` still receives, if anything is waiting (else return at once),
    until the client closes its side or LINGER_SECONDS / LINGER_BYTES run out."""
    try:
        if not connection.recv(65536, socket.MSG_DONTWAIT):
            return
    except BlockingIOError:
        return  # nothing waiting: the usual close costs nothing more
    deadline = time.monotonic() + LINGER_SECONDS
    dropped = 0
    while dropped < LINGER_BYTES and (left := deadline - time.monotonic()) > 0:
        connection.settimeout(min(left, 0.5))
        chunk = connection.recv(1 << 16)
        if not chunk:
            return
        dropped += len(chunk)


class Server:
    """``werkzeug`` (threaded, the default) or ``waitress`` (``--server waitress``, needs the package)."""

    ca_file: Path | None = None  # with --tls: the local CA's certificate, for clients to trust

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        config = runtime.config
        # Bind here so a taken port raises OSError (werkzeug would print and sys.exit instead).
        family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        self._socket = socket.create_server((config.host, config.port), family=family, backlog=128)
        try:
            self._build(create_app(runtime=runtime))
        except BaseException:
            self._socket.close()
            raise

    def _build(self, app: Flask) -> None:
        config = self.runtime.config
        self._thread: threading.Thread | None = None
        context = None
        if config.tls:
            if config.server == "waitress":
                raise OSError("--tls is served by --server werkzeug: waitress has no TLS")
            folder = tls_folder(config.data_dir)
            context, self.ca_file = server_context(folder, server_names(config.host, config.region))
        if config.server == "waitress":
            try:
                from .waitress_server import make_waitress_server
            except ImportError as exc:
                self._socket.close()
                raise OSError("--server waitress needs the waitress package: pip install waitress") from exc
            self._map: dict = {}
            self._waitress = make_waitress_server(app, self._socket, self._map, config)
            return
        handler = {"config": config, "direct": staticmethod(direct_rpc(self.runtime))}
        self._wsgi = _BoundedThreadedServer(
            config.host,
            config.port,
            app,
            type("Handler", (_QuietHandler,), handler),
            fd=self._socket.fileno(),
            ssl_context=context,
        )

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    @property
    def host(self) -> str:
        return self.runtime.config.host

    @property
    def url(self) -> str:
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"{'https' if self.runtime.config.tls else 'http'}://{host}:{self.port}"

    def serve_forever(self) -> None:
        if self.runtime.config.server == "waitress":
            self._waitress.run()
        else:
            self._wsgi.serve_forever(poll_interval=0.05)  # stop() waits for one poll

    def start(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, name="imm-emulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self.runtime.config.server == "waitress":
            self._waitress.task_dispatcher.shutdown()

            def close_all() -> None:  # the loop ends once its map is empty
                for dispatcher in list(self._map.values()):
                    dispatcher.close()

            if self._thread is not None:  # closed by the loop thread itself: no select() on a closed fd
                self._waitress.trigger.pull_trigger(close_all)  # type: ignore[attr-defined]  # stubs: int
            else:
                close_all()
        else:
            self._wsgi.shutdown()
            self._wsgi.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._socket.close()  # after the loop ended: its select() may still be watching this socket
