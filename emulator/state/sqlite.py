"""The Store in SQLite, for ``--data-dir``: one table of JSON documents, WAL journal, every write
committed with ``synchronous=FULL`` before the call returns, so an answered request survives a crash.

Deletions must work on a full disk, since they are how a user frees space through the API, but SQLite
needs a few free pages to commit even a DELETE. So a 1 MiB reserve file is kept beside the database; a
deletion that meets SQLITE_FULL gives it up and tries again, and the reserve is taken back when space
allows.

Schema versions are numbered; ``MIGRATIONS[n]`` brings a database from version n to n+1.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from .disk import storage_full
from .store import Store, decode, encode

MIGRATIONS: list[str] = [
    # 0 -> 1: documents by (kind, account, key)
    """
    CREATE TABLE docs (
        kind TEXT NOT NULL, account TEXT NOT NULL, key TEXT NOT NULL, doc TEXT NOT NULL,
        PRIMARY KEY (kind, account, key)
    ) WITHOUT ROWID;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
RESERVE = 1 << 20
_TOP = "\U0010ffff"


_T = TypeVar("_T")


class SqliteStore(Store):
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._depth = 0  # transactions open in the thread holding the lock
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._migrate()
        self._reserve = self.path.with_name(self.path.name + "-reserve")
        self._reserved = self._take_reserve()

    def _take_reserve(self) -> bool:
        """Allocate the reserve file (really allocate: blocks, not a sparse size); False if no space."""
        try:
            fd = os.open(self._reserve, os.O_WRONLY | os.O_CREAT, 0o600)
            try:
                os.posix_fallocate(fd, 0, RESERVE)
            finally:
                os.close(fd)
        except OSError as exc:
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
                raise
            return False
        return True

    def _freeing(self, run: Callable[[], _T]) -> _T:
        """``run`` a deletion; on a full disk, once more with the reserve given up."""
        try:
            return run()
        except sqlite3.OperationalError as exc:
            if not (storage_full(exc) and self._reserved and not self._depth):
                raise
            self._reserve.unlink(missing_ok=True)
            self._reserved = False
            return run()

    def _writing(self) -> None:
        """Before a write that adds data: take the reserve back if it was given up and space allows."""
        if not self._reserved:
            self._reserved = self._take_reserve()

    def _migrate(self) -> None:
        with self._lock:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} has schema version {version}; this imm-emulator knows {SCHEMA_VERSION}"
                )
            for number in range(version, SCHEMA_VERSION):
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._run_script(MIGRATIONS[number])
                    self._db.execute(f"PRAGMA user_version={number + 1}")
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise

    def _run_script(self, script: str) -> None:
        for statement in filter(None, (s.strip() for s in script.split(";"))):
            self._db.execute(statement)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # --- Store ----------------------------------------------------------------------------------
    def get(self, kind: str, account: str, key: str) -> dict | None:
        with self._lock:
            row = self._db.execute(
                "SELECT doc FROM docs WHERE kind=? AND account=? AND key=?", (kind, account, key)
            ).fetchone()
        return decode(row[0]) if row else None

    def create(self, kind: str, account: str, key: str, doc: dict) -> bool:
        with self._lock:
            self._writing()
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO docs (kind, account, key, doc) VALUES (?, ?, ?, ?)",
                (kind, account, key, encode(doc)),
            )
            return cursor.rowcount == 1

    def put(self, kind: str, account: str, key: str, doc: dict) -> dict | None:
        with self.transaction():
            self._writing()
            return self._replace(kind, account, key, doc)

    def _replace(self, kind: str, account: str, key: str, doc: dict) -> dict | None:
        old = self.get(kind, account, key)
        self._db.execute(
            "INSERT OR REPLACE INTO docs (kind, account, key, doc) VALUES (?, ?, ?, ?)",
            (kind, account, key, encode(doc)),
        )
        return old

    def update(self, kind: str, account: str, key: str, change: Callable[[dict], dict]) -> dict | None:
        def run() -> dict | None:
            old = self.get(kind, account, key)
            if old is None:
                return None
            new = change(old)
            self._db.execute(
                "UPDATE docs SET doc=? WHERE kind=? AND account=? AND key=?",
                (encode(new), kind, account, key),
            )
            return new

        with self.transaction():
            self._writing()
            return run()

    def delete(self, kind: str, account: str, key: str) -> bool:
        def run() -> bool:
            cursor = self._db.execute(
                "DELETE FROM docs WHERE kind=? AND account=? AND key=?", (kind, account, key)
            )
            return cursor.rowcount == 1

        with self._lock:
            return self._freeing(run)

    def pop(self, kind: str, account: str, key: str) -> dict | None:
        def run() -> dict | None:
            old = self.get(kind, account, key)
            if old is not None:
                self._db.execute(
                    "DELETE FROM docs WHERE kind=? AND account=? AND key=?", (kind, account, key)
                )
            return old

        def transacted() -> dict | None:
            with self.transaction():
                return run()

        with self._lock:
            return self._freeing(transacted)

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
        upper = prefix + _TOP
        if reverse:
            sql = (
                "SELECT key, doc FROM docs WHERE kind=? AND account=? AND key>=? AND key<? ORDER BY key DESC"
            )
            args: tuple = (kind, account, prefix, min(start, upper) if start else upper)
        else:
            sql = "SELECT key, doc FROM docs WHERE kind=? AND account=? AND key>=? AND key<? ORDER BY key"
            args = (kind, account, max(start, prefix), upper)
        if limit is not None:
            sql += " LIMIT ?"
            args += (limit,)
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [(key, decode(doc)) for key, doc in rows]

    def accounts(self, kind: str) -> list[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT account FROM docs WHERE kind=? ORDER BY account", (kind,)
            )
            return [row[0] for row in rows.fetchall()]

    def count(self, kind: str, account: str) -> int:
        with self._lock:
            return self._db.execute(
                "SELECT COUNT(*) FROM docs WHERE kind=? AND account=?", (kind, account)
            ).fetchone()[0]

    def clear(self, kind: str, account: str) -> None:
        with self._lock:
            self._freeing(
                lambda: self._db.execute("DELETE FROM docs WHERE kind=? AND account=?", (kind, account))
            )

    def reset(self, account: str | None = None) -> None:
        with self._lock:
            if account is None:
                self._freeing(lambda: self._db.execute("DELETE FROM docs"))
            else:
                self._freeing(lambda: self._db.execute("DELETE FROM docs WHERE account=?", (account,)))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
                self._db.execute("COMMIT")
            except BaseException:
                if self._db.in_transaction:  # a failed COMMIT (a full disk) may leave it open
                    self._db.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
