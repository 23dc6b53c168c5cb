"""``Emulator``: the in-process handle. ``with Emulator() as emu:`` runs a threaded server on a free port."""

from __future__ import annotations

from typing import Any

from .clock import Clock
from .config import EmulatorConfig
from .faults import FaultRule
from .runtime import Runtime
from .server import Server


class Emulator:
    """Keyword arguments are EmulatorConfig fields; ``port`` defaults to 0 (a free port)."""

    def __init__(self, **config: Any) -> None:
        config.setdefault("port", 0)
        self.config = EmulatorConfig(**config)
        self.runtime = Runtime(self.config)
        self._server: Server | None = None

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> Emulator:
        if self._server is None:
            self._server = Server(self.runtime)
            self._server.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

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

    def account(self, access_key_id: str | None = None) -> str:
        """The account id an AccessKeyId belongs to (the default key's if None)."""
        return self.runtime.auth.account_of(access_key_id or self.config.access_keys[0].access_key_id)

    def reset(self, access_key_id: str | None = None) -> None:
        """Forget all state, or only the state of the account ``access_key_id`` belongs to."""
        self.runtime.reset(self.runtime.account(access_key_id))

    # --- clients --------------------------------------------------------------------------------
    def client(self, access_key_id: str | None = None, access_key_secret: str | None = None, **config: Any):
        """A real ``alibabacloud_imm20200930`` client pointed at this emulator (needs the ``sdk`` extra)."""
        from alibabacloud_imm20200930.client import Client
        from alibabacloud_tea_openapi.models import Config

        key = self.config.access_keys[0]
        if access_key_id is not None and access_key_secret is None:
            known = self.runtime.auth.key(access_key_id)
            access_key_secret = known.secret if known else None
        settings: dict[str, Any] = {
            "access_key_id": access_key_id or key.access_key_id,
            "access_key_secret": access_key_secret or key.secret,
            "endpoint": self.address,
            "protocol": "http",
            "region_id": self.config.region,
        }
        if access_key_id is None and key.security_token:
            settings["security_token"] = key.security_token
        settings.update(config)
        return Client(Config(**settings))


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
