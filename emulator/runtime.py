"""The emulator's live parts, shared by the IMM endpoint, OSS, the control API and the Python handle."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .clock import Clock
from .config import EmulatorConfig
from .faults import Faults
from .imm.registry import Services
from .notifier import Background
from .oss.service import Oss
from .protocol.auth import Authenticator
from .protocol.oss_auth import OssAuthenticator
from .state import MemoryStore, Store
from .state.blobs import BlobStore
from .state.journal import Journal


@dataclass
class Runtime:
    config: EmulatorConfig
    clock: Clock = field(default_factory=Clock)
    store: Store = field(default_factory=MemoryStore)
    auth: Authenticator = field(init=False)
    oss_auth: OssAuthenticator = field(init=False)
    faults: Faults = field(init=False)
    journal: Journal = field(init=False)
    blobs: BlobStore = field(init=False)
    oss: Oss = field(init=False)
    services: Services = field(init=False)
    background: Background = field(init=False)

    def __post_init__(self) -> None:
        self.auth = Authenticator(self.config, self.clock)
        self.oss_auth = OssAuthenticator(self.auth, self.clock)
        self.faults = Faults(self.store)
        self.journal = Journal(self.config.journal_size)
        # Object bytes go to disk even without --data-dir: a 2 GB upload must not need 2 GB of memory.
        self._scratch = Path(tempfile.mkdtemp(prefix="imm-emulator-"))
        self.blobs = BlobStore(self._scratch / "blobs")
        self.oss = Oss(self.store, self.blobs, self.clock, self.config.mounts, self.config.region)
        self.services = Services(self.store, self.clock, self.config, self.oss)
        self.background = Background(self.services, self.config.notify_url)

    def account(self, access_key_id: str | None) -> str | None:
        """The account an AccessKeyId belongs to; None stays None (the whole emulator)."""
        return self.auth.account_of(access_key_id) if access_key_id else None

    def reset(self, account: str | None = None) -> None:
        """Forget state (of one account, if given); configuration, keys and mounted folders stay."""
        self.journal.clear(account)
        if account is None:
            self.store.reset()
            shutil.rmtree(self.blobs.root, ignore_errors=True)
            self.blobs.root.mkdir(parents=True, exist_ok=True)
            self.auth.reset()
        else:
            self.oss.purge_account(account)
            self.store.reset(account)
        self.clock.reset(account)

    def close(self) -> None:
        self.background.stop()
        shutil.rmtree(self._scratch, ignore_errors=True)
