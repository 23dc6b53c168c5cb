"""One handler per IMM action, registered by name; the app dispatches through ``OPERATIONS``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..clock import Clock
from ..config import EmulatorConfig
from ..state import Store


@dataclass
class Context:
    """Everything a handler may use: no Flask, no HTTP."""

    account: str
    request_id: str
    store: Store
    clock: Clock
    config: EmulatorConfig

    def now_ns(self) -> int:
        return self.clock.now_ns(self.account)


Handler = Callable[[Context, dict[str, Any]], dict[str, Any]]
OPERATIONS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        OPERATIONS[name] = handler
        return handler

    return register
