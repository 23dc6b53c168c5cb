"""create_app(config): the Flask app. One port serves IMM RPC at ``/`` and the control API.

The only Flask-aware module on the IMM path: it turns Flask's request into a protocol HttpRequest,
runs protocol (identify, authenticate, type) -> imm (handle) -> JSON, and renders every failure as
the IMM error envelope.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request

from . import imm
from .config import EmulatorConfig
from .control import control_blueprint
from .errors import ImmError
from .protocol.params import typed_params
from .protocol.rpc import HttpRequest, parse_rpc
from .responses import error_response, json_response, new_request_id
from .runtime import Runtime

log = logging.getLogger("imm_emulator")


def http_request() -> HttpRequest:
    return HttpRequest(
        method=request.method,
        path=request.path,
        query_string=request.query_string.decode("utf-8", "replace"),
        headers=list(request.headers.items()),
        body=request.get_data(cache=True),
        content_type=request.content_type or "",
    )


def handle_rpc(runtime: Runtime) -> Response:
    request_id = new_request_id()
    try:
        wire = http_request()
        call = parse_rpc(wire, imm.OPERATIONS.keys())
        caller = runtime.auth.authenticate(wire, call.params)
        runtime.faults.check(call.action, caller.account)
        params = typed_params(call.action, call.params)
        ctx = imm.Context(caller.account, request_id, runtime.store, runtime.clock, runtime.config)
        result = imm.OPERATIONS[call.action](ctx, params)
    except ImmError as error:
        return error_response(runtime, error, request_id)
    except Exception:
        log.exception("InternalError serving request %s", request_id)
        return error_response(runtime, ImmError("InternalError"), request_id)
    return json_response({"RequestId": request_id, **result}, headers={"x-acs-request-id": request_id})


def create_app(config: EmulatorConfig | None = None, runtime: Runtime | None = None) -> Flask:
    runtime = runtime or Runtime(config or EmulatorConfig())
    app = Flask("imm_emulator")
    app.config["RUNTIME"] = runtime
    app.add_url_rule("/", "imm_rpc", lambda: handle_rpc(runtime), methods=["GET", "POST"])
    app.register_blueprint(control_blueprint(runtime))

    @app.errorhandler(404)
    @app.errorhandler(405)
    def _unrouted(exc: Exception) -> Response:
        error = ImmError(
            "InvalidApi.NotFound",
            f"Specified api is not found, please check your url and method. "
            f"{request.method} {request.path} is not served here.",
        )
        return error_response(runtime, error, new_request_id())

    @app.errorhandler(Exception)
    def _internal(exc: Exception) -> Response:
        request_id = new_request_id()
        code = getattr(exc, "code", None)
        if isinstance(code, int) and 400 <= code < 500:
            return error_response(runtime, ImmError("InvalidArgument", str(exc), code), request_id)
        log.exception("InternalError serving request %s", request_id)
        return error_response(runtime, ImmError("InternalError"), request_id)

    return app
