"""create_app(config): the Flask app. One port serves IMM RPC at ``/`` (``imm_rpc``), OSS path-style at
``/<bucket>/<key>`` (``oss``), MNS queues and topics to requests with MNS's headers (``mns``) and the
control API at ``/_emulator`` (``control``); here are the routes
between them and the answers to requests none of them takes (bad framing, unknown paths, crashes).
"""

from __future__ import annotations

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
    service_of,
    unexpected,
)
from .framing import (
    MalformedRequest,
    addressed_service,
    check_content_length,
    guard_input,
    query_names,
)
from .imm_rpc import DropConnection, dropped, handle_rpc, serve_rpc
from .mns import handle_mns
from .oss import handle_oss


def create_app(config: EmulatorConfig | None = None, runtime: Runtime | None = None) -> Flask:
    runtime = runtime or Runtime(config or EmulatorConfig())
    catalog.check(runtime.services.handlers)  # an emulated operation without handler or schemas: refuse
    app = Flask("imm_emulator")
    app.config["RUNTIME"] = runtime
    app.url_map.merge_slashes = False  # "a//b" is a valid OSS key
    methods = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"]

    domain = runtime.config.oss_domain

    def root() -> Response:
        service = service_of(request, domain)
        if service == "mns":
            return handle_mns(runtime)
        return handle_oss(runtime) if service == "oss" else handle_rpc(runtime, request)

    def path(_path: str) -> Response:
        return handle_mns(runtime) if service_of(request, domain) == "mns" else handle_oss(runtime)

    app.add_url_rule("/", "root", root, methods=methods)
    app.add_url_rule("/<path:_path>", "oss", path, methods=methods, strict_slashes=False)
    app.register_blueprint(control_blueprint(runtime))

    wsgi_app = app.wsgi_app

    rpc_methods = frozenset(methods)

    def guarded_wsgi_app(environ: dict[str, Any], start_response: Any) -> Any:
        guard_input(environ)  # body read errors become MalformedRequest
        if environ.get("PATH_INFO") == "/" and environ.get("REQUEST_METHOD") in rpc_methods:
            if _addressed(environ, domain) == "imm":  # the root route's IMM case, without Flask
                return serve_rpc(runtime, environ, start_response)
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
        return dropped(request.environ)

    @app.errorhandler(Exception)
    def _internal(exc: Exception) -> Response:
        request_id = new_request_id()
        code = getattr(exc, "code", None)
        if isinstance(code, int) and 400 <= code < 500:
            return error_response(runtime, ImmError("InvalidArgument", str(exc), code), request_id)
        return error_response(runtime, ImmError(unexpected(exc, request_id)), request_id)

    return app


def _addressed(environ: dict[str, Any], oss_domain: str) -> str:
    """addressed_service for ``/``, read straight from the environ (no Request object yet)."""
    names = query_names(environ.get("QUERY_STRING", ""))
    return addressed_service("/", names, _header_of(environ), oss_domain)


def _header_of(environ: dict[str, Any]):
    def header(name: str) -> str | None:
        return environ.get("HTTP_" + name.upper().replace("-", "_"))

    return header
