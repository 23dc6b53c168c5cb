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
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import Response
from werkzeug.wrappers import Request

from .. import contract
from ..clock import format_rfc3339
from ..errors import ImmError
from ..faults import FaultRule
from ..imm import catalog
from ..protocol.params import typed_params
from ..protocol.rpc import HttpRequest, parse_rpc
from ..runtime import Runtime
from ..state.journal import mask
from .envelopes import (
    MAX_RPC_BODY,
    RequestLine,
    error_response,
    http_request,
    json_response,
    malformed_response,
    new_request_id,
    unexpected,
)
from .framing import (
    MalformedRequest,
    addressed_service,
    check_content_length,
    query_names,
    short_body,
    unreadable_body,
)
from .keepalive import KeepAliveHandler

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


def direct_rpc(runtime: Runtime) -> Callable[[KeepAliveHandler], Response | None]:
    """For werkzeug's handler, which asks it first: a plain IMM RPC call (GET or POST to ``/``, its body
    framed by a Content-Length of at most 1 MiB, each header once) is answered from the parsed head,
    without a WSGI environ and a Request (a third of the server's time per call); None sends anything
    else the WSGI way. The answer is the one ``serve_rpc`` gives: the same ``answer_rpc``, the same
    request as the protocol layer sees it (werkzeug's header names and rules)."""
    domain = runtime.config.oss_domain

    def answer(handler: KeepAliveHandler) -> Response | None:
        plain = _plain_call(handler, domain)
        if plain is None:
            return None
        wire, length = plain

        def read() -> HttpRequest:
            wire.body = _read_body(handler, length)
            return wire

        try:
            return answer_rpc(runtime, wire, read)
        except DropConnection:
            handler.close_connection = True
            return dropped({"werkzeug.socket": handler.connection})

    return answer


_DIRECT_METHODS = frozenset({"GET", "POST"})
_NOT_PLAIN = frozenset({"transfer-encoding", "expect"})
_UNLISTED_IF_EMPTY = frozenset({"content-type", "content-length"})  # as werkzeug's EnvironHeaders


def _plain_call(handler: KeepAliveHandler, domain: str) -> tuple[HttpRequest, int] | None:
    """The request (body still unread) and its length, if it is a plain IMM RPC call."""
    target, received = handler.path, handler.plain_headers
    if (
        received is None
        or handler.command not in _DIRECT_METHODS
        or handler.request_version not in ("HTTP/1.0", "HTTP/1.1")
        or (target != "/" and not target.startswith("/?"))
    ):
        return None
    fields, first = [], {}
    for name, value in received:
        lower = name.lower()
        if "_" in name or lower in first or lower in _NOT_PLAIN:  # werkzeug drops, joins, dechunks these
            return None
        first[lower] = value
        if value or lower not in _UNLISTED_IF_EMPTY:
            fields.append((name.title(), value))
    declared = first.get("content-length")
    if declared is not None and not (declared.isascii() and declared.isdigit()):
        return None
    length = int(declared or 0)
    query = urlsplit(target).query

    def header(name: str) -> str | None:
        return first.get(name.lower())

    if length > MAX_RPC_BODY or addressed_service("/", query_names(query), header, domain) != "imm":
        return None
    content_type = first.get("content-type", "")
    return HttpRequest(handler.command, "/", query, fields, content_type=content_type), length


def _read_body(handler: KeepAliveHandler, length: int) -> bytes:
    if not length:
        return b""
    try:
        body = handler.rfile.read(length)
    except (OSError, ValueError) as exc:
        handler.close_connection = True
        raise unreadable_body(exc) from None
    if len(body) < length:
        handler.close_connection = True
        raise short_body(length - len(body))
    return body


def handle_rpc(runtime: Runtime, req: Request) -> Response:
    return answer_rpc(runtime, req, lambda: http_request(req=req))


def answer_rpc(runtime: Runtime, target: RequestLine, read: Callable[[], HttpRequest]) -> Response:
    """The answer to one RPC call; ``read`` gives the request (its body read, to 1 MiB) and raises
    MalformedRequest if the body cannot be read, ``target`` names it in the log."""
    request_id = new_request_id()
    started = time.perf_counter()
    trace: dict[str, Any] = {
        "kind": "imm",
        "request_id": request_id,
        "time": format_rfc3339(runtime.clock.wall_ns()),
    }
    try:
        try:
            wire = read()
        except MalformedRequest as exc:
            raise ImmError("InvalidArgument", str(exc)) from None
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
        trace["code"] = unexpected(exc, request_id, target)
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
