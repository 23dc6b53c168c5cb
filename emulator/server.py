"""A threaded WSGI server for the app, startable in the background (Python handle) or the foreground (CLI)."""

from __future__ import annotations

import json
import logging
import socket
import threading
from typing import TYPE_CHECKING

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .app import create_app
from .runtime import Runtime
from .web import error_body, new_request_id

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger("imm_emulator.access")


class _QuietHandler(WSGIRequestHandler):
    """Access lines go to the ``imm_emulator.access`` logger at DEBUG instead of stderr."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.debug('%s "%s" %s %s', self.address_string(), self.requestline, code, size)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (werkzeug's signature)
        log.debug(format, *args)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """HTTP the app never sees (a garbage request line, a 64 KiB URL, too many headers) still gets
        IMM's JSON error envelope, not http.server's HTML page: the SDKs parse every answer as JSON."""
        short, long = self.responses.get(code, ("Error", "The request could not be read."))
        request_id = new_request_id()
        host_id = getattr(self.server, "host_id", "")
        body = json.dumps(error_body(host_id, short.replace(" ", ""), message or long, request_id)).encode()
        self.log_error("code %d, message %s", code, message)
        self.send_response(code, message)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("x-acs-request-id", request_id)
        self.send_header("Connection", "close")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(body)


class Server:
    """``werkzeug`` (threaded, the default) or ``waitress`` (``--server waitress``, needs the package)."""

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
        if config.server == "waitress":
            try:
                import waitress
            except ImportError as exc:
                self._socket.close()
                raise OSError("--server waitress needs the waitress package: pip install waitress") from exc
            self._map: dict = {}
            self._waitress = waitress.create_server(
                app, map=self._map, sockets=[self._socket], threads=8, ident="imm-emulator"
            )
            return
        self._wsgi: BaseWSGIServer = make_server(
            config.host,
            config.port,
            app,
            threaded=True,
            request_handler=_QuietHandler,
            fd=self._socket.fileno(),
        )
        self._wsgi.daemon_threads = True
        self._wsgi.host_id = config.host_id  # type: ignore[attr-defined]  (for _QuietHandler.send_error)

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    @property
    def host(self) -> str:
        return self.runtime.config.host

    @property
    def url(self) -> str:
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port}"

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
                self._waitress.trigger.pull_trigger(close_all)
            else:
                close_all()
        else:
            self._wsgi.shutdown()
            self._wsgi.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self._socket.close()  # after the loop ended: its select() may still be watching this socket
