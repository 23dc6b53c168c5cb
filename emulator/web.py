"""Flask glue shared by the IMM endpoint, OSS and the control API: the request as the protocol layer
sees it, JSON answers and the IMM error envelope."""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import Response, request

from .errors import ImmError
from .protocol.rpc import HttpRequest
from .runtime import Runtime


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


def json_response(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    response = Response(text, status=status, mimetype="application/json")
    response.headers.update(headers or {})
    return response


def error_body(host_id: str, code: str, message: str, request_id: str) -> dict[str, str]:
    """IMM's error envelope."""
    return {
        "RequestId": request_id,
        "HostId": host_id,
        "Code": code,
        "Message": message,
        "Recommend": f"https://next.api.aliyun.com/troubleshoot?q={code}&product=imm",
    }


def error_response(runtime: Runtime, error: ImmError, request_id: str) -> Response:
    body = error_body(runtime.config.host_id, error.code, error.message, request_id)
    return json_response(body, error.http_status, {"x-acs-request-id": request_id, **error.headers})


MAX_RPC_BODY = 1 << 20


def http_request(*, with_body: bool = True) -> HttpRequest:
    """The current Flask request; ``with_body=False`` leaves the body unread (OSS uploads stream it).
    An RPC body is at most 1 MiB: more is refused before it is read."""
    body = b""
    if with_body:
        if (request.content_length or 0) > MAX_RPC_BODY:
            raise ImmError("InvalidArgument", f"The request body is larger than {MAX_RPC_BODY} bytes.", 413)
        body = request.stream.read(MAX_RPC_BODY + 1)
        if len(body) > MAX_RPC_BODY:
            raise ImmError("InvalidArgument", f"The request body is larger than {MAX_RPC_BODY} bytes.", 413)
    return HttpRequest(
        method=request.method,
        path=request.path,
        query_string=request.query_string.decode("utf-8", "replace"),
        headers=list(request.headers.items()),
        body=body,
        content_type=request.content_type or "",
    )
