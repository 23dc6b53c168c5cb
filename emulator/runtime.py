"""The emulator's live parts, shared by the IMM endpoint, OSS, the control API and the Python handle."""

from __future__ import annotations

import base64
import json
import logging
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .background import Background
from .clock import Clock
from .config import AccessKey, EmulatorConfig
from .errors import ImmError, MnsError
from .faults import Faults
from .imm import tasks
from .imm.handlers import HANDLERS, TASK_KINDS
from .imm.media.workers import Workers
from .imm.registry import Services
from .mns.queues import Queues
from .mns.topics import Topics
from .oss.service import Oss
from .protocol.auth import SKEW_SECONDS, Authenticator
from .protocol.mns_auth import MnsAuthenticator
from .protocol.oss_auth import OssAuthenticator
from .state import MemoryStore, NonceCache, SqliteStore, Store
from .state.blobs import BlobStore
from .state.journal import Journal

log = logging.getLogger("imm_emulator")
CLOCK_KIND = "clock"
KEY_KIND = "access_key"


@dataclass
class Runtime:
    """Without ``--data-dir`` state is in memory and object bytes in a temporary folder removed on close;
    with it, state is in ``DIR/state.sqlite3`` and bytes in ``DIR/blobs``, both written durably."""

    config: EmulatorConfig
    clock: Clock = field(default_factory=Clock)
    store: Store = field(init=False)
    auth: Authenticator = field(init=False)
    oss_auth: OssAuthenticator = field(init=False)
    faults: Faults = field(init=False)
    journal: Journal = field(init=False)
    blobs: BlobStore = field(init=False)
    oss: Oss = field(init=False)
    mns_auth: MnsAuthenticator = field(init=False)
    queues: Queues = field(init=False)
    topics: Topics = field(init=False)
    services: Services = field(init=False)
    background: Background = field(init=False)

    def __post_init__(self) -> None:
        if self.config.data_dir:
            root = Path(self.config.data_dir)
            root.mkdir(parents=True, exist_ok=True)
            self.store = SqliteStore(root / "state.sqlite3")
            self.blobs = BlobStore(root / "blobs", durable=True)
            self._scratch = None
        else:
            self.store = MemoryStore()
            # Object bytes go to disk even so: a 2 GB upload must not need 2 GB of memory.
            self._scratch = Path(tempfile.mkdtemp(prefix="imm-emulator-"))
            self.blobs = BlobStore(self._scratch / "blobs")
        self._restore_clock()
        nonces = NonceCache(
            SKEW_SECONDS,
            Path(self.config.data_dir) / "nonces.sqlite3" if self.config.data_dir else None,
            now=self.clock.wall(),
        )
        self.auth = Authenticator(self.config, self.clock, nonces)
        for _, doc in self.store.scan(KEY_KIND, "*"):  # keys registered through the control API
            self.auth.add_key(AccessKey(**doc))
        self.oss_auth = OssAuthenticator(self.auth, self.clock)
        self.mns_auth = MnsAuthenticator(self.auth, self.clock)
        self.faults = Faults(self.store)
        self.journal = Journal(self.config.journal_size)
        self.oss = Oss(self.store, self.blobs, self.clock, self.config.mounts, self.config.region)
        if self.config.data_dir:  # what a crash left: temporary files, bytes no object refers to
            swept = self.blobs.sweep(self.oss.referenced_blobs())
            if swept:
                log.info("removed %d files left by an earlier run from %s", swept, self.blobs.root)
        probes = Workers(self.config.probe_workers, self.config.probe_memory)
        self.services = Services(self.store, self.clock, self.config, self.oss, probes, task_kinds=TASK_KINDS)
        self.services.handlers.update(HANDLERS)
        self.queues = Queues(self.store, self.clock)
        self.topics = Topics(self.store, self.queues, self.config.region, self.journal.record)
        self.services.on_notification.append(self._publish_to_mns)
        self.background = Background(self.services, self.config.notify_url)
        tasks.tick(self.services)  # after a restart: end what fell due meanwhile, drop what expired

    def _publish_to_mns(self, entry: dict) -> None:
        """IMM's MNS notification goes to its topic in the task's account, the message base64-encoded
        (as the SDK's default receive decodes it). A missing topic loses it, as the real service
        does: the outbox keeps it and the journal says why."""
        if entry.get("channel") != "MNS":
            return
        text = json.dumps(entry["message"], ensure_ascii=False, separators=(",", ":"))
        body = base64.b64encode(text.encode("utf-8")).decode()
        try:
            self.topics.publish(entry["account"], entry["topic"], body)
        except MnsError as exc:
            log.warning("IMM notification for task %s not published to MNS: %s", entry["task_id"], exc)
            self.journal.record(
                {
                    "kind": "mns-delivery",
                    "account": entry["account"],
                    "action": "PublishMessage",
                    "topic": entry["topic"],
                    "task_id": entry["task_id"],
                    "code": exc.code,
                    "message": exc.message,
                }
            )

    def _restore_clock(self) -> None:
        """The emulated clock's adjustments are state too: tasks continue from them after a restart."""
        saved = self.store.get(CLOCK_KIND, "*", "clock")
        if saved:
            self.clock.restore(saved)
        self.clock.on_change = lambda: self.store.put(CLOCK_KIND, "*", "clock", self.clock.snapshot())

    def register_key(self, key: AccessKey) -> None:
        """Accept another key from now on; kept with the state, so it survives a restart and resets.
        Registering the same key again is a no-op; an AccessKeyId taken by another secret is refused
        (one test worker must not lock out another, or the keys given on the command line)."""
        if not self.auth.add_key(key):
            raise ImmError(
                "ResourceAlreadyExists",
                f"The AccessKeyId {key.access_key_id} is already registered with another secret, "
                "security token or account; register a different AccessKeyId.",
                409,
            )
        self.store.put(KEY_KIND, "*", key.access_key_id, asdict(key))

    def account(self, access_key_id: str | None) -> str | None:
        """The account an AccessKeyId belongs to; None stays None (the whole emulator)."""
        return self.auth.account_of(access_key_id) if access_key_id else None

    def reset(self, account: str | None = None) -> None:
        """Forget state (of one account, if given); configuration, keys and mounted folders stay."""
        self.journal.clear(account)
        if account is None:
            with self.store.transaction():  # registered keys outlive a reset, even one cut by a crash
                keys = self.store.scan(KEY_KIND, "*")
                self.store.reset()
                for key_id, doc in keys:
                    self.store.put(KEY_KIND, "*", key_id, doc)
            self.blobs.clear()
            self.auth.reset()
        else:
            self.oss.purge_account(account)
            self.store.reset(account)
        self.clock.reset(account)

    def close(self) -> None:
        self.background.stop()
        self.topics.stop()
        self.services.probes.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
        else:
            self.store.close()
        self.auth.close()
