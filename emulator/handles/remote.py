"""``RemoteEmulator``: the same handle as ``Emulator``, for a server already running elsewhere (the
``--imm-endpoint`` mode of the pytest plugin), driven through the control API.

Pointed at the real IMM service instead, ``is_emulator`` is False: the clients work, the control
calls raise ``EmulatorOnly`` (the plugin skips tests that need them).
"""

from __future__ import annotations

import builtins
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from typing import Any

from ..clock import format_rfc3339, parse_rfc3339
from ..faults import FaultRule
from .clients import ClientFactory


class EmulatorOnly(RuntimeError):
    """A control call against an endpoint that is not an imm-emulator."""


class RemoteEmulator(ClientFactory):
    shared = True  # a server others may use too: a test resets and configures only its own account

    def __init__(
        self,
        endpoint: str,
        access_key_id: str = "test-access-key-id",
        access_key_secret: str = "test-access-key-secret",
        security_token: str | None = None,
        region: str | None = None,
        control_token: str | None = None,
    ) -> None:
        endpoint = endpoint.rstrip("/")
        self.endpoint = endpoint if "://" in endpoint else f"http://{endpoint}"
        self.address = self.endpoint.split("://", 1)[1]
        self._token = control_token
        self._default = (access_key_id, access_key_secret, security_token)
        self._secrets: dict[str, tuple[str, str | None]] = {
            access_key_id: (access_key_secret, security_token)
        }
        health = self._health()
        self.is_emulator = health is not None
        self.region = region or (health or {}).get("region", "cn-hangzhou")

    # --- plumbing -------------------------------------------------------------------------------
    def _health(self) -> dict | None:
        try:
            with urllib.request.urlopen(f"{self.endpoint}/_emulator/health", timeout=10) as response:
                body = json.load(response)
            return body if body.get("status") == "ok" else None
        except (urllib.error.URLError, OSError, ValueError):
            return None

    def control(self, method: str, path: str, body: dict | None = None, **query: Any) -> dict:
        if not self.is_emulator:
            raise EmulatorOnly(f"{self.endpoint} is not an imm-emulator; {path} needs one")
        params = {k: v for k, v in query.items() if v is not None}
        url = f"{self.endpoint}/_emulator{path}" + (f"?{urllib.parse.urlencode(params)}" if params else "")
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=70) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            raise RuntimeError(f"{method} {path} failed with {exc.code}: {detail}") from None

    def _key(self, access_key_id: str | None, access_key_secret: str | None) -> tuple[str, str, str | None]:
        if access_key_id is None:
            return self._default
        if access_key_secret is not None:
            return access_key_id, access_key_secret, None
        secret, token = self._secrets.get(access_key_id, ("", None))
        return access_key_id, secret, token

    # --- accounts and state ---------------------------------------------------------------------
    def register_key(self, access_key_id: str, secret: str, security_token: str | None = None) -> str:
        """Make the server accept a key (its own account); -> the account id."""
        body = {"access_key_id": access_key_id, "secret": secret, "security_token": security_token}
        account = self.control("POST", "/keys", body)["account"]
        self._secrets[access_key_id] = (secret, security_token)
        return account

    def use_key(self, access_key_id: str, secret: str, security_token: str | None = None) -> None:
        """Make this key the handle's default (clients, and the account scoped calls act on)."""
        self._default = (access_key_id, secret, security_token)
        self._secrets[access_key_id] = (secret, security_token)

    @property
    def access_key_id(self) -> str:
        return self._default[0]

    def account(self, access_key_id: str | None = None) -> str:
        return self.control("GET", "/keys", access_key_id=access_key_id or self._default[0])["account"]

    def reset(self, access_key_id: str | None = None) -> None:
        self.control("POST", "/reset", {"account": access_key_id} if access_key_id else {})

    @property
    def clock(self) -> RemoteClock:
        return RemoteClock(self, None)

    def clock_for(self, access_key_id: str | None = None) -> RemoteClock:
        return RemoteClock(self, access_key_id or self._default[0])

    @property
    def faults(self) -> _Faults:
        return _Faults(self)

    @property
    def notifications(self) -> _Notifications:
        return _Notifications(self)

    @property
    def requests(self) -> _Requests:
        return _Requests(self)

    # --- tasks and labels -----------------------------------------------------------------------
    def set_task_policy(self, policy: str | None, access_key_id: str | None = None) -> None:
        account = access_key_id or self._default[0]
        if policy is None:
            self.control("DELETE", "/task-policy", account=account)
        else:
            self.control("PUT", "/task-policy", {"policy": policy, "account": account})

    def set_notify_url(self, url: str | None, access_key_id: str | None = None) -> None:
        account = access_key_id or self._default[0]
        if url is None:
            self.control("DELETE", "/notify-url", account=account)
        else:
            self.control("PUT", "/notify-url", {"url": url, "account": account})

    def set_labels(self, uri_or_glob: str, labels: list, access_key_id: str | None = None) -> None:
        self.control("PUT", "/labels", {"uri": uri_or_glob, "labels": labels, "account": access_key_id})

    def clear_labels(self, access_key_id: str | None = None) -> None:
        self.control("DELETE", "/labels", account=access_key_id)

    def complete_task(self, task_id: str, access_key_id: str | None = None) -> dict:
        return self.control("POST", f"/tasks/{task_id}/complete", {"account": access_key_id})

    def fail_task(
        self,
        task_id: str,
        code: str = "InternalError",
        message: str = "The task failed.",
        access_key_id: str | None = None,
    ) -> dict:
        body = {"account": access_key_id, "code": code, "message": message}
        return self.control("POST", f"/tasks/{task_id}/fail", body)

    def set_test(self, name: str | None, access_key_id: str | None = None) -> None:
        """Label the journal entries that follow with a test's name."""
        self.control("PUT", "/test", {"name": name, "account": access_key_id})

    # --- OSS ------------------------------------------------------------------------------------
    def put_object(
        self,
        bucket: str,
        key: str,
        data: Any,
        *,
        access_key_id: str | None = None,
        content_type: str | None = None,
        meta: dict[str, str] | None = None,
    ) -> str:
        """Upload through the real oss2 client (creating the bucket if needed); -> the ``oss://`` URI."""
        import oss2

        target = self.oss2_bucket(bucket, access_key_id)
        try:
            target.create_bucket()
        except oss2.exceptions.ServerError as exc:
            if exc.code != "BucketAlreadyExists":
                raise
        headers = {f"x-oss-meta-{k.lower()}": v for k, v in (meta or {}).items()}
        if content_type:
            headers["Content-Type"] = content_type
        if isinstance(data, (bytes, bytearray)) or hasattr(data, "read"):
            target.put_object(key, data, headers=headers)
        else:
            target.put_object_from_file(key, str(data), headers=headers)
        return f"oss://{bucket}/{key}"


class RemoteClock:
    def __init__(self, remote: RemoteEmulator, account: str | None) -> None:
        self._remote, self.account = remote, account

    def _post(self, **change: Any) -> dict:
        return self._remote.control("POST", "/clock", {**change, "account": self.account})

    def now(self) -> float:
        state = self._remote.control("GET", "/clock", account=self.account)
        return parse_rfc3339(state["now"]) / 1e9

    def advance(self, seconds: float) -> None:
        self._post(advance=seconds)

    def set(self, when: datetime | float) -> None:
        seconds = when.timestamp() if isinstance(when, datetime) else when
        self._post(set=format_rfc3339(round(seconds * 1e9)))

    def freeze(self, frozen: bool = True) -> None:
        self._post(freeze=frozen)


class _Faults:
    def __init__(self, remote: RemoteEmulator) -> None:
        self._remote = remote

    def add(self, access_key_id: str | None = None, **rule: Any) -> FaultRule:
        return FaultRule(
            **self._remote.control("POST", "/faults", {**rule, "account": access_key_id})["rule"]
        )

    def list(self, access_key_id: str | None = None) -> list[dict]:
        return self._remote.control("GET", "/faults", account=access_key_id)["faults"]

    def clear(self, access_key_id: str | None = None) -> None:
        self._remote.control("DELETE", "/faults", account=access_key_id)


class _Notifications:
    def __init__(self, remote: RemoteEmulator) -> None:
        self._remote = remote

    def list(
        self, access_key_id: str | None = None, *, task_id: str | None = None, channel: str | None = None
    ) -> list[dict]:
        return self._remote.control(
            "GET", "/notifications", account=access_key_id, task_id=task_id, channel=channel
        )["notifications"]

    def wait(
        self, count: int = 1, timeout: float = 5.0, access_key_id: str | None = None, **filters: Any
    ) -> builtins.list[dict]:
        deadline = time.monotonic() + timeout
        while True:  # the server waits at most 10 s per request
            wait = min(10.0, max(0.0, deadline - time.monotonic()))
            found = self._remote.control(
                "GET", "/notifications", account=access_key_id, wait=wait, count=count, **filters
            )["notifications"]
            if len(found) >= count or time.monotonic() >= deadline:
                break
        if len(found) < count:
            raise TimeoutError(f"{count} notification(s) matching {filters} did not arrive in {timeout} s")
        return found

    def clear(self, access_key_id: str | None = None) -> None:
        self._remote.control("DELETE", "/notifications", account=access_key_id)


class _Requests:
    def __init__(self, remote: RemoteEmulator) -> None:
        self._remote = remote

    def list(self, access_key_id: str | None = None, **filters: Any) -> list[dict]:
        return self._remote.control("GET", "/requests", account=access_key_id, **filters)["requests"]

    def clear(self, access_key_id: str | None = None) -> None:
        self._remote.control("DELETE", "/requests", account=access_key_id)
