"""Object bytes: files written once through a temp file and a rename (small ones in memory when nothing
needs to survive the process), streamed in and out.

A 2 GB video never needs 2 GB of memory: writes hash (MD5, CRC-64/XZ) chunk by chunk as they land,
reads are plain seekable handles, so a prober reads only the ranges it asks for.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

import anycrc

CHUNK = 1 << 20
log = logging.getLogger("imm_emulator")
_CRC64 = anycrc.Model("CRC64-XZ")


def crc64(data: bytes, crc: int = 0) -> int:
    """CRC-64/XZ, what OSS calls crc64ecma; ``crc`` continues a previous value."""
    return _CRC64.calc(data, crc)


@dataclass(frozen=True)
class Blob:
    id: str
    size: int
    md5: bytes
    crc64: int


class BlobStore:
    """Blobs on disk; a store that need not survive the process (no ``--data-dir``) keeps the small ones
    in memory instead: a downstream test's upload then costs no file to create, rename and delete."""

    HELD_SIZE = 1 << 18  # held in memory: blobs up to this size...
    HELD_BUDGET = 1 << 26  # ...while all held blobs together stay within this

    def __init__(self, root: str | Path, *, durable: bool = False) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self._durable = durable
        self._held: dict[str, bytes] = {}
        self._held_bytes = 0
        self._lock = threading.Lock()
        self._files = True  # whether root may hold files (clear() then removes them)

    def path(self, blob_id: str) -> Path:
        return self.root / blob_id[:2] / blob_id

    def _may_hold(self, size: int) -> bool:
        return not self._durable and size <= self.HELD_SIZE and self._held_bytes + size <= self.HELD_BUDGET

    def write(self, chunks: Iterable[bytes]) -> Blob:
        blob_id = uuid.uuid4().hex
        md5, crc, size = hashlib.md5(), 0, 0
        held: list[bytes] = []
        out: IO[bytes] | None = None
        tmp = ""
        try:
            for chunk in chunks:
                if not chunk:
                    continue
                size += len(chunk)
                md5.update(chunk)
                crc = crc64(chunk, crc)
                if out is None and self._may_hold(size):
                    held.append(chunk)
                    continue
                if out is None:  # too large to hold: to a file, with what was held so far
                    self._files = True
                    fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-")
                    out = os.fdopen(fd, "wb")
                    out.writelines(held)
                    held.clear()
                out.write(chunk)
            if out is None:
                with self._lock:
                    self._held[blob_id] = b"".join(held)
                    self._held_bytes += size
            else:
                self._commit(out, tmp, blob_id)
        except BaseException:
            if out is not None:
                out.close()
                Path(tmp).unlink(missing_ok=True)
            raise
        return Blob(blob_id, size, md5.digest(), crc)

    def _commit(self, out: IO[bytes], tmp: str, blob_id: str) -> None:
        """Close the temporary file and give it the blob's name (durably, in a durable store)."""
        with out:
            if self._durable:
                out.flush()
                os.fsync(out.fileno())
        target = self.path(blob_id)
        target.parent.mkdir(exist_ok=True)
        os.replace(tmp, target)
        if self._durable:
            _fsync_dir(target.parent)

    @contextmanager
    def adopting(self, blob: Blob) -> Iterator[None]:
        """Around recording ``blob`` in the state: if that fails (a full disk), the bytes go too."""
        try:
            yield
        except BaseException:
            self.delete(blob.id)
            raise

    def open(self, blob_id: str) -> BinaryIO:
        data = self._held.get(blob_id)
        return io.BytesIO(data) if data is not None else self.path(blob_id).open("rb")

    def delete(self, blob_id: str) -> None:
        """Remove bytes no state refers to any more. Called after the state committed, so a failure
        cannot undo what the caller answers: the file is left for the next start's ``sweep``."""
        with self._lock:
            data = self._held.pop(blob_id, None)
            if data is not None:
                self._held_bytes -= len(data)
                return
        try:
            self.path(blob_id).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove object bytes %s (%s); the next start removes them", blob_id, exc)

    def sweep(self, referenced: set[str]) -> int:
        """Remove what a crash left behind: temporary files and blobs no state refers to. At start
        only (a write in flight has a blob not yet referenced). -> how many files were removed."""
        removed = 0
        for path in list(self.root.glob(".tmp-*")) + list(self.root.glob("??/*")):
            if path.name.startswith(".tmp-") or path.name not in referenced:
                with suppress(OSError):
                    path.unlink()
                    removed += 1
        return removed

    def clear(self) -> None:
        with self._lock:
            self._held.clear()
            self._held_bytes = 0
        if self._files:
            self._files = self._durable  # a durable store's root may hold files from before this process
            shutil.rmtree(self.root, ignore_errors=True)
            self.root.mkdir(parents=True, exist_ok=True)


def _fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable, not only the file's bytes."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_chunks(stream: IO[bytes], length: int | None = None, size: int = CHUNK) -> Iterable[bytes]:
    """Chunks of ``stream`` (up to ``length`` bytes if given)."""
    remaining = length
    while remaining is None or remaining > 0:
        chunk = stream.read(size if remaining is None else min(size, remaining))
        if not chunk:
            return
        if remaining is not None:
            remaining -= len(chunk)
        yield chunk
