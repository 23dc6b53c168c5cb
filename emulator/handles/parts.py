"""Parts of the Python handle that group related calls: ``emu.faults``, ``emu.notifications`` and
``emu.requests`` (the journal)."""

from __future__ import annotations

import builtins
from typing import Any

from ..faults import FaultRule
from ..imm import notifications
from ..runtime import Runtime


class FaultsHandle:
    """``emu.faults.add(action="GetProject", code="Throttling.User", times=2)``; rules are scoped to the
    account of ``access_key_id`` when given, else emulator-wide."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def add(self, access_key_id: str | None = None, **rule: Any) -> FaultRule:
        return self._runtime.faults.add(FaultRule(**rule), self._runtime.account(access_key_id))

    def list(self, access_key_id: str | None = None) -> list[dict]:
        return self._runtime.faults.list(self._runtime.account(access_key_id))

    def clear(self, access_key_id: str | None = None) -> None:
        self._runtime.faults.clear(self._runtime.account(access_key_id))


class NotificationsHandle:
    """The outbox of task notifications (MNS, RocketMQ and EventBridge messages), oldest first."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def _owners(self, access_key_id: str | None) -> list[str]:
        account = self._runtime.account(access_key_id)
        return [account] if account else self._runtime.store.accounts(notifications.KIND)

    def list(
        self, access_key_id: str | None = None, *, task_id: str | None = None, channel: str | None = None
    ) -> list[dict]:
        found = []
        for owner in self._owners(access_key_id):
            found += notifications.outbox(
                self._runtime.services.context(owner), task_id=task_id, channel=channel
            )
        return sorted(found, key=lambda entry: entry["created"])

    def wait(
        self, count: int = 1, timeout: float = 5.0, access_key_id: str | None = None, **filters: Any
    ) -> builtins.list[dict]:
        """Block until ``count`` matching notifications exist; TimeoutError after ``timeout`` seconds."""

        def found() -> builtins.list[dict]:
            return self.list(access_key_id, **filters)

        if not notifications.wait_until(self._runtime.services, lambda: len(found()) >= count, timeout):
            raise TimeoutError(f"{count} notification(s) matching {filters} did not arrive in {timeout} s")
        return found()

    def clear(self, access_key_id: str | None = None) -> None:
        for owner in self._owners(access_key_id):
            notifications.clear(self._runtime.services.context(owner))

    def __iter__(self):
        return iter(self.list())

    def __len__(self) -> int:
        return len(self.list())


class RequestsHandle:
    """The request journal: every IMM and OSS call, newest last, bounded by ``journal_size``."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime

    def list(self, access_key_id: str | None = None, **filters: Any) -> list[dict]:
        """Filters: ``action``, ``status``, ``test``, ``code``, ``since`` (a seq seen), ``limit``."""
        return self._runtime.journal.query(account=self._runtime.account(access_key_id), **filters)

    def clear(self, access_key_id: str | None = None) -> None:
        self._runtime.journal.clear(self._runtime.account(access_key_id))

    def __iter__(self):
        return iter(self.list())

    def __len__(self) -> int:
        return len(self._runtime.journal)
