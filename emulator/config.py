"""One EmulatorConfig. Every field is a CLI flag with an ``IMM_EMULATOR_*`` environment twin.

The CLI parser is generated from the field metadata below, so a new option is one field here.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, tzinfo
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .imm.task_policy import Policy
from .oss.mounts import Mount

DEFAULT_ACCESS_KEY_ID = "test-access-key-id"
DEFAULT_ACCESS_KEY_SECRET = "test-access-key-secret"
API_VERSION = "2020-09-30"

# IMM regions -> IANA zones of their data centres.
REGION_TIMEZONES = {
    **{
        r: "Asia/Shanghai"
        for r in (
            "cn-hangzhou",
            "cn-shanghai",
            "cn-beijing",
            "cn-zhangjiakou",
            "cn-shenzhen",
            "cn-chengdu",
            "cn-qingdao",
            "cn-huhehaote",
            "cn-wulanchabu",
            "cn-guangzhou",
            "cn-heyuan",
            "cn-beijing-gov-1",
        )
    },
    "cn-hongkong": "Asia/Hong_Kong",
    "ap-southeast-1": "Asia/Singapore",
    "ap-southeast-3": "Asia/Kuala_Lumpur",
    "ap-southeast-5": "Asia/Jakarta",
    "ap-northeast-1": "Asia/Tokyo",
    "ap-south-1": "Asia/Kolkata",
    "eu-central-1": "Europe/Berlin",
    "eu-west-1": "Europe/London",
    "us-west-1": "America/Los_Angeles",
    "us-east-1": "America/New_York",
    "me-east-1": "Asia/Dubai",
}


@dataclass(frozen=True)
class AccessKey:
    """A key pair the emulator accepts; ``security_token`` set means an STS key that needs it."""

    access_key_id: str
    secret: str
    security_token: str | None = None
    account_id: str = ""

    def __post_init__(self) -> None:
        if not self.access_key_id or not self.secret:
            raise ValueError("an access key needs both an AccessKeyId and a secret")
        if not self.account_id:
            object.__setattr__(self, "account_id", account_for(self.access_key_id))

    @classmethod
    def parse(cls, spec: str) -> AccessKey:
        """``AK:SECRET[:SECURITY_TOKEN][@ACCOUNT_ID]``."""
        spec, _, account = spec.partition("@")
        parts = spec.split(":", 2)
        if len(parts) < 2:
            raise ValueError(f"access key {spec!r} is not AK:SECRET[:TOKEN][@ACCOUNT]")
        return cls(parts[0], parts[1], parts[2] if len(parts) == 3 else None, account)


def account_for(access_key_id: str) -> str:
    """A stable 16-digit Alibaba Cloud style account id for an AccessKeyId that names none."""
    digest = hashlib.sha256(access_key_id.encode()).hexdigest()
    return str(int(digest, 16) % 10**15 + 10**15)


_N = TypeVar("_N", int, float)


def _bounded(what: str, value: _N, low: float, high: float) -> _N:
    if not low <= value <= high:
        raise ValueError(f"{what} must be from {low:g} to {high:g}")
    return value


def _opt(
    flag: str,
    help: str,
    *,
    env: str | None = None,
    multiple: bool = False,
    choices=None,
    metavar: str | None = None,
    switch: bool = False,
) -> dict:
    name = env or "IMM_EMULATOR_" + flag.lstrip("-").replace("-", "_").upper()
    return {
        "flag": flag,
        "env": name,
        "help": help,
        "multiple": multiple,
        "choices": choices,
        "metavar": metavar,
        "switch": switch,
    }


@dataclass
class EmulatorConfig:
    host: str = field(default="127.0.0.1", metadata=_opt("--host", "address to listen on"))
    port: int = field(default=8089, metadata=_opt("--port", "port to listen on (0 picks a free one)"))
    auth: str = field(
        default="strict",
        metadata=_opt(
            "--auth", "verify signatures (strict) or accept any request (off)", choices=("strict", "off")
        ),
    )
    access_keys: list[AccessKey] = field(
        default_factory=list,
        metadata=_opt(
            "--access-key",
            "AK:SECRET[:SECURITY_TOKEN][@ACCOUNT_ID] accepted for signing; repeatable "
            f"(default {DEFAULT_ACCESS_KEY_ID}:{DEFAULT_ACCESS_KEY_SECRET})",
            env="IMM_EMULATOR_ACCESS_KEYS",
            multiple=True,
        ),
    )
    oss_domain: str = field(
        default="",
        metadata=_opt(
            "--oss-domain",
            "also take <bucket>.DOMAIN hosts as virtual-hosted OSS (<bucket>.localhost and "
            "<bucket>.oss-<region>.aliyuncs.com always are)",
        ),
    )
    region: str = field(
        default="cn-hangzhou", metadata=_opt("--region", "region the emulator pretends to be")
    )
    server: str = field(
        default="werkzeug",
        metadata=_opt(
            "--server",
            "the HTTP server: werkzeug (threaded) or waitress (pip install waitress)",
            choices=("werkzeug", "waitress"),
        ),
    )
    tls: bool = field(
        default=False,
        metadata=_opt(
            "--tls",
            "serve HTTPS on --port, with a certificate from the emulator's local CA (imm-emulator-ca.pem "
            "in --data-dir or ~/.cache/imm-emulator; needs the tls extra and --server werkzeug)",
            switch=True,
        ),
    )
    data_dir: str = field(
        default="",
        metadata=_opt(
            "--data-dir", "keep state and objects in this folder (SQLite + files), across restarts"
        ),
    )
    task_duration: str = field(
        default="auto",
        metadata=_opt(
            "--task-duration",
            "how asynchronous tasks end: auto (longer for longer videos, on the emulator clock), instant, "
            "manual, polls:N (on the N-th read) or a number of seconds",
        ),
    )
    notify_url: str = field(
        default="",
        metadata=_opt(
            "--notify-url",
            "POST each task's EventBridge CloudEvent to this URL, as an EventBridge HTTP target (retried)",
        ),
    )
    validate_responses: bool = field(
        default=False,
        metadata=_opt(
            "--validate-responses",
            "check every IMM answer against the strict JSON-Schema contract; a violation answers "
            "InternalError naming the JSON path",
            switch=True,
        ),
    )
    control_token: str = field(
        default="",
        metadata=_opt(
            "--control-token", "require 'Authorization: Bearer TOKEN' on /_emulator/* (but health)"
        ),
    )
    allowed_hosts: list[str] = field(
        default_factory=list,
        metadata=_opt(
            "--allowed-host",
            "a Host name the control API answers besides loopback ones (localhost, *.localhost, 127.x, "
            "::1) when listening on a loopback address; repeatable",
            env="IMM_EMULATOR_ALLOWED_HOSTS",
            multiple=True,
            metavar="NAME",
        ),
    )
    journal_size: int = field(
        default=1000, metadata=_opt("--journal-size", "how many recent calls the request journal keeps")
    )
    probe_timeout: float = field(
        default=2.0,
        metadata=_opt(
            "--probe-timeout",
            "seconds a media probe may take (DetectMediaMeta, task creation) before its worker is killed "
            "and the call answers InvalidArgument",
            metavar="SECONDS",
        ),
    )
    probe_workers: int = field(
        default=2,
        metadata=_opt("--probe-workers", "MediaInfo worker processes probing media in parallel", metavar="N"),
    )
    probe_memory: int = field(
        default=512,
        metadata=_opt(
            "--probe-memory",
            "address space (MiB) each probe worker may use; a probe beyond it answers InvalidArgument",
            metavar="MIB",
        ),
    )
    mounts: list[Mount] = field(
        default_factory=list,
        metadata=_opt(
            "--mount",
            "serve local folder DIR as OSS bucket BUCKET, read-only unless :rw; repeatable",
            env="IMM_EMULATOR_MOUNTS",
            multiple=True,
            metavar="BUCKET=DIR[:rw]",
        ),
    )

    def __post_init__(self) -> None:
        self.port = int(self.port)
        self.data_dir = str(self.data_dir or "")
        self.journal_size = _bounded("journal size", int(self.journal_size), 0, 1_000_000)
        self.probe_timeout = _bounded("the probe timeout (seconds)", float(self.probe_timeout), 0.1, 600)
        self.probe_workers = _bounded("probe workers", int(self.probe_workers), 1, 64)
        self.probe_memory = _bounded("the probe memory (MiB)", int(self.probe_memory), 64, 65536)
        if self.server not in ("werkzeug", "waitress"):
            raise ValueError(f"server must be 'werkzeug' or 'waitress', not {self.server!r}")
        if self.auth not in ("strict", "off"):
            raise ValueError(f"auth must be 'strict' or 'off', not {self.auth!r}")
        self.access_keys = [
            k if isinstance(k, AccessKey) else AccessKey.parse(str(k)) for k in self.access_keys
        ]
        if not self.access_keys:
            self.access_keys = [AccessKey(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET)]
        Policy.parse(self.task_duration)
        self.mounts = [m if isinstance(m, Mount) else Mount.parse(str(m)) for m in self.mounts]
        self.allowed_hosts = [str(h).strip().lower() for h in self.allowed_hosts if str(h).strip()]
        buckets = [m.bucket for m in self.mounts]
        if len(set(buckets)) != len(buckets):
            raise ValueError("each bucket can be mounted once")

    @property
    def host_id(self) -> str:
        return f"imm.{self.region}.aliyuncs.com"

    @property
    def timezone(self) -> tzinfo:
        """The region's local zone: the real service writes project times in it (``+08:00`` in China)."""
        name = REGION_TIMEZONES.get(self.region)
        if name is None:
            return UTC
        try:
            return ZoneInfo(name)
        except ZoneInfoNotFoundError:
            return UTC

    @classmethod
    def options(cls) -> list[tuple[str, dict]]:
        return [(f.name, dict(f.metadata)) for f in fields(cls) if f.metadata]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> EmulatorConfig:
        """Environment twins first, explicit overrides (CLI flags, keyword arguments) on top."""
        if environ is None:
            environ = os.environ
        values: dict[str, Any] = {}
        for name, meta in cls.options():
            raw = environ.get(meta["env"])
            if raw is None or raw == "":
                continue
            if meta["multiple"]:
                values[name] = [v.strip() for v in raw.split(",") if v.strip()]
            elif meta["switch"]:
                values[name] = raw.strip().lower() in ("1", "true", "yes", "on")
            else:
                values[name] = raw
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)
