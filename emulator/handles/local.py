"""``Emulator``: the in-process handle. ``with Emulator() as emu:`` runs a threaded server on a free port."""

from __future__ import annotations

import mimetypes
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from ..background import set_account_notify_url
from ..clock import Clock
from ..config import AccessKey, EmulatorConfig
from ..imm import tasks, video_labels
from ..oss.model import NewObject
from ..runtime import Runtime
from ..state.blobs import read_chunks
from ..web.server import Server
from .clients import ClientFactory
from .parts import FaultsHandle, NotificationsHandle, RequestsHandle


class Emulator(ClientFactory):
    """Keyword arguments are EmulatorConfig fields; ``port`` defaults to 0 (a free port)."""

    def __init__(self, **config: Any) -> None:
        config.setdefault("port", 0)
        self.config = EmulatorConfig(**config)
        self.runtime = Runtime(self.config)
        self._server: Server | None = None

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> Emulator:
        if self._server is None:
            try:
                self._server = Server(self.runtime)
            except BaseException:
                self.runtime.close()  # no ticker thread or scratch folder left behind
                raise
            self._server.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        self.runtime.close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- addresses ------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not running; use `with Emulator() as emu:` or emu.start()")
        return self._server.port

    @property
    def address(self) -> str:
        """``host:port``, what the IMM SDK's ``Config.endpoint`` takes (with ``protocol='http'``)."""
        return f"{self.config.host}:{self.port}"

    @property
    def endpoint(self) -> str:
        """``http://host:port``, the base URL for any HTTP client (and OSS clients)."""
        return self._server.url if self._server else f"http://{self.address}"

    # --- state ----------------------------------------------------------------------------------
    @property
    def clock(self) -> Clock:
        return self.runtime.clock

    @property
    def faults(self) -> FaultsHandle:
        return FaultsHandle(self.runtime)

    @property
    def notifications(self) -> NotificationsHandle:
        return NotificationsHandle(self.runtime)

    @property
    def requests(self) -> RequestsHandle:
        return RequestsHandle(self.runtime)

    # --- tasks ----------------------------------------------------------------------------------
    def set_task_policy(self, policy: str | None, access_key_id: str | None = None) -> None:
        """How this account's new tasks end (``instant``, ``manual``, ``polls:N``, seconds, ``auto``);
        None goes back to the emulator's ``task_duration``."""
        tasks.set_policy(self.runtime.services, self.account(access_key_id), policy)

    def set_notify_url(self, url: str | None, access_key_id: str | None = None) -> None:
        """POST this account's EventBridge events to ``url`` (as an EventBridge HTTP target does);
        None goes back to ``--notify-url``."""
        set_account_notify_url(self.runtime.store, self.account(access_key_id), url)

    def set_labels(self, uri_or_glob: str, labels: list, access_key_id: str | None = None) -> None:
        """Make video label tasks on matching ``oss://`` URIs answer these labels (names, or dicts with
        LabelName and optionally LabelConfidence, CentricScore, Clips; ``"Custom": true`` for names outside
        the taxonomy). Parents are added. Scoped to the key's account if given, else emulator-wide."""
        video_labels.set_override(
            self.runtime.services, self.runtime.account(access_key_id), uri_or_glob, labels
        )

    def clear_labels(self, access_key_id: str | None = None) -> None:
        video_labels.clear_overrides(self.runtime.services, self.runtime.account(access_key_id))

    def complete_task(self, task_id: str, access_key_id: str | None = None) -> dict:
        """End a task Succeeded now; -> {TaskId, Status, Code, Message}."""
        return tasks.outcome(
            tasks.end_by_hand(self.runtime.services, task_id, self.runtime.account(access_key_id))
        )

    def fail_task(
        self,
        task_id: str,
        code: str = "InternalError",
        message: str = "The task failed.",
        access_key_id: str | None = None,
    ) -> dict:
        account = self.runtime.account(access_key_id)
        return tasks.outcome(tasks.end_by_hand(self.runtime.services, task_id, account, (code, message)))

    @property
    def access_key_id(self) -> str:
        """The default key: what ``client()`` signs with."""
        return self.config.access_keys[0].access_key_id

    is_emulator = True
    shared = False  # this process's own: a test may reset all of it

    def register_key(self, access_key_id: str, secret: str, security_token: str | None = None) -> str:
        """Make the emulator accept another key (its own account); -> the account id."""
        key = AccessKey(access_key_id, secret, security_token)
        self.runtime.register_key(key)
        return key.account_id

    def set_test(self, name: str | None, access_key_id: str | None = None) -> None:
        """Label the journal entries that follow with a test's name."""
        self.runtime.journal.set_test(name, self.runtime.account(access_key_id))

    def account(self, access_key_id: str | None = None) -> str:
        """The account id an AccessKeyId belongs to (the default key's if None)."""
        return self.runtime.auth.account_of(access_key_id or self.config.access_keys[0].access_key_id)

    def reset(self, access_key_id: str | None = None) -> None:
        """Forget all state, or only the state of the account ``access_key_id`` belongs to."""
        self.runtime.reset(self.runtime.account(access_key_id))

    # --- OSS ------------------------------------------------------------------------------------
    def put_object(
        self,
        bucket: str,
        key: str,
        data: bytes | str | Path | BinaryIO,
        *,
        access_key_id: str | None = None,
        content_type: str | None = None,
        meta: dict[str, str] | None = None,
    ) -> str:
        """Store an object (creating the bucket if needed) without going through HTTP; ``data`` is bytes,
        a path to a file, or a readable binary stream. Returns its ``oss://`` URI."""
        account = self.account(access_key_id)
        self.runtime.oss.create_bucket(account, bucket)
        new = NewObject(
            content_type or mimetypes.guess_type(key)[0] or "application/octet-stream",
            {f"x-oss-meta-{k.lower()}": v for k, v in (meta or {}).items()},
        )
        if isinstance(data, bytes):
            self.runtime.oss.put(account, bucket, key, [data], new)
        elif isinstance(data, (str, Path)):
            with open(data, "rb") as stream:
                self.runtime.oss.put(account, bucket, key, read_chunks(stream), new)
        else:
            self.runtime.oss.put(account, bucket, key, read_chunks(data), new)
        return f"oss://{bucket}/{key}"

    def _key(self, access_key_id: str | None, access_key_secret: str | None) -> tuple[str, str, str | None]:
        if access_key_id is None:
            key = self.config.access_keys[0]
            return key.access_key_id, key.secret, key.security_token
        known = self.runtime.auth.key(access_key_id)
        secret = access_key_secret if access_key_secret is not None else (known.secret if known else "")
        return access_key_id, secret, known.security_token if known and access_key_secret is None else None

    @property
    def region(self) -> str:
        return self.config.region

    def clock_for(self, access_key_id: str | None = None) -> AccountClock:
        """The emulated clock as one account sees and moves it (what parallel test workers use)."""
        return AccountClock(self.runtime.clock, self.runtime.account(access_key_id))


class AccountClock:
    """``advance``, ``set``, ``freeze`` and ``now`` of the emulated clock, for one account."""

    def __init__(self, clock: Clock, account: str | None) -> None:
        self._clock, self.account = clock, account

    def now(self) -> float:
        return self._clock.now(self.account)

    def advance(self, seconds: float) -> None:
        self._clock.advance(seconds, self.account)

    def set(self, when: datetime | float) -> None:
        self._clock.set(when, self.account)

    def freeze(self, frozen: bool = True) -> None:
        self._clock.freeze(frozen, self.account)
