"""The IMM RPC adapter: the request -> protocol (identify, authenticate, type) -> the emulator's handler
for the action -> JSON, with fault rules applied, every failure rendered as the IMM error envelope and
every call journaled.

IMM RPC is most of what a downstream suite sends, so ``serve_rpc`` answers it as a plain WSGI call,
without Flask's per-request machinery (request context, routing, hooks): a quarter of the server's time
per call went there.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from typing import Any

from flask import Response
from werkzeug.wrappers import Request

from .. import contract
from ..clock import format_rfc3339
from ..errors import ImmError
from ..faults import FaultRule
from ..imm import catalog
from ..protocol.params import typed_params
from ..protocol.rpc import parse_rpc
from ..runtime import Runtime
from ..state.journal import mask
from .envelopes import (
    error_response,
    http_request,
    json_response,
    malformed_response,
    new_request_id,
    unexpected,
)
from .framing import MalformedRequest, check_content_length

log = logging.getLogger("imm_emulator")


def serve_rpc(runtime: Runtime, environ: dict[str, Any], start_response: Any) -> Any:
    """The WSGI answer to an IMM RPC request (the app routes here: see app.py)."""
    req = Request(environ)
    try:
        check_content_length(req.headers.get("Content-Length"))
        response = handle_rpc(runtime, req)
    except MalformedRequest as exc:
        response = malformed_response(runtime, str(exc), req)
    except DropConnection:
        response = dropped(environ)
    return response(environ, start_response)


def handle_rpc(runtime: Runtime, req: Request) -> Response:
    request_id = new_request_id()
    started = time.perf_counter()
    trace: dict[str, Any] = {
        "kind": "imm",
        "request_id": request_id,
        "time": format_rfc3339(runtime.clock.wall_ns()),
    }
    try:
        wire = http_request(req=req)
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
        trace["code"] = unexpected(exc, request_id, req)
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


def dropped(environ: dict[str, Any]) -> Response:
    """What answers a DropConnection: werkzeug's socket shut down, or, on other servers, a response that
    promises a body and ends without it."""
    connection = environ.get("werkzeug.socket")
    if connection is not None:
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
        return Response(b"", 500)  # never reaches the client: its connection is gone

    def cut_short():
        raise ConnectionAbortedError("injected fault: connection dropped")
        yield b""

    return Response(cut_short(), 200, {"Content-Length": "1"}, direct_passthrough=True)
