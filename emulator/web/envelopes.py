"""Flask glue shared by the IMM endpoint, OSS and the control API: the request as the protocol layer
sees it, JSON answers and the IMM error envelope."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any, Protocol

from flask import Response, request
from werkzeug.wrappers import Request

from ..errors import ImmError
from ..protocol.rpc import HttpRequest
from ..runtime import Runtime
from ..state.disk import storage_full
from .framing import Service, addressed_service, imm_error_body, malformed_answer

log = logging.getLogger("imm_emulator")


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


def json_response(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    response = Response(text, status=status, mimetype="application/json")
    response.headers.update(headers or {})
    return response


def error_response(runtime: Runtime, error: ImmError, request_id: str) -> Response:
    body = imm_error_body(runtime.config.host_id, error.code, error.message, request_id)
    return json_response(body, error.http_status, {"x-acs-request-id": request_id, **error.headers})


def service_of(req: Request, oss_domain: str) -> Service:
    """The service ``req`` addresses ("imm", "oss", "mns" or "control")."""
    return addressed_service(req.path, req.args.keys(), req.headers.get, oss_domain)


def malformed_response(runtime: Runtime, message: str, req: Request | None = None) -> Response:
    """The 400 for broken framing, in the envelope of the service addressed. ``req``: the request, if
    not Flask's current one (so for every function here taking it)."""
    req = req or request
    status, headers, body = malformed_answer(
        service_of(req, runtime.config.oss_domain),
        message,
        host_id=runtime.config.host_id,
        region=runtime.config.region,
        head=req.method == "HEAD",
    )
    return Response(body, status, headers)


MAX_RPC_BODY = 1 << 20


def http_request(*, with_body: bool = True, req: Request | None = None) -> HttpRequest:
    """The request as the protocol layer sees it; ``with_body=False`` leaves the body unread (OSS uploads
    stream it). An RPC body is at most 1 MiB: more is refused; one that cannot be read raises
    MalformedRequest."""
    req = req or request
    body = b""
    if with_body:
        read = read_body(MAX_RPC_BODY, req)
        if read is None:
            raise ImmError("InvalidArgument", f"The request body is larger than {MAX_RPC_BODY} bytes.", 413)
        body = read
    return HttpRequest(
        method=req.method,
        path=req.path,
        query_string=req.query_string.decode("utf-8", "replace"),
        headers=list(req.headers.items()),
        body=body,
        content_type=req.content_type or "",
    )


def read_body(limit: int, req: Request | None = None) -> bytes | None:
    """The request body (read once per request, then cached), or None when it is longer than ``limit``.
    The cap holds for the bytes read, not only the declared Content-Length: a chunked body declares
    none, and at most ``limit + 1`` bytes of it are read."""
    req = req or request
    cached = req.environ.get("imm_emulator.body")
    if cached is None:
        if (req.content_length or 0) > limit:
            return None
        cached = req.environ["imm_emulator.body"] = _read_up_to(limit + 1, req)
    return None if len(cached) > limit else cached


def _read_up_to(limit: int, req: Request) -> bytes:
    """The body, or its first ``limit`` bytes; read to its end, so a body that ends early is noticed."""
    parts, size = [], 0
    while size < limit:
        part = req.stream.read(limit - size)
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


class RequestLine(Protocol):
    """What names a request in the log: werkzeug's Request, or the protocol layer's HttpRequest."""

    @property
    def method(self) -> str: ...

    @property
    def path(self) -> str: ...


def unexpected(exc: Exception, request_id: str, req: RequestLine | None = None) -> str:
    """The error code for an exception no layer turned into an answer: ``InsufficientStorage`` for a full
    disk (a warning, no traceback: nothing is broken), else ``InternalError``, logged with its traceback.
    A client still sending its body receives the answer: werkzeug reads what is left after answering,
    waitress has read it all before."""
    req = req or request
    if storage_full(exc):
        log.warning("disk full serving %s %s: %s", req.method, req.path, exc)
        return "InsufficientStorage"
    log.exception("InternalError serving %s %s (request %s)", req.method, req.path, request_id)
    return "InternalError"
