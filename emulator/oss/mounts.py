"""A local folder served as a bucket (``--mount BUCKET=DIR[:rw]``), visible to every account.

A key never reaches outside its folder: ``..`` segments, absolute paths, backslashes and symlinks that
leave the folder are refused before anything is opened, read or written. Objects are the files;
what a file cannot hold (content type given at upload, user metadata) is kept in the Store next to a
stamp of the file, and dropped when the file changes underneath.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import mimetypes
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any, BinaryIO

from ..errors import OssError
from ..state import Store
from ..state.blobs import CHUNK, crc64
from .model import BUCKET_NAME, NewObject, ObjectInfo, format_etag

META_KIND = "oss_mount_meta"
TEMP_PREFIX = ".imm-emulator-"  # an upload in progress in a :rw mount; never a key
EVERYONE = "*"
# Files up to this size get a real MD5 ETag and CRC-64 (computed once per file version); larger ones a
# stable multipart-style ETag and no CRC header, so a HEAD on a 2 GB file does not read 2 GB.
HASH_LIMIT = 64 << 20


@dataclass(frozen=True)
class Mount:
    bucket: str
    directory: Path
    writable: bool = False

    @classmethod
    def parse(cls, spec: str) -> Mount:
        """``BUCKET=DIR``, ``BUCKET=DIR:rw`` or ``BUCKET=DIR:ro``."""
        bucket, sep, rest = spec.partition("=")
        if not sep or not bucket or not rest:
            raise ValueError(f"mount {spec!r} is not BUCKET=DIR[:rw]")
        if not BUCKET_NAME.match(bucket):
            raise ValueError(
                f"mount {spec!r}: {bucket!r} is not a valid OSS bucket name (3-63 lowercase letters, digits "
                "and hyphens, starting and ending with a letter or digit); OSS clients would refuse it"
            )
        writable = False
        for suffix, flag in ((":rw", True), (":ro", False)):
            if rest.endswith(suffix):
                rest, writable = rest[: -len(suffix)], flag
        directory = Path(rest).expanduser().resolve()
        if not directory.is_dir():
            raise ValueError(f"mount {spec!r}: {directory} is not a directory")
        return cls(bucket, directory, writable)


class _HashCache:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, int, int], tuple[str, int | None, str | None]] = {}

    def get(self, path: Path, stat: os.stat_result) -> tuple[str, int | None, str | None]:
        stamp = (str(path), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            if stamp in self._cache:
                return self._cache[stamp]
        if stat.st_size > HASH_LIMIT:
            digest = hashlib.md5(repr(stamp).encode()).hexdigest().upper()
            value: tuple[str, int | None, str | None] = (f"{digest}-1", None, None)
        else:
            md5, crc = hashlib.md5(), 0
            with path.open("rb") as f:
                while chunk := f.read(CHUNK):
                    md5.update(chunk)
                    crc = crc64(chunk, crc)
            value = (format_etag(md5.digest()), crc, base64.b64encode(md5.digest()).decode())
        with self._lock:
            if len(self._cache) > 10_000:
                self._cache.clear()
            self._cache[stamp] = value
        return value


def _filesystem_errors(method: Callable) -> Callable:
    """What a folder cannot hold (``a`` and ``a/b`` both as files, names over 255 bytes, ...) is an OSS
    error on the object, not a server fault."""

    @functools.wraps(method)
    def wrapper(self: MountedBucket, key: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, key, *args, **kwargs)
        except PermissionError:
            raise OssError(
                "AccessDenied", "The emulator may not read or write this file.", extra={"Key": key}
            ) from None
        except OSError as exc:
            raise OssError(
                "InvalidObjectName",
                f"The mounted folder cannot hold this object: {exc.strerror}.",
                extra={"Key": key},
            ) from None

    return wrapper


class MountedBucket:
    def __init__(self, mount: Mount, store: Store) -> None:
        self.mount, self.store = mount, store
        self.name, self.writable = mount.bucket, mount.writable
        self.root = mount.directory
        self._hashes = _HashCache()  # this emulator's: files' ETags by (path, size, mtime)

    def resolve(self, key: str) -> Path:
        """The file a key names (symlinks resolved), or OssError if the key would leave the folder."""
        return self._paths(key)[1]

    def _paths(self, key: str) -> tuple[Path, Path]:
        """(the path as named, the real path); refused unless the real path is inside the folder."""
        parts = key.split("/")
        if "\\" in key or "\0" in key or key.startswith("/") or any(p in ("..", ".") for p in parts):
            raise OssError(
                "InvalidObjectName", "The object name may not leave the mounted folder.", extra={"Key": key}
            )
        if "" in parts[:-1]:  # a trailing "/" is a folder object; "a//b" would be the file "a/b"
            raise OssError(
                "InvalidObjectName",
                "A mounted folder cannot hold a key with an empty segment: it would name the same file as "
                "the key without it.",
                extra={"Key": key},
            )
        if any(p.startswith(TEMP_PREFIX) for p in parts):
            raise OssError(
                "InvalidObjectName",
                f"Names starting with {TEMP_PREFIX} are reserved in mounted folders for uploads in progress.",
                extra={"Key": key},
            )
        candidate = self.root.joinpath(*[p for p in parts if p])
        real = Path(os.path.realpath(candidate))
        if real != self.root and self.root not in real.parents:
            raise OssError(
                "AccessDenied", "The object resolves outside the mounted folder.", extra={"Key": key}
            )
        return candidate, real

    def _info(self, key: str, path: Path, stat: os.stat_result) -> ObjectInfo:
        etag, crc, md5 = self._hashes.get(path, stat)
        info = ObjectInfo(
            key=key,
            size=stat.st_size,
            etag=etag,
            last_modified_ns=stat.st_mtime_ns,
            content_type=mimetypes.guess_type(key)[0] or "application/octet-stream",
            crc64=crc,
            content_md5=md5,
            ref=str(path),
        )
        extra = self.store.get(META_KIND, EVERYONE, f"{self.name}/{key}")
        if extra and extra["stamp"] == [stat.st_size, stat.st_mtime_ns]:
            info.content_type, info.meta, info.headers = (
                extra["content_type"],
                extra["meta"],
                extra["headers"],
            )
        return info

    @_filesystem_errors
    def head(self, key: str) -> ObjectInfo | None:
        path = self.resolve(key)
        if key.endswith("/") or not path.is_file():
            return None
        return self._info(key, path, path.stat())

    def open(self, info: ObjectInfo) -> BinaryIO:
        return Path(info.ref).open("rb")

    def _require_writable(self, key: str) -> None:
        if not self.writable:
            raise OssError("AccessDenied", f"Bucket {self.name} is a read-only mount.", extra={"Key": key})

    @_filesystem_errors
    def put(
        self,
        key: str,
        chunks: Iterable[bytes],
        new: NewObject,
        now_ns: int,
        *,
        object_type: str = "Normal",
        etag: str | None = None,
    ) -> ObjectInfo:
        self._require_writable(key)
        path = self.resolve(key)
        if key.endswith("/"):
            raise OssError(
                "InvalidObjectName",
                "A mounted folder cannot hold a directory marker object.",
                extra={"Key": key},
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        self.resolve(key)  # the folders just made must not have let the key escape either
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    out.write(chunk)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        stat = path.stat()
        self.store.put(
            META_KIND,
            EVERYONE,
            f"{self.name}/{key}",
            {
                "stamp": [stat.st_size, stat.st_mtime_ns],
                "content_type": new.content_type,
                "meta": new.meta,
                "headers": new.headers,
            },
        )
        info = self._info(key, path, stat)
        if etag:
            info.etag = etag
        return info

    @_filesystem_errors
    def delete(self, key: str) -> bool:
        self._require_writable(key)
        named, real = self._paths(key)
        self.store.delete(META_KIND, EVERYONE, f"{self.name}/{key}")
        if not real.is_file():
            return False
        named.unlink()  # a symlink goes, not the file it points to
        return True

    def iter_objects(self, prefix: str, after: str) -> Iterator[ObjectInfo]:
        for key, path, stat in sorted(self._walk(prefix)):
            if key > after:
                try:
                    info = self._info(key, path, stat)
                except OSError:  # unreadable, or gone since the walk: not listed
                    continue
                yield info

    def _walk(self, prefix: str) -> Iterator[tuple[str, Path, os.stat_result]]:
        # Only folders that can hold keys with this prefix are entered; a symlinked file is listed only if
        # it resolves inside the folder, and symlinked folders are not entered.
        base = prefix.rpartition("/")[0]
        try:
            start = self.resolve(base) if base else self.root
        except OssError:
            return
        for folder, dirs, files in os.walk(start):
            dirs.sort()
            rel = Path(folder).relative_to(self.root).as_posix()
            rel = "" if rel == "." else rel + "/"
            for name in files:
                key = rel + name
                if not key.startswith(prefix) or name.startswith(TEMP_PREFIX):
                    continue
                try:
                    path = self.resolve(key)
                    found = path.stat()
                except (OssError, OSError):
                    continue
                if S_ISREG(found.st_mode):  # a FIFO or device would block or never end its read
                    yield key, path, found

    def is_empty(self) -> bool:
        return next(self._walk(""), None) is None
