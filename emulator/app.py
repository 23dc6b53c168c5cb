"""create_app(config): the Flask app. One port serves IMM RPC at ``/``, OSS path-style at
``/<bucket>/<key>`` and the control API at ``/_emulator``.

The only Flask-aware module on the IMM path: it turns Flask's request into a protocol HttpRequest,
runs protocol (identify, authenticate, type) -> imm (handle) -> JSON, and renders every failure as
the IMM error envelope.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, request

from . import contract
from .config import EmulatorConfig
from .control import control_blueprint
from .errors import ImmError
from .imm.handlers import OPERATIONS
from .oss.http import handle_oss, is_oss_request
from .protocol.params import typed_params
from .protocol.rpc import parse_rpc
from .runtime import Runtime
from .web import error_response, http_request, json_response, new_request_id

log = logging.getLogger("imm_emulator")


def handle_rpc(runtime: Runtime) -> Response:
    request_id = new_request_id()
    try:
        wire = http_request()
        call = parse_rpc(wire, OPERATIONS.keys())
        caller = runtime.auth.authenticate(wire, call.params)
        runtime.faults.check(call.action, caller.account)
        params = typed_params(call.action, call.params)
        ctx = runtime.services.context(caller.account, request_id)
        answer = {"RequestId": request_id, **OPERATIONS[call.action](ctx, params)}
        response = json_response(answer, headers={"x-acs-request-id": request_id})
        action = call.action
    except ImmError as error:
        response, answer, action = error_response(runtime, error, request_id), None, "error"
    except Exception:
        log.exception("InternalError serving request %s", request_id)
        return error_response(runtime, ImmError("InternalError"), request_id)
    if runtime.config.validate_responses:
        violations = contract.validate(action, answer or response.get_json(), strict=True)
        if violations:
            # The test that provoked a wrong answer fails there, with the JSON path of the problem.
            detail = "; ".join(str(v) for v in violations[:5])
            log.error("contract violation in the %s answer: %s", action, detail)
            message = f"imm-emulator contract violation in the {action} answer: {detail}"
            return error_response(runtime, ImmError("InternalError", message), request_id)
    return response


def create_app(config: EmulatorConfig | None = None, runtime: Runtime | None = None) -> Flask:
    runtime = runtime or Runtime(config or EmulatorConfig())
    app = Flask("imm_emulator")
    app.config["RUNTIME"] = runtime
    app.url_map.merge_slashes = False  # "a//b" is a valid OSS key
    methods = ["GET", "HEAD", "PUT", "POST", "DELETE"]

    def root() -> Response:
        return handle_oss(runtime) if is_oss_request() else handle_rpc(runtime)

    app.add_url_rule("/", "root", root, methods=methods)
    app.add_url_rule(
        "/<path:_path>", "oss", lambda _path: handle_oss(runtime), methods=methods, strict_slashes=False
    )
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
