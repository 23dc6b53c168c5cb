"""``Emulator``: the in-process handle. ``with Emulator() as emu:`` runs a threaded server on a free port."""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any, BinaryIO

from .clock import Clock
from .config import EmulatorConfig
from .handles import FaultsHandle, NotificationsHandle, RequestsHandle
from .imm import tasks, video_labels
from .oss.model import NewObject
from .runtime import Runtime
from .server import Server
from .state.blobs import read_chunks


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
        return tasks.end_by_hand(self.runtime.services, task_id, self.runtime.account(access_key_id))

    def fail_task(
        self,
        task_id: str,
        code: str = "InternalError",
        message: str = "The task failed.",
        access_key_id: str | None = None,
    ) -> dict:
        return tasks.end_by_hand(
            self.runtime.services, task_id, self.runtime.account(access_key_id), (code, message)
        )

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

    def oss_client(
        self, access_key_id: str | None = None, access_key_secret: str | None = None, **config: Any
    ):
        """A real ``alibabacloud_oss_v2`` client pointed at this emulator (path-style, signature v4)."""
        import alibabacloud_oss_v2 as oss

        key_id, secret, token = self._key(access_key_id, access_key_secret)
        cfg = oss.config.load_default()
        cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(key_id, secret, token)
        cfg.region = self.config.region
        cfg.endpoint = self.endpoint
        cfg.use_path_style = True
        for name, value in config.items():
            setattr(cfg, name, value)
        return oss.Client(cfg)

    def oss2_bucket(
        self,
        bucket: str,
        access_key_id: str | None = None,
        access_key_secret: str | None = None,
        *,
        signature: str = "v4",
    ):
        """A real ``oss2.Bucket`` pointed at this emulator, signing with ``v4`` (default) or ``v1``."""
        import oss2

        key_id, secret, token = self._key(access_key_id, access_key_secret)
        if token:
            auth = oss2.StsAuth(key_id, secret, token, auth_version="v4" if signature == "v4" else "v1")
        else:
            auth = oss2.AuthV4(key_id, secret) if signature == "v4" else oss2.Auth(key_id, secret)
        return oss2.Bucket(auth, self.endpoint, bucket, region=self.config.region)

    def _key(self, access_key_id: str | None, access_key_secret: str | None) -> tuple[str, str, str | None]:
        if access_key_id is None:
            key = self.config.access_keys[0]
            return key.access_key_id, key.secret, key.security_token
        known = self.runtime.auth.key(access_key_id)
        secret = access_key_secret if access_key_secret is not None else (known.secret if known else "")
        return access_key_id, secret, known.security_token if known and access_key_secret is None else None

    # --- clients --------------------------------------------------------------------------------
    def client(self, access_key_id: str | None = None, access_key_secret: str | None = None, **config: Any):
        """A real ``alibabacloud_imm20200930`` client pointed at this emulator (needs the ``sdk`` extra)."""
        from alibabacloud_imm20200930.client import Client
        from alibabacloud_tea_openapi.models import Config

        key_id, secret, token = self._key(access_key_id, access_key_secret)
        settings: dict[str, Any] = {
            "access_key_id": key_id,
            "access_key_secret": secret,
            "endpoint": self.address,
            "protocol": "http",
            "region_id": self.config.region,
        }
        if token:
            settings["security_token"] = token
        settings.update(config)
        return Client(Config(**settings))
