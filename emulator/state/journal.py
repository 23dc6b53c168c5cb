"""The request journal: a bounded ring buffer of every call, for tests and the dashboard to inspect.

Never more than ``size`` entries (the oldest go first): an emulator shared by a CI run must not grow
without bound, which is what WireMock users hit with its unbounded journal.
"""

from __future__ import annotations

import collections
import itertools
import threading
from typing import Any

SECRET_PARAMS = frozenset(
    {
        "Signature",
        "SecurityToken",
        "AccessKeySecret",
        "x-oss-signature",
        "security-token",
        "x-oss-security-token",
    }
)


def mask(params: dict[str, str]) -> dict[str, str]:
    return {k: ("***" if k in SECRET_PARAMS else v) for k, v in params.items()}


class Journal:
    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._entries: collections.deque[dict] = collections.deque(maxlen=max(size, 0))
        self._sequence = itertools.count(1)
        self._tests: dict[str | None, str] = {}

    def set_test(self, name: str | None, account: str | None = None) -> None:
        """Label what follows (for one account, or all) with the test that runs it."""
        with self._lock:
            if name:
                self._tests[account] = name
            else:
                self._tests.pop(account, None)

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            entry["seq"] = next(self._sequence)
            entry.setdefault("test", self._tests.get(entry.get("account"), self._tests.get(None)))
            self._entries.append(entry)

    def query(
        self,
        *,
        action: str | None = None,
        status: int | None = None,
        account: str | None = None,
        test: str | None = None,
        code: str | None = None,
        since: int = 0,
        limit: int | None = None,
    ) -> list[dict]:
        """Matching entries, oldest first; ``since`` is a sequence number already seen."""
        with self._lock:
            entries = list(self._entries)
        found = [
            e for e in entries
            if e["seq"] > since
            and (action is None or e.get("action") == action)
            and (status is None or e.get("status") == status)
            and (account is None or e.get("account") == account)
            and (test is None or e.get("test") == test)
            and (code is None or e.get("code") == code)
        ]  # fmt: skip
        return found[-limit:] if limit else found

    def clear(self, account: str | None = None) -> None:
        with self._lock:
            if account is None:
                self._entries.clear()
            else:
                kept = [e for e in self._entries if e.get("account") != account]
                self._entries.clear()
                self._entries.extend(kept)

    def __len__(self) -> int:
        return len(self._entries)
