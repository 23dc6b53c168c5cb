"""Injected faults: rules that make matching IMM calls fail with a chosen error.

A rule matches by action (``*`` for any) and applies ``times`` times (null: until removed). Rules are
kept in the Store (kind ``fault``), per account or emulator-wide, so in-process and HTTP use are the
same thing. ``Throttling.User`` rules answer with ``x-acs-retry-after``, which the SDK raises as
ThrottlingException.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from .errors import CATALOG, ImmError
from .state import Store

KIND = "fault"
GLOBAL = "*"
_SEQUENCE = itertools.count(1)


@dataclass
class FaultRule:
    action: str = "*"
    code: str = "InternalError"
    message: str = ""
    status: int = 0
    retry_after: int | None = None
    times: int | None = 1
    id: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.action, str) or not self.action:
            raise ValueError("action must be an operation name or '*'")
        if not isinstance(self.code, str) or not self.code:
            raise ValueError("code must be a non-empty error code")
        if not isinstance(self.message, str):
            raise ValueError("message must be a string")
        if self.status and not (isinstance(self.status, int) and 400 <= self.status <= 599):
            raise ValueError("status must be an HTTP error status (400-599)")
        if self.retry_after is not None and not (isinstance(self.retry_after, int) and self.retry_after > 0):
            raise ValueError("retry_after must be a positive number of seconds")
        if self.times is not None and not (isinstance(self.times, int) and self.times > 0):
            raise ValueError("times must be a positive integer, or null for always")
        # Ids sort in creation order, so the oldest matching rule applies first.
        self.id = self.id or f"{next(_SEQUENCE):08d}-{uuid.uuid4().hex[:8]}"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultRule:
        unknown = set(data) - set(cls.__dataclass_fields__) - {"account"}
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        return cls(**{k: v for k, v in data.items() if k != "account"})

    def error(self) -> ImmError:
        headers = {"x-acs-retry-after": str(self.retry_after)} if self.retry_after else {}
        status = self.status or CATALOG.get(self.code, (500, ""))[0]
        return ImmError(self.code, self.message, status, headers)


class Faults:
    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, rule: FaultRule, account: str | None = None) -> FaultRule:
        self._store.put(KIND, account or GLOBAL, rule.id, asdict(rule))
        return rule

    def list(self, account: str | None = None) -> list[dict]:
        owners = [GLOBAL] if account is None else [account, GLOBAL]
        return [{**doc, "account": owner} for owner in owners for _, doc in self._store.scan(KIND, owner)]

    def clear(self, account: str | None = None) -> None:
        for _, doc in self._store.scan(KIND, account or GLOBAL):
            self._store.delete(KIND, account or GLOBAL, doc["id"])

    def check(self, action: str, account: str) -> None:
        """Raise the error of the first matching rule (the caller's account first), using one of its times."""
        for owner in (account, GLOBAL):
            for rule_id, doc in self._store.scan(KIND, owner):
                if doc["action"] not in (GLOBAL, action):
                    continue
                if doc["times"] is not None and not self._consume(owner, rule_id):
                    continue
                raise FaultRule(**doc).error()

    def _consume(self, owner: str, rule_id: str) -> bool:
        used = False

        def take(doc: dict) -> dict:
            nonlocal used
            if doc["times"] and doc["times"] > 0:
                doc["times"] -= 1
                used = True
            return doc

        self._store.update(KIND, owner, rule_id, take)
        if used and (self._store.get(KIND, owner, rule_id) or {}).get("times") == 0:
            self._store.delete(KIND, owner, rule_id)
        return used
