"""Seen signature nonces, remembered for as long as the request that carried one could be replayed.

A request is accepted while its own timestamp is within the window of the wall clock, so its nonce is
kept until ``signed_at + window`` (a request signed 14 minutes ahead stays replayable for 29), not for
one window from its arrival. With ``--data-dir`` they are written to ``nonces.sqlite3`` as they are
seen (WAL, ``synchronous=NORMAL``: it survives the process being killed, without an fsync per
request), so a restart does not reopen the window.
"""

from __future__ import annotations

import heapq
import sqlite3
import threading
from pathlib import Path

from .disk import storage_full

_PURGE_EVERY = 1000  # remembered nonces between deletions of expired rows from the file


class NonceCache:
    """``remember`` is atomic: of two requests racing with one nonce, exactly one wins."""

    def __init__(self, window_seconds: float, path: str | Path | None = None, *, now: float = 0.0) -> None:
        self._window = window_seconds
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], float] = {}
        self._expiry: list[tuple[float, tuple[str, str]]] = []
        self._db: sqlite3.Connection | None = None
        self._writes = 0
        if path is not None:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS nonces (access_key_id TEXT NOT NULL, nonce TEXT NOT NULL, "
                "expires REAL NOT NULL, PRIMARY KEY (access_key_id, nonce)) WITHOUT ROWID"
            )
            self._db.execute("DELETE FROM nonces WHERE expires <= ?", (now,))
            for access_key_id, nonce, expires in self._db.execute("SELECT * FROM nonces"):
                self._keep((access_key_id, nonce), expires)

    def remember(self, access_key_id: str, nonce: str, now: float, signed_at: float | None = None) -> bool:
        """False if the nonce was already used with this key by a request still inside its window."""
        key = (access_key_id, nonce)
        expires = (now if signed_at is None else signed_at) + self._window
        with self._lock:
            self._purge(now)
            if key in self._seen:
                return False
            self._keep(key, expires)
            if self._db is not None:
                try:
                    self._db.execute("INSERT OR REPLACE INTO nonces VALUES (?, ?, ?)", (*key, expires))
                    self._writes += 1
                    if self._writes % _PURGE_EVERY == 0:
                        self._db.execute("DELETE FROM nonces WHERE expires <= ?", (now,))
                except sqlite3.OperationalError as exc:
                    if not storage_full(exc):  # on a full disk: kept in memory, the request goes on
                        raise
            return True

    def _keep(self, key: tuple[str, str], expires: float) -> None:
        self._seen[key] = expires
        heapq.heappush(self._expiry, (expires, key))

    def _purge(self, now: float) -> None:
        while self._expiry and self._expiry[0][0] <= now:
            expires, key = heapq.heappop(self._expiry)
            if self._seen.get(key) == expires:
                del self._seen[key]

    def reset(self) -> None:
        with self._lock:
            self._seen.clear()
            self._expiry.clear()
            if self._db is not None:
                self._db.execute("DELETE FROM nonces")

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __len__(self) -> int:
        return len(self._seen)
