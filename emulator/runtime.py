"""The emulator's live parts, shared by the IMM endpoint, the control API and the Python handle."""

from __future__ import annotations

from dataclasses import dataclass, field

from .clock import Clock
from .config import EmulatorConfig
from .faults import Faults
from .protocol.auth import Authenticator
from .state import MemoryStore, Store


@dataclass
class Runtime:
    config: EmulatorConfig
    clock: Clock = field(default_factory=Clock)
    store: Store = field(default_factory=MemoryStore)
    auth: Authenticator = field(init=False)
    faults: Faults = field(init=False)

    def __post_init__(self) -> None:
        self.auth = Authenticator(self.config, self.clock)
        self.faults = Faults(self.store)

    def account(self, access_key_id: str | None) -> str | None:
        """The account an AccessKeyId belongs to; None stays None (the whole emulator)."""
        return self.auth.account_of(access_key_id) if access_key_id else None

    def reset(self, account: str | None = None) -> None:
        """Forget state (of one account, if given); configuration and keys stay."""
        self.store.reset(account)
        self.clock.reset(account)
        if account is None:
            self.auth.reset()
