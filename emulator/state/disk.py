"""Recognizing a full disk, whichever part of the state met it (blob files, SQLite)."""

from __future__ import annotations

import errno
import sqlite3


def storage_full(exc: BaseException) -> bool:
    """Whether ``exc`` is a full disk or quota: ENOSPC/EDQUOT from a file, SQLITE_FULL from SQLite."""
    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return isinstance(exc, sqlite3.Error) and getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
