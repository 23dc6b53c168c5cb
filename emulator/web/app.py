"""create_app(config): the Flask app. One port serves IMM RPC at ``/`` (``imm_rpc``), OSS path-style at
``/<bucket>/<key>`` (``oss``), MNS queues and topics to requests with MNS's headers (``mns``) and the
control API at ``/_emulator`` (``control``); here are the routes
between them and the answers to requests none of them takes (bad framing, unknown paths, crashes).
"""

from __future__ import annotations

import contextlib
import socket
from typing import Any

from flask import Flask, Response, request

from ..config import EmulatorConfig
from ..errors import ImmError
from ..imm import catalog
from ..runtime import Runtime
from .control import control_blueprint, unserved_error
from .envelopes import (
    error_response,
    malformed_response,
    new_request_id,
    service_of_request,
    unexpected,
)
from .framing import MalformedRequest, check_content_length, guard_input
from .imm_rpc import DropConnection, handle_rpc
from .mns import handle_mns
from .oss import handle_oss


def create_app(config: EmulatorConfig | None = None, runtime: Runtime | None = None) -> Flask:
    runtime = runtime or Runtime(config or EmulatorConfig())
    catalog.check(runtime.services.handlers)  # an emulated operation without handler or schemas: refuse
    app = Flask("imm_emulator")
    app.config["RUNTIME"] = runtime
    app.config["OSS_DOMAIN"] = runtime.config.oss_domain
    app.url_map.merge_slashes = False  # "a//b" is a valid OSS key
    methods = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"]

    def root() -> Response:
        service = service_of_request()
        if service == "mns":
            return handle_mns(runtime)
        return handle_oss(runtime) if service == "oss" else handle_rpc(runtime)

    def path(_path: str) -> Response:
        return handle_mns(runtime) if service_of_request() == "mns" else handle_oss(runtime)

    app.add_url_rule("/", "root", root, methods=methods)
    app.add_url_rule("/<path:_path>", "oss", path, methods=methods, strict_slashes=False)
    app.register_blueprint(control_blueprint(runtime))

    wsgi_app = app.wsgi_app

    def guarded_wsgi_app(environ: dict[str, Any], start_response: Any) -> Any:
        guard_input(environ)  # body read errors become MalformedRequest
        return wsgi_app(environ, start_response)

    app.wsgi_app = guarded_wsgi_app  # type: ignore[method-assign]

    @app.before_request
    def _framing() -> None:
        check_content_length(request.headers.get("Content-Length"))

    @app.errorhandler(MalformedRequest)
    def _malformed(exc: MalformedRequest) -> Response:
        return malformed_response(runtime, str(exc))

    @app.errorhandler(404)
    @app.errorhandler(405)
    def _unrouted(exc: Exception) -> Response:
        if request.path.startswith("/_emulator/"):  # a method no route knows (QUERY, PROPFIND...)
            return error_response(runtime, unserved_error(request.path, request.method), new_request_id())
        error = ImmError(
            "InvalidApi.NotFound",
            f"Specified api is not found, please check your url and method. "
            f"{request.method} {request.path} is not served here.",
        )
        return error_response(runtime, error, new_request_id())

    @app.errorhandler(DropConnection)
    def _drop(exc: DropConnection) -> Response:
        connection = request.environ.get("werkzeug.socket")
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            return Response(b"", 500)  # never reaches the client: its connection is gone

        def cut_short():  # other servers: promise a body, then end the response without it
            raise ConnectionAbortedError("injected fault: connection dropped")
            yield b""

        return Response(cut_short(), 200, {"Content-Length": "1"}, direct_passthrough=True)

    @app.errorhandler(Exception)
    def _internal(exc: Exception) -> Response:
        request_id = new_request_id()
        code = getattr(exc, "code", None)
        if isinstance(code, int) and 400 <= code < 500:
            return error_response(runtime, ImmError("InvalidArgument", str(exc), code), request_id)
        return error_response(runtime, ImmError(unexpected(exc, request_id)), request_id)

    return app
