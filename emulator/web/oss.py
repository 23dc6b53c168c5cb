"""OSS over HTTP, path-style (``/<bucket>/<key>``) on the emulator's one port.

Turns Flask's request into calls on ``Oss`` and answers what oss2 and alibabacloud-oss-v2 read from
the real service: XML documents, ``x-oss-request-id``, RFC 1123 ``Last-Modified``, a CRC-64 header that
is correct or absent (both SDKs compare it with their own when present), and errors as OSS XML (for
HEAD, which has no body, base64 of that XML in ``x-oss-err``, which both SDKs decode).
"""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterator
from email.utils import formatdate
from typing import BinaryIO
from urllib.parse import unquote, unquote_to_bytes

from flask import Response, request

from ..clock import format_rfc3339
from ..errors import OssError, ascii_int
from ..oss.listing import DEFAULT_KEYS, MAX_KEYS, list_objects
from ..oss.model import STORED_HEADERS, NewObject, ObjectInfo
from ..protocol import oss_xml as xml
from ..protocol.oss_host import virtual_bucket
from ..runtime import Runtime
from ..state.blobs import CHUNK, read_chunks
from ..state.journal import mask
from .envelopes import http_request, read_body, unexpected
from .framing import MalformedRequest

MAX_OBJECT_SIZE = 5 << 30
OWNER_ID = "imm-emulator"


def handle_oss(runtime: Runtime) -> Response:
    request_id = uuid.uuid4().hex[:24].upper()
    started = time.perf_counter()
    trace: dict = {
        "kind": "oss",
        "request_id": request_id,
        "time": format_rfc3339(runtime.clock.wall_ns()),
        "method": request.method,
        "params": mask(dict(request.args)),
    }
    try:
        bucket, key = _split_path(runtime.config.oss_domain)
        trace.update(action=operation_name(bucket, key), bucket=bucket, key=key)
        trace.update(host=request.host, signature=_scheme_tried())
        caller = runtime.oss_auth.authenticate(http_request(with_body=False), bucket, key)
        trace.update(
            account=caller.account,
            access_key_id=caller.access_key_id,
            signature=caller.scheme,
            verified=caller.verified,
        )
        response = _dispatch(runtime, caller.account, bucket, key)
    except (OssError, MalformedRequest) as failure:
        error = failure if isinstance(failure, OssError) else OssError("InvalidArgument", str(failure))
        response = _error(runtime, error, request_id)
        trace.update(code=error.code, message=error.message)
    except Exception as exc:
        trace["code"] = unexpected(exc, request_id)
        response = _error(runtime, OssError(trace["code"]), request_id)
    response.headers["x-oss-request-id"] = request_id
    trace.update(status=response.status_code, latency_ms=round((time.perf_counter() - started) * 1000, 3))
    runtime.journal.record(trace)
    return response


def _scheme_tried() -> str:
    """The signature scheme a request claims (journalled, so a refused client shows what it sent)."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return authorization.split(" ", 1)[0][:32]
    args = request.args
    if "x-oss-signature" in args:
        return args.get("x-oss-signature-version", "OSS4-query")[:32]
    return "OSS-query" if "Signature" in args else "anonymous"


def operation_name(bucket: str, key: str) -> str:
    """The OSS API name of the current request, for the journal."""
    method, args, headers = request.method, request.args, request.headers
    if not bucket:
        return "ListBuckets"
    if not key:
        for sub, name in (
            ("acl", "BucketAcl"),
            ("location", "BucketLocation"),
            ("bucketInfo", "BucketInfo"),
            ("uploads", "ListMultipartUploads"),
            ("delete", "DeleteMultipleObjects"),
        ):
            if sub in args:
                return name if name.startswith(("List", "Delete")) else f"{method.title()}{name}"
        return {
            "PUT": "PutBucket",
            "DELETE": "DeleteBucket",
            "GET": "ListObjectsV2" if args.get("list-type") == "2" else "ListObjects",
        }.get(method, f"{method} bucket")
    if "uploadId" in args:
        return {
            "PUT": "UploadPart",
            "POST": "CompleteMultipartUpload",
            "DELETE": "AbortMultipartUpload",
            "GET": "ListParts",
        }.get(method, "Multipart")
    if method == "POST" and "uploads" in args:
        return "InitiateMultipartUpload"
    if method == "PUT" and "x-oss-copy-source" in headers:
        return "CopyObject"
    if method == "HEAD" and "objectMeta" in args:
        return "GetObjectMeta"
    return {"PUT": "PutObject", "GET": "GetObject", "HEAD": "HeadObject", "DELETE": "DeleteObject"}.get(
        method, f"{method} object"
    )


def _split_path(oss_domain: str = "") -> tuple[str, str]:
    """Bucket and key from the Host (virtual-hosted style) or the raw request target (path style;
    werkzeug's PATH_INFO would merge ``%2F`` and ``/`` fine, but loses nothing only in the raw form);
    WSGI strings are latin-1 views of the bytes."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI")
    if raw:
        path = raw.split("?", 1)[0]
        if "://" in path[:10]:  # absolute-form request target
            path = "/" + path.split("://", 1)[1].partition("/")[2]
        data = unquote_to_bytes(path.encode("latin-1"))
    else:
        data = request.environ.get("PATH_INFO", "/").encode("latin-1")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise OssError("InvalidObjectName", "The object name is not valid UTF-8.") from None
    hosted = virtual_bucket(request.host, oss_domain)
    if hosted:
        return hosted, text[1:] if text.startswith("/") else text
    bucket, _, key = text.lstrip("/").partition("/")
    return bucket, key


def _error(runtime: Runtime, error: OssError, request_id: str) -> Response:
    document = xml.error_document(error, request_id, f"oss-{runtime.config.region}.aliyuncs.com")
    headers = {"x-oss-ec": error.ec}
    if request.method == "HEAD":
        headers["x-oss-err"] = base64.b64encode(document).decode()
        return Response(b"", error.http_status, headers, content_type="application/xml")
    return Response(document, error.http_status, headers, content_type="application/xml")


def _xml(node: xml.Node, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(xml.render(node), status, headers or {}, content_type="application/xml")


def _empty(status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(b"", status)
    response.headers.update(headers or {})  # after the body, so a HEAD keeps the object's Content-Length
    return response


def _dispatch(runtime: Runtime, account: str, bucket: str, key: str) -> Response:
    oss, method, args = runtime.oss, request.method, request.args
    if not bucket:
        if method == "GET":
            return _list_buckets(runtime, account)
        raise OssError("MethodNotAllowed")
    if not key:
        return _bucket_operation(runtime, account, bucket)
    if method == "PUT":
        if "uploadId" in args:
            return _upload_part(runtime, account, bucket, key)
        source = request.headers.get("x-oss-copy-source")
        if source:
            return _copy(runtime, account, bucket, key, source)
        if args.keys() & {"acl", "tagging", "symlink", "append"}:
            raise _not_emulated("this object sub-resource")
        info = oss.put(
            account,
            bucket,
            key,
            _body_chunks(),
            _new_object(),
            forbid_overwrite=request.headers.get("x-oss-forbid-overwrite", "").lower() == "true",
        )
        return _empty(headers=_write_headers(info))
    if method in ("GET", "HEAD"):
        if "uploadId" in args and method == "GET":
            return _list_parts(runtime, account, bucket, key)
        info = oss.head(account, bucket, key)
        if "objectMeta" in args:
            return _empty(headers=_object_meta_headers(info))
        if method == "HEAD":
            return _empty(headers={**_object_headers(info), "Content-Length": str(info.size)})
        return _get_object(runtime, account, bucket, info)
    if method == "DELETE":
        if "uploadId" in args:
            oss.abort(account, bucket, key, args["uploadId"])
        else:
            oss.delete(account, bucket, key)
        return _empty(204)
    if method == "POST":
        if "uploads" in args:
            upload_id = oss.initiate(account, bucket, key, _new_object())
            return _xml(
                ("InitiateMultipartUploadResult", [("Bucket", bucket), ("Key", key), ("UploadId", upload_id)])
            )
        if "uploadId" in args:
            return _complete(runtime, account, bucket, key)
        raise _not_emulated("AppendObject and other POST object operations")
    raise OssError("MethodNotAllowed")


# --- service and bucket operations ----------------------------------------------------------------
def _list_buckets(runtime: Runtime, account: str) -> Response:
    prefix, marker = request.args.get("prefix", ""), request.args.get("marker", "")
    max_keys = _int_arg("max-keys", 100, 1, 1000)
    buckets = [b for b in runtime.oss.list_buckets(account, prefix) if b["name"] > marker]
    page, truncated = buckets[:max_keys], len(buckets) > max_keys
    region = runtime.config.region
    entries = [("Bucket", [
        ("CreationDate", xml.iso_ms(b["created_ns"])), ("ExtranetEndpoint", f"oss-{region}.aliyuncs.com"),
        ("IntranetEndpoint", f"oss-{region}-internal.aliyuncs.com"), ("Location", f"oss-{region}"),
        ("Name", b["name"]), ("Region", region), ("StorageClass", "Standard"),
    ]) for b in page]  # fmt: skip
    children: list[xml.Node] = [("Owner", [("ID", account), ("DisplayName", account)])]
    if prefix or marker or truncated:
        children += [
            ("Prefix", prefix),
            ("Marker", marker),
            ("MaxKeys", str(max_keys)),
            ("IsTruncated", "true" if truncated else "false"),
        ]
        if truncated:
            children.append(("NextMarker", page[-1]["name"]))
    children.append(("Buckets", entries))
    return _xml(("ListAllMyBucketsResult", children))


def _bucket_operation(runtime: Runtime, account: str, bucket: str) -> Response:
    oss, method, args = runtime.oss, request.method, request.args
    if method == "PUT":
        if "acl" in args:
            oss.bucket(account, bucket)
            return _empty()
        if args:
            raise _not_emulated("this bucket sub-resource")
        if not oss.create_bucket(account, bucket):
            raise OssError("BucketAlreadyExists", extra={"BucketName": bucket})
        return _empty(headers={"Location": f"/{bucket}"})
    if method == "DELETE":
        oss.delete_bucket(account, bucket)
        return _empty(204)
    if method == "POST" and "delete" in args:
        return _delete_multiple(runtime, account, bucket)
    if method == "HEAD":
        oss.bucket(account, bucket)
        return _empty()
    if method != "GET":
        raise OssError("MethodNotAllowed")
    if "location" in args:
        oss.bucket(account, bucket)
        return _xml(("LocationConstraint", f"oss-{runtime.config.region}"))
    if "acl" in args:
        oss.bucket(account, bucket)
        return _xml(
            (
                "AccessControlPolicy",
                [
                    ("Owner", [("ID", account), ("DisplayName", account)]),
                    ("AccessControlList", [("Grant", "private")]),
                ],
            )
        )
    if "bucketInfo" in args:
        return _bucket_info(runtime, account, bucket)
    if "uploads" in args:
        return _list_uploads(runtime, account, bucket)
    return _list_objects(runtime, account, bucket)


def _bucket_info(runtime: Runtime, account: str, bucket: str) -> Response:
    info = runtime.oss.bucket_info(account, bucket)
    region = runtime.config.region
    return _xml(("BucketInfo", [("Bucket", [
        ("CreationDate", xml.iso_ms(info["created_ns"])),
        ("ExtranetEndpoint", f"oss-{region}.aliyuncs.com"),
        ("IntranetEndpoint", f"oss-{region}-internal.aliyuncs.com"), ("Location", f"oss-{region}"),
        ("Name", bucket), ("StorageClass", "Standard"),
        ("Owner", [("ID", account), ("DisplayName", account)]),
        ("AccessControlList", [("Grant", "private")]),
    ])]))  # fmt: skip


def _list_objects(runtime: Runtime, account: str, bucket: str) -> Response:
    args = request.args
    v2 = args.get("list-type") == "2"
    encoding = args.get("encoding-type", "")
    if encoding not in ("", "url"):
        raise OssError(
            "InvalidArgument", "encoding-type must be url.", extra={"ArgumentName": "encoding-type"}
        )
    enc = xml.encoder(encoding)
    prefix, delimiter = args.get("prefix", ""), args.get("delimiter", "")
    max_keys = _int_arg("max-keys", DEFAULT_KEYS, 0, MAX_KEYS)
    if v2:
        after = args.get("continuation-token") or args.get("start-after", "")
    else:
        after = args.get("marker", "")
    target = runtime.oss.bucket(account, bucket)
    result = list_objects(target, prefix=prefix, delimiter=delimiter, after=after, max_keys=max_keys)
    children: list[xml.Node] = [("Name", bucket), ("Prefix", enc(prefix))]
    if v2:
        if "continuation-token" in args:
            children.append(("ContinuationToken", enc(args["continuation-token"])))
        if "start-after" in args:
            children.append(("StartAfter", enc(args["start-after"])))
    else:
        children.append(("Marker", enc(after)))
    children += [("MaxKeys", str(max_keys)), ("Delimiter", enc(delimiter))]
    if encoding:
        children.append(("EncodingType", encoding))
    children.append(("IsTruncated", "true" if result.truncated else "false"))
    if result.truncated:
        children.append(("NextContinuationToken" if v2 else "NextMarker", enc(result.next_marker)))
    if v2:
        children.append(("KeyCount", str(len(result.objects) + len(result.prefixes))))
    owner = not v2 or args.get("fetch-owner") == "true"
    for info in result.objects:
        entry = [
            ("Key", enc(info.key)),
            ("LastModified", xml.iso_ms(info.last_modified_ns)),
            ("ETag", f'"{info.etag}"'),
            ("Type", info.object_type),
            ("Size", str(info.size)),
            ("StorageClass", "Standard"),
        ]
        if owner:
            entry.append(("Owner", [("ID", account), ("DisplayName", account)]))
        children.append(("Contents", entry))
    children += [("CommonPrefixes", [("Prefix", enc(p))]) for p in result.prefixes]
    return _xml(("ListBucketResult", children))


def _delete_multiple(runtime: Runtime, account: str, bucket: str) -> Response:
    encoding = request.args.get("encoding-type", "")
    quiet, keys = xml.parse_delete(_small_body(), encoding)
    runtime.oss.bucket(account, bucket)
    enc = xml.encoder(encoding)
    deleted = []
    for key in keys:
        runtime.oss.delete(account, bucket, key)
        deleted.append(("Deleted", [("Key", enc(key))]))
    children: list[xml.Node] = [] if quiet else deleted
    if encoding:
        children.append(("EncodingType", encoding))
    return _xml(("DeleteResult", children))


# --- objects --------------------------------------------------------------------------------------
def _new_object() -> NewObject:
    headers = request.headers
    meta = {k.lower(): v for k, v in headers.items() if k.lower().startswith("x-oss-meta-")}
    stored = {name: headers[name] for name in STORED_HEADERS if name in headers}
    return NewObject(
        headers.get("Content-Type") or "application/octet-stream", meta, stored, headers.get("Content-MD5")
    )


def _body_chunks() -> Iterator[bytes]:
    """The upload, chunk by chunk; more than 5 GiB is refused, declared or not (chunked uploads)."""
    length = request.content_length
    if length is not None and length > MAX_OBJECT_SIZE:
        raise OssError("EntityTooLarge", extra={"MaxSizeAllowed": str(MAX_OBJECT_SIZE)})
    received = 0
    for chunk in read_chunks(request.stream, length):
        received += len(chunk)
        if received > MAX_OBJECT_SIZE:
            raise OssError("EntityTooLarge", extra={"MaxSizeAllowed": str(MAX_OBJECT_SIZE)})
        yield chunk


def _small_body() -> bytes:
    body = read_body(xml.MAX_XML_BODY)
    if body is None:
        raise OssError("EntityTooLarge", "The XML body is larger than 2 MB.")
    return body


def _write_headers(info: ObjectInfo) -> dict[str, str]:
    headers = {"ETag": f'"{info.etag}"'}
    if info.crc64 is not None:
        headers["x-oss-hash-crc64ecma"] = str(info.crc64)
    if info.content_md5:
        headers["Content-MD5"] = info.content_md5
    return headers


def _object_headers(info: ObjectInfo) -> dict[str, str]:
    headers = {
        "Content-Type": info.content_type,
        "Last-Modified": formatdate(info.last_modified_ns / 1e9, usegmt=True),
        "x-oss-object-type": info.object_type,
        "x-oss-storage-class": "Standard",
        "Accept-Ranges": "bytes",
        **_write_headers(info),
        **info.headers,
        **info.meta,
    }
    return headers


def _object_meta_headers(info: ObjectInfo) -> dict[str, str]:
    headers = {
        "ETag": f'"{info.etag}"',
        "Content-Length": str(info.size),
        "Last-Modified": formatdate(info.last_modified_ns / 1e9, usegmt=True),
    }
    if info.crc64 is not None:
        headers["x-oss-hash-crc64ecma"] = str(info.crc64)
    return headers


def _get_object(runtime: Runtime, account: str, bucket: str, info: ObjectInfo) -> Response:
    if "x-oss-process" in request.args:
        raise _not_emulated("x-oss-process (image and video processing)")
    headers = _object_headers(info)
    for name, header in (("response-content-type", "Content-Type"), ("response-content-language",
                         "Content-Language"), ("response-expires", "Expires"), ("response-cache-control",
                         "Cache-Control"), ("response-content-disposition", "Content-Disposition"),
                         ("response-content-encoding", "Content-Encoding")):  # fmt: skip
        if name in request.args:
            value = request.args[name]
            if any(c in value for c in "\r\n\0"):
                raise OssError(
                    "InvalidArgument", f"{name} may not hold line breaks.", extra={"ArgumentName": name}
                )
            headers[header] = value
    span = _range(request.headers.get("Range", ""), info.size)
    status, start, length = 200, 0, info.size
    if span is not None:
        start, end = span
        status, length = 206, end - start + 1
        headers["Content-Range"] = f"bytes {start}-{end}/{info.size}"
        headers.pop("x-oss-hash-crc64ecma", None)
        headers.pop("Content-MD5", None)
    reader = runtime.oss.open(account, bucket, info)
    headers["Content-Length"] = str(length)
    response = Response(_stream(reader, start, length), status, headers, direct_passthrough=True)
    response.call_on_close(reader.close)  # also when the body is never iterated
    return response


def _range(header: str, size: int) -> tuple[int, int] | None:
    """One ``bytes=a-b`` range; OSS serves the whole object for a range it cannot use, unless the client
    asked for standard behaviour (``x-oss-range-behavior: standard``), which gets 416."""
    if not header:
        return None
    standard = request.headers.get("x-oss-range-behavior", "").lower() == "standard"
    unit, _, spec = header.partition("=")
    first, dash, last = spec.strip().partition("-")
    try:
        if unit.strip() != "bytes" or not dash or "," in spec:
            raise ValueError
        if first:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        else:
            start, end = max(size - int(last), 0), size - 1
        if start < 0 or start > end or start >= size:
            raise ValueError
    except ValueError:
        if standard:
            raise OssError(
                "InvalidRange", extra={"RangeRequested": header, "ActualObjectSize": str(size)}
            ) from None
        return None
    return start, end


def _stream(reader: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    with reader:
        reader.seek(start)
        remaining = length
        while remaining > 0:
            chunk = reader.read(min(CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk


def _copy(runtime: Runtime, account: str, bucket: str, key: str, source: str) -> Response:
    src_bucket, _, src_key = unquote(source).lstrip("/").partition("/")
    if not src_bucket or not src_key:
        raise OssError(
            "InvalidArgument",
            "x-oss-copy-source must be /<bucket>/<key>.",
            extra={"ArgumentName": "x-oss-copy-source", "ArgumentValue": source},
        )
    directive = request.headers.get("x-oss-metadata-directive", "COPY").upper()
    new = _new_object() if directive == "REPLACE" else None
    info = runtime.oss.copy(account, (src_bucket, src_key), (bucket, key), new)
    return _xml(
        (
            "CopyObjectResult",
            [("LastModified", xml.iso_ms(info.last_modified_ns)), ("ETag", f'"{info.etag}"')],
        ),
        headers=_write_headers(info),
    )


# --- multipart ------------------------------------------------------------------------------------
def _upload_part(runtime: Runtime, account: str, bucket: str, key: str) -> Response:
    if "x-oss-copy-source" in request.headers:
        raise _not_emulated("UploadPartCopy")
    number = _int_arg("partNumber", 0, 1, 10000)
    part = runtime.oss.upload_part(
        account,
        bucket,
        key,
        request.args["uploadId"],
        number,
        _body_chunks(),
        request.headers.get("Content-MD5"),
    )
    return _empty(
        headers={
            "ETag": f'"{part.etag}"',
            "x-oss-hash-crc64ecma": str(part.crc64),
            "Content-MD5": base64.b64encode(bytes.fromhex(part.md5)).decode(),
        }
    )


def _complete(runtime: Runtime, account: str, bucket: str, key: str) -> Response:
    upload_id = request.args["uploadId"]
    if request.headers.get("x-oss-complete-all", "").lower() == "yes":
        chosen = None
    else:
        chosen = xml.parse_complete(_small_body())
    info = runtime.oss.complete(account, bucket, key, upload_id, chosen)
    encoding = request.args.get("encoding-type", "")
    enc = xml.encoder(encoding)
    hosted = virtual_bucket(request.host, runtime.config.oss_domain)  # the style the request came in
    children = [
        ("EncodingType", encoding or None),
        ("Location", f"{request.host_url}{enc(key)}" if hosted else f"{request.host_url}{bucket}/{enc(key)}"),
        ("Bucket", bucket),
        ("Key", enc(key)),
        ("ETag", f'"{info.etag}"'),
    ]
    return _xml(("CompleteMultipartUploadResult", children), headers=_write_headers(info))


def _list_parts(runtime: Runtime, account: str, bucket: str, key: str) -> Response:
    upload_id = request.args["uploadId"]
    runtime.oss.upload(account, bucket, key, upload_id)
    marker = _int_arg("part-number-marker", 0, 0, 10000)
    max_parts = _int_arg("max-parts", 1000, 1, 1000)
    parts = [p for p in runtime.oss.parts(account, bucket, upload_id) if p.number > marker]
    page, truncated = parts[:max_parts], len(parts) > max_parts
    children: list[xml.Node] = [
        ("Bucket", bucket),
        ("Key", key),
        ("UploadId", upload_id),
        ("PartNumberMarker", str(marker)),
        ("NextPartNumberMarker", str(page[-1].number if page else marker)),
        ("MaxParts", str(max_parts)),
        ("IsTruncated", "true" if truncated else "false"),
    ]
    children += [
        (
            "Part",
            [
                ("PartNumber", str(p.number)),
                ("LastModified", xml.iso_ms(p.last_modified_ns)),
                ("ETag", f'"{p.etag}"'),
                ("HashCrc64ecma", str(p.crc64)),
                ("Size", str(p.size)),
            ],
        )
        for p in page
    ]
    return _xml(("ListPartsResult", children))


def _list_uploads(runtime: Runtime, account: str, bucket: str) -> Response:
    args = request.args
    prefix, key_marker, id_marker = (
        args.get("prefix", ""),
        args.get("key-marker", ""),
        args.get("upload-id-marker", ""),
    )
    max_uploads = _int_arg("max-uploads", 1000, 1, 1000)
    uploads = sorted(
        (u for u in runtime.oss.uploads(account, bucket) if u["key"].startswith(prefix)),
        key=lambda u: (u["key"], u["upload_id"]),
    )
    if key_marker:  # after the marker: a later key, or (with an upload-id-marker) the same key, later id
        uploads = [
            u
            for u in uploads
            if u["key"] > key_marker or (id_marker and u["key"] == key_marker and u["upload_id"] > id_marker)
        ]
    page, truncated = uploads[:max_uploads], len(uploads) > max_uploads
    children = [
        ("Bucket", bucket),
        ("KeyMarker", key_marker),
        ("UploadIdMarker", id_marker),
        ("NextKeyMarker", page[-1]["key"] if truncated else ""),
        ("NextUploadIdMarker", page[-1]["upload_id"] if truncated else ""),
        ("Delimiter", ""),
        ("Prefix", prefix),
        ("MaxUploads", str(max_uploads)),
        ("IsTruncated", "true" if truncated else "false"),
    ]
    children += [
        (
            "Upload",
            [("Key", u["key"]), ("UploadId", u["upload_id"]), ("Initiated", xml.iso_ms(u["initiated_ns"]))],
        )
        for u in page
    ]
    return _xml(("ListMultipartUploadsResult", children))


# --- helpers --------------------------------------------------------------------------------------
def _int_arg(name: str, default: int, low: int, high: int) -> int:
    text = request.args.get(name, "")
    if text == "":
        return default
    value = ascii_int(text)
    if value is None or not low <= value <= high:
        raise OssError(
            "InvalidArgument",
            f"{name} must be an integer between {low} and {high}.",
            extra={"ArgumentName": name, "ArgumentValue": text},
        )
    return value


def _not_emulated(what: str) -> OssError:
    # 400, not OSS's 501: a 5xx would make oss-v2 retry, and an unemulated feature is not a server fault.
    return OssError("NotImplemented", f"imm-emulator does not emulate {what}.", 400)
