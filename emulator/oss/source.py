"""How IMM operations read ``oss://bucket/key``: one resolver from URI to a seekable, ranged reader.

Objects are files underneath (blobs or mounted files), so a prober that seeks and reads a few ranges
never copies the object.
"""

from __future__ import annotations

import os
import posixpath
import re
from typing import BinaryIO

from ..errors import ImmError, OssError, invalid_argument
from .model import ObjectInfo
from .service import Oss

_URI = re.compile(r"^oss://([^/]+)/(.+)$", re.S)


class OssSource:
    """A MediaSource (see imm/media/source.py) for one object as the account sees it."""

    def __init__(self, oss: Oss, account: str, bucket: str, info: ObjectInfo) -> None:
        self._oss, self._account, self.bucket, self.info = oss, account, bucket, info
        self.key = info.key
        self.uri = f"oss://{bucket}/{info.key}"
        self.size = info.size
        self.identity = _identity(oss, bucket, info)

    def open(self) -> BinaryIO:
        try:
            return self._oss.open(self._account, self.bucket, self.info)
        except OssError:
            raise ImmError(
                "ResourceNotFound", f"The specified resource object is not found: {self.uri}."
            ) from None

    def sibling(self, reference: str) -> OssSource | None:
        """An object named relative to this one (``seg1.ts``, ``../a/b.ts``) or by ``oss://`` URI."""
        if reference.startswith("oss://"):
            match = _URI.match(reference)
            bucket, key = (match.group(1), match.group(2)) if match else ("", "")
        elif "://" in reference or reference.startswith("/"):
            return None
        else:
            bucket = self.bucket
            key = posixpath.normpath(posixpath.join(posixpath.dirname(self.key), reference.split("?", 1)[0]))
        if not bucket or not key or key.startswith(".."):
            return None
        try:
            return OssSource(self._oss, self._account, bucket, self._oss.head(self._account, bucket, key))
        except OssError:
            return None


def _identity(oss: Oss, bucket: str, info: ObjectInfo) -> tuple | None:
    """What names these bytes, for the answer caches (imm/media/cache.py). An object uploaded in one
    piece is named by its content: size, MD5 (its ETag) and CRC-64 together, so the same bytes under
    another key, in another bucket or account, or uploaded again after a reset share one answer. A
    multipart object (its ETag is not the content's MD5) by its blob id, which never names other bytes.
    A mounted file by its stamp, the one OSS keys its own ETag on, plus its inode and change time (a
    file replaced by a rename is a new inode)."""
    if bucket not in oss.mounts:
        if "-" not in info.etag and info.crc64 is not None:
            return ("content", info.size, info.etag, info.crc64)
        return ("blob", info.ref, info.size, info.etag)
    try:
        stat = os.stat(info.ref)
    except OSError:
        return None
    return ("file", info.ref, stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def open_uri(oss: Oss, account: str, uri: str, parameter: str = "SourceURI") -> OssSource:
    """The object a URI names, or the IMM error the service gives for a bad URI or a missing object."""
    match = _URI.match(uri or "")
    if not match:
        raise invalid_argument(
            f"The parameter {parameter} is invalid: {uri!r} is not oss://<bucket>/<object>."
        )
    bucket, key = match.groups()
    try:
        return OssSource(oss, account, bucket, oss.head(account, bucket, key))
    except OssError as error:
        if error.code == "NoSuchBucket":
            raise ImmError(
                "ResourceNotFound", f"The specified resource bucket is not found: {bucket}."
            ) from None
        if error.code == "NoSuchKey":
            raise ImmError(
                "ResourceNotFound", f"The specified resource object is not found: {uri}."
            ) from None
        raise invalid_argument(f"The parameter {parameter} is invalid: {error.message}") from None
