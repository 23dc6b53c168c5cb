"""Buckets kept by the emulator: metadata in the Store, bytes in the BlobStore."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from ..state import Store
from ..state.blobs import BlobStore
from .model import NewObject, ObjectInfo, format_etag

OBJECT_KIND = "oss_object"
PAGE = 1000


class StoredBucket:
    writable = True

    def __init__(self, store: Store, blobs: BlobStore, account: str, name: str) -> None:
        self.store, self.blobs, self.account, self.name = store, blobs, account, name
        self._prefix = f"{name}/"

    def head(self, key: str) -> ObjectInfo | None:
        doc = self.store.get(OBJECT_KIND, self.account, self._prefix + key)
        return ObjectInfo.from_doc(doc) if doc else None

    def open(self, info: ObjectInfo) -> BinaryIO:
        return self.blobs.open(info.ref)

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
        blob = self.blobs.write(chunks)
        info = ObjectInfo(
            key=key,
            size=blob.size,
            etag=etag or format_etag(blob.md5),
            last_modified_ns=now_ns,
            content_type=new.content_type,
            crc64=blob.crc64,
            content_md5=None if etag else base64.b64encode(blob.md5).decode(),
            meta=dict(new.meta),
            headers=dict(new.headers),
            object_type=object_type,
            ref=blob.id,
        )
        with self.blobs.adopting(blob):
            old = self.store.put(OBJECT_KIND, self.account, self._prefix + key, info.as_doc())
        if old is not None:
            self.blobs.delete(old["ref"])
        return info

    def delete(self, key: str) -> bool:
        old = self.store.pop(OBJECT_KIND, self.account, self._prefix + key)
        if old is not None:
            self.blobs.delete(old["ref"])
        return old is not None

    def iter_objects(self, prefix: str, after: str) -> Iterator[ObjectInfo]:
        start = self._prefix + max(prefix, after + "\0" if after else "")
        while True:
            page = self.store.scan(
                OBJECT_KIND, self.account, start=start, prefix=self._prefix + prefix, limit=PAGE
            )
            for _, doc in page:
                yield ObjectInfo.from_doc(doc)
            if len(page) < PAGE:
                return
            start = page[-1][0] + "\0"

    def is_empty(self) -> bool:
        return not self.store.scan(OBJECT_KIND, self.account, prefix=self._prefix, limit=1)

    def purge(self) -> None:
        """Delete every object (and its bytes); used when the bucket or the account goes."""
        for info in list(self.iter_objects("", "")):
            self.delete(info.key)
