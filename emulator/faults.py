"""Injected faults: rules that make matching IMM calls misbehave, deterministically.

A rule matches by action (``*`` for any), and optionally by project, source URI glob or task, and
applies ``times`` times (null: until removed), each time with ``probability`` (drawn from a generator
seeded by ``seed`` and the number of matches so far, so a run repeats exactly). Kinds:

- ``error``: answer an IMM error (``code``, ``message``, ``status``, ``retry_after``);
- ``throttle``: ``Throttling.User`` with ``x-acs-retry-after`` (the SDK raises ThrottlingException);
- ``latency``: answer normally after ``latency_ms``;
- ``drop``: close the connection without answering;
- ``task_failure``: the task the call creates ends Failed later with ``code`` and ``message``.

Rules are kept in the Store (kind ``fault``), per account or emulator-wide, so in-process and HTTP
use are one thing.
"""

from __future__ import annotations

import fnmatch
import itertools
import random
import time
import uuid
from dataclasses import asdict, dataclass
from typing import Any

from .errors import CATALOG, ImmError
from .state import Store

KIND = "fault"
GLOBAL = "*"
KINDS = ("error", "throttle", "latency", "drop", "task_failure")


@dataclass
class FaultRule:
    action: str = "*"
    kind: str = "error"
    code: str = ""
    message: str = ""
    status: int = 0
    retry_after: int | None = None
    latency_ms: int = 0
    project: str | None = None
    uri: str | None = None
    task: str | None = None
    times: int | None = 1
    probability: float = 1.0
    seed: int = 0
    matched: int = 0
    id: str = ""

    def __post_init__(self) -> None:
        for name in ("status", "retry_after", "latency_ms", "times", "seed"):  # JSON's 5.0 is an integer
            value = getattr(self, name)
            if isinstance(value, float) and value.is_integer():
                setattr(self, name, int(value))
        checks = [
            (isinstance(self.action, str) and bool(self.action), "action must be an operation name or '*'"),
            (self.kind in KINDS, f"kind must be one of {', '.join(KINDS)}"),
            (isinstance(self.code, str) and isinstance(self.message, str), "code, message: strings"),
            (not self.status or (isinstance(self.status, int) and 400 <= self.status <= 599),
             "status must be an HTTP error status (400-599)"),
            (self.retry_after is None or (isinstance(self.retry_after, int) and self.retry_after > 0),
             "retry_after must be a positive number of seconds"),
            (isinstance(self.latency_ms, int) and 0 <= self.latency_ms <= 60_000,
             "latency_ms must be an integer from 0 to 60000"),
            (self.times is None or (isinstance(self.times, int) and self.times > 0),
             "times must be a positive integer, or null for always"),
            (isinstance(self.probability, (int, float)) and 0 <= self.probability <= 1,
             "probability must be a number from 0 to 1"),
            (isinstance(self.seed, int), "seed must be an integer"),
            (isinstance(self.id, str), "id must be a string"),
            (all(v is None or isinstance(v, str) for v in (self.project, self.uri, self.task)),
             "project, uri and task must be strings"),
        ]  # fmt: skip
        for ok, problem in checks:
            if not ok:
                raise ValueError(problem)
        if self.kind == "throttle":
            self.code = self.code or "Throttling.User"
            self.retry_after = self.retry_after or 1
        if self.kind in ("error", "task_failure"):
            self.code = self.code or "InternalError"

    def __getitem__(self, name: str) -> Any:
        """``rule["id"]`` as ``rule.id``: RemoteEmulator's ``faults.add`` answered a dict before."""
        if name not in self.__dataclass_fields__:
            raise KeyError(name)
        return getattr(self, name)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaultRule:
        unknown = set(data) - set(cls.__dataclass_fields__) - {"account"} | ({"id", "matched"} & set(data))
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
        return cls(**{k: v for k, v in data.items() if k != "account"})

    def matches(self, action: str, params: dict[str, str]) -> bool:
        return (
            self.action in (GLOBAL, action)
            and (self.project is None or params.get("ProjectName") == self.project)
            and (self.uri is None or fnmatch.fnmatchcase(params.get("SourceURI", ""), self.uri))
            and (self.task is None or params.get("TaskId") == self.task)
        )

    def error(self) -> ImmError:
        headers = {"x-acs-retry-after": str(self.retry_after)} if self.retry_after else {}
        status = self.status or CATALOG.get(self.code, (500, ""))[0]
        return ImmError(self.code, self.message, status, headers)


class Faults:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._sequence = itertools.count(1)

    def add(self, rule: FaultRule, account: str | None = None) -> FaultRule:
        # Ids sort in creation order, across restarts too, so the oldest matching rule applies first.
        rule.id = rule.id or f"{time.time_ns():020d}-{next(self._sequence):06d}-{uuid.uuid4().hex[:8]}"
        self._store.put(KIND, account or GLOBAL, rule.id, asdict(rule))
        return rule

    def list(self, account: str | None = None) -> list[dict]:
        owners = [GLOBAL] if account is None else [account, GLOBAL]
        return [{**doc, "account": owner} for owner in owners for _, doc in self._store.scan(KIND, owner)]

    def clear(self, account: str | None = None) -> None:
        self._store.clear(KIND, account or GLOBAL)

    def check(self, action: str, account: str, params: dict[str, str]) -> FaultRule | None:
        """The first rule (the caller's account first) that matches and fires now; its use is counted."""
        for owner in (account, GLOBAL):
            for rule_id, doc in self._store.scan(KIND, owner):
                if FaultRule(**doc).matches(action, params) and self._fires(owner, rule_id):
                    return FaultRule(**doc)
        return None

    def _fires(self, owner: str, rule_id: str) -> bool:
        fired = False

        def draw(doc: dict) -> dict:
            nonlocal fired
            if doc["times"] is not None and doc["times"] <= 0:
                return doc
            roll = random.Random(f"{doc['seed']}:{doc['matched']}").random()
            doc["matched"] += 1
            fired = roll < doc["probability"]
            if fired and doc["times"] is not None:
                doc["times"] -= 1
            return doc

        with self._store.transaction():  # no other request may see the spent rule (times 0 is invalid)
            doc = self._store.update(KIND, owner, rule_id, draw)
            if doc is not None and doc["times"] == 0:
                self._store.delete(KIND, owner, rule_id)
        return fired
