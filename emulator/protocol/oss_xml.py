"""OSS XML: the documents OSS answers with, and the two it accepts (Delete, CompleteMultipartUpload).

Documents are nested ``(tag, content)`` pairs: content is text, a list of pairs, or None (omitted).
oss2 parses strictly, so element names, order and formats follow what it reads.
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from typing import Any
from urllib.parse import quote, unquote
from xml.sax.saxutils import escape

from ..errors import OssError, ascii_int

MAX_XML_BODY = 2 << 20
Node = tuple[str, Any]


def render(root: Node) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + render_node(root)).encode()


def render_node(node: Node) -> str:
    tag, content = node
    if content is None:
        return ""
    if isinstance(content, list):
        return f"<{tag}>" + "".join(render_node(child) for child in content) + f"</{tag}>"
    return f"<{tag}>{escape(str(content))}</{tag}>"


def iso_ms(t_ns: int) -> str:
    """``2024-01-02T03:04:05.000Z``: oss2 accepts only this exact shape in listings."""
    return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(t_ns // 1_000_000_000))


def encoder(encoding_type: str):
    """``encoding-type=url`` percent-encodes keys and prefixes (``/`` too), as OSS does."""
    if encoding_type == "url":
        return lambda text: quote(text, safe="")
    return lambda text: text


def error_document(error: OssError, request_id: str, host_id: str) -> bytes:
    children = [
        ("Code", error.code),
        ("Message", error.message),
        ("RequestId", request_id),
        ("HostId", host_id),
    ]
    children += [(name, value) for name, value in error.extra.items()]
    children.append(("EC", error.ec))
    return render(("Error", children))


def parse(body: bytes, root: str) -> ET.Element:
    if len(body) > MAX_XML_BODY:
        raise OssError("EntityTooLarge", "The XML body is larger than 2 MB.")
    try:
        element = ET.fromstring(body)
    except ET.ParseError as exc:
        raise OssError("MalformedXML", f"The XML you provided was not well-formed: {exc}.") from exc
    if element.tag != root:
        raise OssError("MalformedXML", f"The XML root must be <{root}>, not <{element.tag}>.")
    return element


def parse_delete(body: bytes, encoding_type: str) -> tuple[bool, list[str]]:
    """``<Delete><Quiet>true</Quiet><Object><Key>k</Key></Object>...</Delete>`` -> (quiet, keys)."""
    element = parse(body, "Delete")
    quiet = (element.findtext("Quiet") or "false").strip().lower() == "true"
    keys = [obj.findtext("Key") or "" for obj in element.findall("Object")]
    if encoding_type == "url":
        keys = [unquote(k) for k in keys]
    if not keys or len(keys) > 1000:
        raise OssError("MalformedXML", "A Delete request names 1 to 1000 objects.")
    return quiet, keys


def parse_complete(body: bytes) -> list[tuple[int, str]]:
    element = parse(body, "CompleteMultipartUpload")
    parts = []
    for part in element.findall("Part"):
        number = (part.findtext("PartNumber") or "").strip()
        value = ascii_int(number)
        if value is None:
            raise OssError("MalformedXML", f"PartNumber {number!r} is not a number.")
        parts.append((value, (part.findtext("ETag") or "").strip()))
    return parts
