"""OSS semantics, no HTTP: buckets per account (plus mounts shared by all), objects, copy, multipart.

Buckets live in each account's own namespace, so parallel test workers (one account each) may all use
``test-bucket``; the real OSS namespace is global.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ..clock import Clock
from ..errors import OssError
from ..state import Store
from ..state.blobs import BlobStore, read_chunks
from .model import Bucket, NewObject, ObjectInfo, check_bucket_name, check_key, format_etag
from .mounts import Mount, MountedBucket
from .stored import OBJECT_KIND, StoredBucket

BUCKET_KIND = "oss_bucket"
UPLOAD_KIND = "oss_upload"
PART_KIND = "oss_part"
MIN_PART_SIZE = 100 * 1024
MAX_PART_NUMBER = 10000


@dataclass
class Part:
    number: int
    etag: str
    size: int
    crc64: int
    md5: str  # hex
    last_modified_ns: int
    blob: str


class Oss:
    def __init__(
        self,
        store: Store,
        blobs: BlobStore,
        clock: Clock,
        mounts: Iterable[Mount] = (),
        region: str = "cn-hangzhou",
    ) -> None:
        self.store, self.blobs, self.clock, self.region = store, blobs, clock, region
        self.mounts = {m.bucket: MountedBucket(m, store) for m in mounts}

    # --- buckets --------------------------------------------------------------------------------
    def bucket(self, account: str, name: str) -> Bucket:
        if name in self.mounts:
            return self.mounts[name]
        if self.store.get(BUCKET_KIND, account, name) is None:
            raise OssError("NoSuchBucket", extra={"BucketName": name})
        return StoredBucket(self.store, self.blobs, account, name)

    def bucket_info(self, account: str, name: str) -> dict:
        self.bucket(account, name)
        doc = self.store.get(BUCKET_KIND, account, name)
        return doc or {"name": name, "created_ns": 0, "mounted": True}

    def create_bucket(self, account: str, name: str) -> bool:
        """True if created; False if the account already has it (OSS answers 200 then too)."""
        check_bucket_name(name)
        if name in self.mounts:
            return False
        doc = {"name": name, "created_ns": self.clock.now_ns(account), "region": self.region}
        return self.store.create(BUCKET_KIND, account, name, doc)

    def delete_bucket(self, account: str, name: str) -> None:
        bucket = self.bucket(account, name)
        if isinstance(bucket, MountedBucket):
            raise OssError("AccessDenied", "A mounted bucket cannot be deleted.", extra={"BucketName": name})
        if not bucket.is_empty() or self.store.scan(UPLOAD_KIND, account, prefix=f"{name}/", limit=1):
            raise OssError("BucketNotEmpty", extra={"BucketName": name})
        self.store.delete(BUCKET_KIND, account, name)

    def list_buckets(self, account: str, prefix: str = "") -> list[dict]:
        stored = [doc for _, doc in self.store.scan(BUCKET_KIND, account, prefix=prefix)]
        mounted = [
            {"name": n, "created_ns": 0, "region": self.region} for n in self.mounts if n.startswith(prefix)
        ]
        return sorted(stored + mounted, key=lambda d: d["name"])

    # --- objects --------------------------------------------------------------------------------
    def head(self, account: str, bucket: str, key: str) -> ObjectInfo:
        check_key(key)
        info = self.bucket(account, bucket).head(key)
        if info is None:
            raise OssError("NoSuchKey", extra={"Key": key})
        return info

    def open(self, account: str, bucket: str, info: ObjectInfo) -> BinaryIO:
        """The object's bytes; NoSuchKey if it was overwritten or deleted since ``info`` was read."""
        try:
            return self.bucket(account, bucket).open(info)
        except FileNotFoundError:
            raise OssError("NoSuchKey", extra={"Key": info.key}) from None

    def put(
        self,
        account: str,
        bucket: str,
        key: str,
        chunks: Iterable[bytes],
        new: NewObject,
        *,
        forbid_overwrite: bool = False,
    ) -> ObjectInfo:
        check_key(key)
        target = self.bucket(account, bucket)
        if forbid_overwrite and target.head(key) is not None:
            raise OssError(
                "FileAlreadyExists",
                "The object you specified already exists and can not be overwritten.",
                409,
                extra={"Key": key},
            )
        checked = _verify_md5(chunks, new.content_md5)
        return target.put(key, checked, new, self.clock.now_ns(account))

    def delete(self, account: str, bucket: str, key: str) -> bool:
        check_key(key)
        return self.bucket(account, bucket).delete(key)

    def copy(
        self, account: str, source: tuple[str, str], target: tuple[str, str], new: NewObject | None
    ) -> ObjectInfo:
        """``new`` None copies the source's metadata (x-oss-metadata-directive COPY)."""
        info = self.head(account, *source)
        if new is None:
            new = NewObject(info.content_type, dict(info.meta), dict(info.headers))
        check_key(target[1])
        destination = self.bucket(account, target[0])
        with self.open(account, source[0], info) as reader:
            return destination.put(target[1], read_chunks(reader), new, self.clock.now_ns(account))

    # --- multipart ------------------------------------------------------------------------------
    def initiate(self, account: str, bucket: str, key: str, new: NewObject) -> str:
        check_key(key)
        target = self.bucket(account, bucket)
        if not target.writable:
            raise OssError("AccessDenied", f"Bucket {bucket} is a read-only mount.", extra={"Key": key})
        if isinstance(target, MountedBucket):
            target.resolve(key)  # refuse a key that would leave the folder now, not at completion
        upload_id = uuid.uuid4().hex.upper()
        self.store.put(
            UPLOAD_KIND,
            account,
            f"{bucket}/{upload_id}",
            {
                "bucket": bucket,
                "key": key,
                "upload_id": upload_id,
                "initiated_ns": self.clock.now_ns(account),
                "content_type": new.content_type,
                "meta": new.meta,
                "headers": new.headers,
            },
        )
        return upload_id

    def upload(self, account: str, bucket: str, key: str, upload_id: str) -> dict:
        doc = self.store.get(UPLOAD_KIND, account, f"{bucket}/{upload_id}")
        if doc is None or doc["key"] != key:
            raise OssError("NoSuchUpload", extra={"UploadId": upload_id})
        return doc

    def upload_part(
        self,
        account: str,
        bucket: str,
        key: str,
        upload_id: str,
        number: int,
        chunks: Iterable[bytes],
        content_md5: str | None = None,
    ) -> Part:
        self.upload(account, bucket, key, upload_id)
        if not 1 <= number <= MAX_PART_NUMBER:
            raise OssError(
                "InvalidArgument", f"Part number must be an integer between 1 and {MAX_PART_NUMBER}."
            )
        blob = self.blobs.write(_verify_md5(chunks, content_md5))
        part = Part(
            number,
            format_etag(blob.md5),
            blob.size,
            blob.crc64,
            blob.md5.hex(),
            self.clock.now_ns(account),
            blob.id,
        )
        with self.blobs.adopting(blob):
            old = self.store.put(PART_KIND, account, f"{bucket}/{upload_id}/{number:05d}", part.__dict__)
        if old is not None:
            self.blobs.delete(old["blob"])
        return part

    def parts(self, account: str, bucket: str, upload_id: str) -> list[Part]:
        return [
            Part(**doc) for _, doc in self.store.scan(PART_KIND, account, prefix=f"{bucket}/{upload_id}/")
        ]

    def complete(
        self, account: str, bucket: str, key: str, upload_id: str, chosen: list[tuple[int, str]] | None
    ) -> ObjectInfo:
        """``chosen``: (part number, ETag) pairs from the request, or None for every uploaded part."""
        doc = self.upload(account, bucket, key, upload_id)
        uploaded = {p.number: p for p in self.parts(account, bucket, upload_id)}
        if chosen is None:
            chosen = [(n, uploaded[n].etag) for n in sorted(uploaded)]
        if not chosen:
            raise OssError("InvalidPart", "The multipart upload has no parts to complete.")
        numbers = [n for n, _ in chosen]
        if numbers != sorted(set(numbers)):
            raise OssError("InvalidPartOrder")
        parts = []
        for number, etag in chosen:
            part = uploaded.get(number)
            if part is None or etag.strip('"').upper() != part.etag:
                raise OssError("InvalidPart", extra={"PartNumber": str(number), "ETag": etag})
            parts.append(part)
        for part in parts[:-1]:
            if part.size < MIN_PART_SIZE:
                raise OssError(
                    "EntityTooSmall",
                    "Your proposed upload is smaller than the minimum allowed size.",
                    400,
                    extra={"PartNumber": str(part.number), "MinSizeAllowed": str(MIN_PART_SIZE)},
                )
        digest = hashlib.md5(b"".join(bytes.fromhex(p.md5) for p in parts)).hexdigest().upper()
        new = NewObject(doc["content_type"], doc["meta"], doc["headers"])
        info = self.bucket(account, bucket).put(
            key,
            self._concat(parts),
            new,
            self.clock.now_ns(account),
            object_type="Multipart",
            etag=f"{digest}-{len(parts)}",
        )
        self.abort(account, bucket, key, upload_id)
        return info

    def _concat(self, parts: list[Part]) -> Iterator[bytes]:
        for part in parts:
            with self.blobs.open(part.blob) as reader:
                yield from read_chunks(reader)

    def abort(self, account: str, bucket: str, key: str, upload_id: str) -> None:
        self.upload(account, bucket, key, upload_id)
        parts = self.parts(account, bucket, upload_id)
        with self.store.transaction():
            for part in parts:
                self.store.delete(PART_KIND, account, f"{bucket}/{upload_id}/{part.number:05d}")
            self.store.delete(UPLOAD_KIND, account, f"{bucket}/{upload_id}")
        for part in parts:  # after the commit: a crash may leave a stray file, never a part without one
            self.blobs.delete(part.blob)

    def uploads(self, account: str, bucket: str) -> list[dict]:
        self.bucket(account, bucket)
        return sorted(
            (d for _, d in self.store.scan(UPLOAD_KIND, account, prefix=f"{bucket}/")),
            key=lambda d: (d["key"], d["initiated_ns"]),
        )

    # --- housekeeping ---------------------------------------------------------------------------
    def referenced_blobs(self) -> set[str]:
        """Every blob an object or an uploaded part refers to, in every account."""
        return {
            doc[field]
            for kind, field in ((OBJECT_KIND, "ref"), (PART_KIND, "blob"))
            for account in self.store.accounts(kind)
            for _, doc in self.store.scan(kind, account)
        }

    def purge_account(self, account: str) -> None:
        """Delete the bytes of every object and part the account holds (before its state is reset)."""
        for _, doc in self.store.scan(OBJECT_KIND, account):
            self.blobs.delete(doc["ref"])
        for _, doc in self.store.scan(PART_KIND, account):
            self.blobs.delete(doc["blob"])


def _verify_md5(chunks: Iterable[bytes], content_md5: str | None) -> Iterator[bytes]:
    """Pass chunks through; if the client sent Content-MD5, fail before the last chunk if it differs."""
    if not content_md5:
        yield from chunks
        return
    digest = hashlib.md5()
    pending = None
    for chunk in chunks:
        if pending is not None:
            yield pending
        digest.update(chunk)
        pending = chunk
    if base64.b64encode(digest.digest()).decode() != content_md5.strip():
        raise OssError(
            "InvalidDigest",
            "The Content-MD5 you specified did not match what we received.",
            extra={"CalculatedMD5": base64.b64encode(digest.digest()).decode()},
        )
    if pending is not None:
        yield pending
