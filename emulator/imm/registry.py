"""What an IMM handler is given: the services of one emulator and the context of one call."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..clock import Clock
from ..config import EmulatorConfig
from ..oss.service import Oss
from ..state import Store
from .media.cache import AnswerCache
from .media.workers import Workers

if TYPE_CHECKING:
    from .tasks import TaskKind


@dataclass
class Services:
    """What IMM semantics may use: state, time, configuration and OSS. No Flask, no HTTP."""

    store: Store
    clock: Clock
    config: EmulatorConfig
    oss: Oss
    probes: Workers = field(default_factory=Workers)  # MediaInfo worker processes
    answers: AnswerCache = field(default_factory=AnswerCache)  # DetectMediaMeta answers by content
    derived_labels: AnswerCache = field(default_factory=AnswerCache)  # derived video labels by content
    task_kinds: Mapping[str, TaskKind] = field(default_factory=dict)  # TaskType -> how it runs
    handlers: dict[str, Handler] = field(default_factory=dict)  # Action -> its handler, this emulator's own
    on_notification: list[Callable[[dict], None]] = field(default_factory=list)
    notified: threading.Condition = field(default_factory=threading.Condition)  # told of each notification
    sequence: Iterator[int] = field(default_factory=itertools.count)  # orders keys made in one nanosecond

    def context(self, account: str, request_id: str = "") -> Context:
        return Context(account, request_id, self)


@dataclass
class Context:
    """One call: the caller's account, its RequestId, and the services."""

    account: str
    request_id: str
    services: Services
    injected_failure: tuple[str, str] | None = None  # a fault rule's: the task this call creates will fail

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def config(self) -> EmulatorConfig:
        return self.services.config

    @property
    def oss(self) -> Oss:
        return self.services.oss

    def now_ns(self) -> int:
        return self.clock.now_ns(self.account)


Handler = Callable[[Context, dict[str, Any]], dict[str, Any]]
