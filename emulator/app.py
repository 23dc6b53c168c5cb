"""create_app(config): the Flask app. One port serves IMM RPC at ``/``, OSS path-style at
``/<bucket>/<key>`` and the control API at ``/_emulator``.

The only Flask-aware module on the IMM path: it turns Flask's request into a protocol HttpRequest,
runs protocol (identify, authenticate, type) -> imm (handle) -> JSON, and renders every failure as
the IMM error envelope.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from typing import Any

from flask import Flask, Response, request

from . import contract
from .clock import format_rfc3339
from .config import EmulatorConfig
from .control import control_blueprint, unserved_error
from .errors import ImmError
from .faults import FaultRule
from .framing import MalformedRequest, check_content_length, guard_input
from .imm import catalog
from .oss.http import handle_oss
from .protocol.params import typed_params
from .protocol.rpc import parse_rpc
from .runtime import Runtime
from .state.journal import mask
from .web import (
    error_response,
    http_request,
    json_response,
    malformed_response,
    new_request_id,
    service_of_request,
    unexpected,
)

log = logging.getLogger("imm_emulator")


def handle_rpc(runtime: Runtime) -> Response:
    request_id = new_request_id()
    started = time.perf_counter()
    trace: dict[str, Any] = {
        "kind": "imm",
        "request_id": request_id,
        "time": format_rfc3339(runtime.clock.wall_ns()),
    }
    try:
        wire = http_request()
        handlers = runtime.services.handlers
        call = parse_rpc(wire, handlers.keys(), catalog.operations().keys())
        trace.update(action=call.action, params=mask(call.params))
        caller = runtime.auth.authenticate(wire, call.params)
        trace.update(
            account=caller.account,
            access_key_id=caller.access_key_id,
            signature=caller.scheme,
            verified=caller.verified,
        )
        ctx = runtime.services.context(caller.account, request_id)
        fault = runtime.faults.check(call.action, caller.account, call.params)
        if fault is not None:
            trace["fault"] = {"id": fault.id, "kind": fault.kind}
            ctx.injected_failure = _apply(fault)
        params = typed_params(call.action, call.params)
        answer = {"RequestId": request_id, **handlers[call.action](ctx, params)}
        response, action = json_response(answer, headers={"x-acs-request-id": request_id}), call.action
    except DropConnection:
        trace.update(
            status=0, code="ConnectionDropped", latency_ms=round((time.perf_counter() - started) * 1000, 3)
        )
        runtime.journal.record(trace)
        raise
    except ImmError as error:
        response, answer, action = error_response(runtime, error, request_id), None, "error"
        trace.update(code=error.code, message=error.message)
    except Exception as exc:
        trace["code"] = unexpected(exc, request_id)
        response, answer, action = error_response(runtime, ImmError(trace["code"]), request_id), None, "error"
    if runtime.config.validate_responses:
        violations = contract.validate(action, answer or response.get_json(), strict=True)
        if violations:
            # The test that provoked a wrong answer fails there, with the JSON path of the problem.
            detail = "; ".join(str(v) for v in violations[:5])
            log.error("contract violation in the %s answer: %s", action, detail)
            trace.update(contract_violations=[str(v) for v in violations], code="InternalError")
            message = f"imm-emulator contract violation in the {action} answer: {detail}"
            response = error_response(runtime, ImmError("InternalError", message), request_id)
    trace.update(status=response.status_code, latency_ms=round((time.perf_counter() - started) * 1000, 3))
    runtime.journal.record(trace)
    return response


def _apply(fault: FaultRule) -> tuple[str, str] | None:
    """Carry out an injected fault; -> the failure the task this call creates is to end with, if any."""
    if fault.latency_ms:
        time.sleep(fault.latency_ms / 1000)
    if fault.kind == "drop":
        raise DropConnection()
    if fault.kind in ("error", "throttle"):
        raise fault.error()
    if fault.kind == "task_failure":
        return fault.code, fault.message or "The task failed (injected fault)."
    return None


class DropConnection(Exception):
    """Close the client's connection without an answer."""


def create_app(config: EmulatorConfig | None = None, runtime: Runtime | None = None) -> Flask:
    runtime = runtime or Runtime(config or EmulatorConfig())
    catalog.check(runtime.services.handlers)  # an emulated operation without handler or schemas: refuse
    app = Flask("imm_emulator")
    app.config["RUNTIME"] = runtime
    app.url_map.merge_slashes = False  # "a//b" is a valid OSS key
    methods = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH", "OPTIONS"]

    def root() -> Response:
        return handle_oss(runtime) if service_of_request() == "oss" else handle_rpc(runtime)

    app.add_url_rule("/", "root", root, methods=methods)
    app.add_url_rule(
        "/<path:_path>", "oss", lambda _path: handle_oss(runtime), methods=methods, strict_slashes=False
    )
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
