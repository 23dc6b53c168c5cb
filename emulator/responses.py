"""JSON answers and the IMM error envelope, for the IMM endpoint and the control API alike."""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import Response

from .errors import ImmError
from .runtime import Runtime


def new_request_id() -> str:
    return str(uuid.uuid4()).upper()


def json_response(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    response = Response(text, status=status, mimetype="application/json")
    response.headers.update(headers or {})
    return response


def error_response(runtime: Runtime, error: ImmError, request_id: str) -> Response:
    body = {
        "RequestId": request_id,
        "HostId": runtime.config.host_id,
        "Code": error.code,
        "Message": error.message,
        "Recommend": f"https://next.api.aliyun.com/troubleshoot?q={error.code}&product=imm",
    }
    return json_response(body, error.http_status, {"x-acs-request-id": request_id, **error.headers})
