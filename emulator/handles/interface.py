"""What every emulator handle offers: ``Emulator`` (in-process) and ``RemoteEmulator`` (a server) both
satisfy ``EmulatorHandle`` with the same signatures and return types, so tests and the pytest plugin
can take either. mypy checks both against it (see the end of this module)."""

from __future__ import annotations

import builtins
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Protocol, runtime_checkable

from ..faults import FaultRule


class ClockHandle(Protocol):
    """One account's emulated clock (or the whole emulator's)."""

    def now(self) -> float: ...

    def advance(self, seconds: float) -> None: ...

    def set(self, when: datetime | float) -> None: ...

    def freeze(self, frozen: bool = True) -> None: ...


class FaultsAPI(Protocol):
    def add(self, access_key_id: str | None = None, **rule: Any) -> FaultRule: ...

    def list(self, access_key_id: str | None = None) -> builtins.list[dict]: ...

    def clear(self, access_key_id: str | None = None) -> None: ...


class NotificationsAPI(Protocol):
    def list(
        self, access_key_id: str | None = None, *, task_id: str | None = None, channel: str | None = None
    ) -> builtins.list[dict]: ...

    def wait(
        self, count: int = 1, timeout: float = 5.0, access_key_id: str | None = None, **filters: Any
    ) -> builtins.list[dict]: ...

    def clear(self, access_key_id: str | None = None) -> None: ...


class RequestsAPI(Protocol):
    def list(self, access_key_id: str | None = None, **filters: Any) -> builtins.list[dict]: ...

    def clear(self, access_key_id: str | None = None) -> None: ...


@runtime_checkable
class EmulatorHandle(Protocol):
    """``access_key_id`` None means the handle's own key where a call acts on one account (clients,
    ``account``, ``clock_for``), and the whole emulator where a call may act on all (``reset``, faults,
    labels, journal). ``shared``: other users share the emulator (a server), so a test should reset and
    configure only its own account."""

    @property
    def endpoint(self) -> str: ...

    @property
    def address(self) -> str: ...

    @property
    def region(self) -> str: ...

    @property
    def is_emulator(self) -> bool: ...

    @property
    def shared(self) -> bool: ...

    @property
    def access_key_id(self) -> str: ...

    def client(
        self, access_key_id: str | None = None, access_key_secret: str | None = None, **config: Any
    ): ...

    def oss_client(
        self, access_key_id: str | None = None, access_key_secret: str | None = None, **config: Any
    ): ...

    def mns_account(self, access_key_id: str | None = None, access_key_secret: str | None = None): ...

    def mns_queue_subscription(
        self,
        topic: str,
        queue: str,
        *,
        content_format: str = "SIMPLIFIED",
        filter_tag: str = "",
        access_key_id: str | None = None,
        access_key_secret: str | None = None,
    ): ...

    def register_key(self, access_key_id: str, secret: str, security_token: str | None = None) -> str: ...

    def account(self, access_key_id: str | None = None) -> str: ...

    def reset(self, access_key_id: str | None = None) -> None: ...

    def clock_for(self, access_key_id: str | None = None) -> ClockHandle: ...

    @property
    def faults(self) -> FaultsAPI: ...

    @property
    def notifications(self) -> NotificationsAPI: ...

    @property
    def requests(self) -> RequestsAPI: ...

    def set_task_policy(self, policy: str | None, access_key_id: str | None = None) -> None: ...

    def set_notify_url(self, url: str | None, access_key_id: str | None = None) -> None: ...

    def set_labels(self, uri_or_glob: str, labels: list, access_key_id: str | None = None) -> None: ...

    def clear_labels(self, access_key_id: str | None = None) -> None: ...

    def complete_task(self, task_id: str, access_key_id: str | None = None) -> dict: ...

    def set_test(self, name: str | None, access_key_id: str | None = None) -> None: ...

    def put_object(
        self,
        bucket: str,
        key: str,
        data: bytes | str | Path | BinaryIO,
        *,
        access_key_id: str | None = None,
        content_type: str | None = None,
        meta: dict[str, str] | None = None,
    ) -> str: ...


if TYPE_CHECKING:  # mypy proves both handles satisfy the protocol
    from .local import Emulator
    from .remote import RemoteEmulator

    def _conforms(local: Emulator, remote: RemoteEmulator) -> tuple[EmulatorHandle, EmulatorHandle]:
        return local, remote
