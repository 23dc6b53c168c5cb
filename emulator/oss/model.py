"""OSS objects as the rest of the emulator sees them, and the naming rules OSS enforces."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, Protocol

from ..errors import OssError

BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
MAX_KEY_BYTES = 1023
# Headers stored with an object at upload and returned as they were on GET and HEAD.
STORED_HEADERS = ("Cache-Control", "Content-Disposition", "Content-Encoding", "Content-Language", "Expires")


@dataclass
class ObjectInfo:
    key: str
    size: int
    etag: str  # upper-case hex, no quotes (multipart: "<hex>-<parts>")
    last_modified_ns: int
    content_type: str = "application/octet-stream"
    crc64: int | None = None
    content_md5: str | None = None  # base64, only for objects uploaded in one piece
    meta: dict[str, str] = field(default_factory=dict)  # x-oss-meta-* (lower-case names)
    headers: dict[str, str] = field(default_factory=dict)  # STORED_HEADERS that were given
    object_type: str = "Normal"
    ref: str = ""  # backend's handle: a blob id or a file path

    def as_doc(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_doc(cls, doc: dict) -> ObjectInfo:
        return cls(**doc)


@dataclass
class NewObject:
    """What an upload brings besides its bytes."""

    content_type: str = "application/octet-stream"
    meta: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    content_md5: str | None = None


class Bucket(Protocol):
    """A stored bucket or a mounted folder; both answer the same object operations."""

    name: str
    writable: bool

    def head(self, key: str) -> ObjectInfo | None: ...

    def open(self, info: ObjectInfo) -> BinaryIO: ...

    def put(
        self,
        key: str,
        chunks: Iterable[bytes],
        new: NewObject,
        now_ns: int,
        *,
        object_type: str = "Normal",
        etag: str | None = None,
    ) -> ObjectInfo: ...

    def delete(self, key: str) -> bool: ...

    def iter_objects(self, prefix: str, after: str) -> Iterator[ObjectInfo]:
        """Objects whose key starts with ``prefix`` and sorts after ``after``, in key order."""

    def is_empty(self) -> bool: ...


def check_bucket_name(name: str) -> None:
    if not BUCKET_NAME.match(name):
        raise OssError("InvalidBucketName", extra={"BucketName": name})


def check_key(key: str) -> None:
    if not key or len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES or key[0] in "/\\" or "\0" in key:
        raise OssError("InvalidObjectName", extra={"Key": key})
    try:
        key.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise OssError(
            "InvalidObjectName", "The object name is not valid UTF-8.", extra={"Key": key}
        ) from exc


def format_etag(md5: bytes) -> str:
    return md5.hex().upper()
