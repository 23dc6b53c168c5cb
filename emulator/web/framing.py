"""Broken HTTP framing is the client's fault: a 400 in the envelope of the service addressed, never a 500.

Framing is what says where a request body ends: ``Content-Length`` or chunked transfer coding. A bad
chunk size, a chunk longer than its size line, a body that ends before its length or final chunk, a
negative or non-numeric ``Content-Length``: the WSGI servers find some of these themselves (waitress
before the app runs, werkzeug in ``http.server``'s parser) and the rest surface as exceptions while the
app reads the body. Every path ends here, in one ``MalformedRequest`` and one way to render it, so the
answer is IMM's JSON envelope on the IMM and control paths and OSS's XML on OSS paths, whichever
server runs. No Flask in this module: the servers' own error paths use it without a request context.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO, Literal
from urllib.parse import unquote_plus

from ..errors import OssError
from ..mns.topics import XMLNS as MNS_XMLNS
from ..protocol import oss_xml
from ..protocol.oss_host import virtual_bucket

Service = Literal["imm", "oss", "mns", "control"]
CHUNK = 1 << 16

_DIGITS = re.compile(r"[0-9]+")


class MalformedRequest(Exception):
    """The request's framing is broken or its body ended early."""


def check_content_length(value: str | None) -> None:
    """RFC 9112 6.3: a Content-Length that is not one non-negative decimal number is unrecoverable."""
    if value is not None and not _DIGITS.fullmatch(value.strip(" \t")):
        raise MalformedRequest(f"The Content-Length header {value[:40]!r} is not a non-negative integer.")


def addressed_service(
    path: str, query_names: Iterable[str], header: Callable[[str], str | None], oss_domain: str = ""
) -> Service:
    """Which service a request is for, from its target and headers alone. ``/`` is IMM unless it carries
    an OSS signature (then it is OSS's ListBuckets) or its Host names a bucket (virtual-hosted OSS),
    ``/_emulator`` is the control API, a request with MNS's headers (``x-mns-version``,
    ``Authorization: MNS``) is MNS, the rest OSS."""
    if path == "/_emulator" or path.startswith("/_emulator/"):
        return "control"
    if header("x-mns-version") is not None or (header("Authorization") or "").startswith("MNS "):
        return "mns"
    if path not in ("", "/") or virtual_bucket(header("Host") or "", oss_domain):
        return "oss"
    names = set(query_names)
    if header("x-acs-action") is not None or "Action" in names:
        return "imm"
    authorization = header("Authorization") or ""
    if authorization.startswith(("OSS ", "OSS2 ", "OSS4-")) or names & {"OSSAccessKeyId", "x-oss-signature"}:
        return "oss"
    return "imm"


def imm_error_body(host_id: str, code: str, message: str, request_id: str) -> dict[str, str]:
    """IMM's error envelope."""
    return {
        "RequestId": request_id,
        "HostId": host_id,
        "Code": code,
        "Message": message,
        "Recommend": f"https://next.api.aliyun.com/troubleshoot?q={code}&product=imm",
    }


def malformed_answer(
    service: Service,
    message: str,
    *,
    host_id: str,
    region: str,
    status: int = 400,
    reason: str = "Bad Request",
    head: bool = False,
) -> tuple[int, list[tuple[str, str]], bytes]:
    """(status, headers, body) of the answer to a request whose framing is broken or that a server's
    parser refused, in the addressed service's shape: code ``InvalidArgument`` for a 400, else the
    reason phrase run together (``RequestHeaderFieldsTooLarge``)."""
    code = "InvalidArgument" if status == 400 else re.sub(r"[^A-Za-z]", "", reason) or "InvalidArgument"
    if service == "oss":
        request_id = uuid.uuid4().hex[:24].upper()
        error = OssError(code, message, http_status=status)
        document = oss_xml.error_document(error, request_id, f"oss-{region}.aliyuncs.com")
        headers = [("Content-Type", "application/xml"), ("x-oss-request-id", request_id)]
        headers.append(("x-oss-ec", error.ec))
        if head:
            return status, [*headers, ("x-oss-err", base64.b64encode(document).decode())], b""
        return status, headers, document
    if service == "mns":
        request_id = uuid.uuid4().hex[:24].upper()
        document = mns_error_document(code, message, request_id, f"http://mns.{region}.emulator")
        return (
            status,
            [("Content-Type", "text/xml;charset=utf-8"), ("x-mns-request-id", request_id)],
            document,
        )
    request_id = str(uuid.uuid4()).upper()
    body = json.dumps(imm_error_body(host_id, code, message, request_id)).encode()
    headers = [("Content-Type", "application/json;charset=utf-8"), ("x-acs-request-id", request_id)]
    return status, headers, body


def mns_error_document(code: str, message: str, request_id: str, host_id: str) -> bytes:
    children = [("Code", code), ("Message", message), ("RequestId", request_id), ("HostId", host_id)]
    inner = "".join(oss_xml.render_node(child) for child in children)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Error xmlns="{MNS_XMLNS}">{inner}</Error>'.encode()


def unreadable_body(exc: Exception) -> MalformedRequest:
    return MalformedRequest(f"The request body could not be read: {exc}.")


def short_body(missing: int) -> MalformedRequest:
    return MalformedRequest(f"The request body ended {missing} bytes short of its Content-Length.")


def query_names(query: str) -> list[str]:
    """The parameter names in a query string, as addressed_service takes them."""
    return [unquote_plus(part.split("=", 1)[0]) for part in query.split("&")] if query else []


class GuardedInput:
    """``wsgi.input`` whose read errors are ``MalformedRequest``: werkzeug's chunked decoder raises
    OSError/ValueError for bad framing, a socket raises OSError when the client goes away mid-body, and
    a body shorter than its Content-Length just ends. Failures writing what was read (a full disk) are
    not raised here, so they stay server faults. Only ``read``/``readline`` (no ``readinto``): werkzeug's
    length-limited stream then reads through them."""

    def __init__(self, raw: BinaryIO, length: int | None) -> None:
        self._raw = raw
        self._left = length  # None: chunked or no declared length

    def read(self, size: int | None = -1) -> bytes:
        return self._guarded(self._raw.read, size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._guarded(self._raw.readline, size)

    def _guarded(self, method: Callable[[int], bytes], size: int | None) -> bytes:
        try:
            data = method(-1 if size is None else size)
        except (OSError, ValueError) as exc:
            raise unreadable_body(exc) from None
        if self._left is not None:
            if not data and size != 0 and self._left > 0:
                raise short_body(self._left)
            self._left -= len(data)
        return data

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline(CHUNK):
            yield line

    def close(self) -> None:
        self._raw.close()


def guard_input(environ: dict[str, Any]) -> None:
    """Wrap the environ's ``wsgi.input`` in a ``GuardedInput`` (once)."""
    raw = environ.get("wsgi.input")
    if raw is None or isinstance(raw, GuardedInput):
        return
    chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    declared = environ.get("CONTENT_LENGTH", "")
    length = int(declared) if not chunked and _DIGITS.fullmatch(declared.strip()) else None
    environ["wsgi.input"] = GuardedInput(raw, length)
