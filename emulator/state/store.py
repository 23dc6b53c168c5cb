"""The Store interface: the only place the emulator keeps anything.

State is a set of collections (``kind``), each partitioned by account and ordered by key, holding
JSON-able documents. That one shape serves projects, tasks, buckets, objects and notifications alike,
and maps one to one onto a SQLite table (``SqliteStore``). Implementations copy documents in and out,
so callers never share a mutable dict with the store.
"""

from __future__ import annotations

import bisect
import json
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager


class Store(ABC):
    @abstractmethod
    def get(self, kind: str, account: str, key: str) -> dict | None: ...

    @abstractmethod
    def create(self, kind: str, account: str, key: str, doc: dict) -> bool:
        """Insert unless the key exists; False (and nothing written) if it does."""

    @abstractmethod
    def put(self, kind: str, account: str, key: str, doc: dict) -> dict | None:
        """Insert or replace; returns the document replaced, if any."""

    @abstractmethod
    def update(self, kind: str, account: str, key: str, change: Callable[[dict], dict]) -> dict | None:
        """Atomically replace the document with ``change(copy)``; None if absent."""

    @abstractmethod
    def delete(self, kind: str, account: str, key: str) -> bool: ...

    @abstractmethod
    def pop(self, kind: str, account: str, key: str) -> dict | None:
        """Delete and return the document; None if there was none."""

    @abstractmethod
    def scan(
        self,
        kind: str,
        account: str,
        *,
        start: str = "",
        prefix: str = "",
        limit: int | None = None,
        reverse: bool = False,
    ) -> list[tuple[str, dict]]:
        """Documents whose key starts with ``prefix``, in key order: from ``start`` (inclusive) upwards, or
        with ``reverse`` from below ``start`` (exclusive; "" = from the last) downwards."""

    @abstractmethod
    def accounts(self, kind: str) -> list[str]:
        """Accounts that hold at least one document of this kind."""

    @abstractmethod
    def count(self, kind: str, account: str) -> int: ...

    def clear(self, kind: str, account: str) -> None:
        """Delete every document of one kind and account, in one transaction."""
        with self.transaction():
            for key, _ in self.scan(kind, account):
                self.delete(kind, account, key)

    @abstractmethod
    def reset(self, account: str | None = None) -> None:
        """Forget everything (of one account, if given)."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """Group writes: other threads see all of them or none, and after a crash (or an exception, in a
        durable store) either all of them are there or none is. Transactions nest."""

    def close(self) -> None:  # noqa: B027  (a no-op unless the backend holds files)
        """Release files and connections."""


def encode(doc: dict) -> str:
    """A document as every backend keeps it: JSON text, so what works in memory works under --data-dir
    (a tuple comes back a list, an int key a string, a set is refused, in both)."""
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> dict:
    return json.loads(text)


class _Collection:
    __slots__ = ("docs", "keys")

    def __init__(self) -> None:
        self.docs: dict[str, str] = {}
        self.keys: list[str] = []


class MemoryStore(Store):
    """In-memory, thread-safe: one lock; sorted key lists make scans O(log n + page). Documents are kept
    as the JSON text SqliteStore keeps (``encode``): callers never share the stored copy, and a value
    either backend cannot keep fails in both."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._data: dict[tuple[str, str], _Collection] = {}

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:  # nothing survives a crash here, so isolation is all there is to give
            yield

    def _collection(self, kind: str, account: str) -> _Collection:
        coll = self._data.get((kind, account))
        if coll is None:
            coll = self._data[(kind, account)] = _Collection()
        return coll

    def get(self, kind: str, account: str, key: str) -> dict | None:
        with self._lock:
            coll = self._data.get((kind, account))
            doc = coll.docs.get(key) if coll else None
            return decode(doc) if doc is not None else None

    def create(self, kind: str, account: str, key: str, doc: dict) -> bool:
        with self._lock:
            coll = self._collection(kind, account)
            if key in coll.docs:
                return False
            self._insert(coll, key, doc)
            return True

    def put(self, kind: str, account: str, key: str, doc: dict) -> dict | None:
        with self._lock:
            coll = self._collection(kind, account)
            old = coll.docs.get(key)
            if old is not None:
                coll.docs[key] = encode(doc)
            else:
                self._insert(coll, key, doc)
            return decode(old) if old is not None else None

    @staticmethod
    def _insert(coll: _Collection, key: str, doc: dict) -> None:
        coll.docs[key] = encode(doc)
        bisect.insort(coll.keys, key)

    def update(self, kind: str, account: str, key: str, change: Callable[[dict], dict]) -> dict | None:
        with self._lock:
            coll = self._data.get((kind, account))
            if not coll or key not in coll.docs:
                return None
            new = change(decode(coll.docs[key]))
            coll.docs[key] = encode(new)
            return new

    def delete(self, kind: str, account: str, key: str) -> bool:
        return self.pop(kind, account, key) is not None

    def pop(self, kind: str, account: str, key: str) -> dict | None:
        with self._lock:
            coll = self._data.get((kind, account))
            if not coll or key not in coll.docs:
                return None
            del coll.keys[bisect.bisect_left(coll.keys, key)]
            return decode(coll.docs.pop(key))

    def scan(
        self,
        kind: str,
        account: str,
        *,
        start: str = "",
        prefix: str = "",
        limit: int | None = None,
        reverse: bool = False,
    ) -> list[tuple[str, dict]]:
        with self._lock:
            coll = self._data.get((kind, account))
            if not coll:
                return []
            out: list[tuple[str, dict]] = []
            keys = (
                _keys_before(coll.keys, start, prefix)
                if reverse
                else _keys_from(coll.keys, max(start, prefix))
            )
            for key in keys:
                if not key.startswith(prefix) or (limit is not None and len(out) >= limit):
                    break
                out.append((key, decode(coll.docs[key])))
            return out

    def accounts(self, kind: str) -> list[str]:
        with self._lock:
            return sorted(account for (k, account), coll in self._data.items() if k == kind and coll.keys)

    def count(self, kind: str, account: str) -> int:
        with self._lock:
            coll = self._data.get((kind, account))
            return len(coll.keys) if coll else 0

    def reset(self, account: str | None = None) -> None:
        with self._lock:
            if account is None:
                self._data.clear()
            else:
                for pair in [p for p in self._data if p[1] == account]:
                    del self._data[pair]


def _keys_from(keys: list[str], start: str) -> Iterator[str]:
    for i in range(bisect.bisect_left(keys, start), len(keys)):
        yield keys[i]


def _keys_before(keys: list[str], before: str, prefix: str) -> Iterator[str]:
    # Keys with the prefix sort below prefix + U+10FFFF; start from there unless ``before`` is lower.
    bound = prefix + "\U0010ffff"
    if before and before < bound:
        bound = before
    for i in range(bisect.bisect_left(keys, bound) - 1, -1, -1):
        yield keys[i]
