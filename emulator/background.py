"""Background work the emulator does on its own: ending due tasks on time, and delivering notifications
to ``--notify-url``."""

from __future__ import annotations

import json
import logging
import queue
import threading
import urllib.error
import urllib.request

from .imm import tasks
from .imm.registry import Services

log = logging.getLogger("imm_emulator.background")
TICK_SECONDS = 0.2
DELIVERY_ATTEMPTS = 5


class Background:
    def __init__(self, services: Services, notify_url: str = "") -> None:
        self._services = services
        self._stop = threading.Event()
        self._outgoing: queue.Queue[dict | None] = queue.Queue()
        self._threads = [threading.Thread(target=self._tick, name="imm-emulator-ticker", daemon=True)]
        if notify_url:
            self._url = notify_url
            services.on_notification.append(self._outgoing.put)
            self._threads.append(
                threading.Thread(target=self._deliver, name="imm-emulator-notifier", daemon=True)
            )
        for thread in self._threads:
            thread.start()

    def _tick(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            try:
                tasks.tick(self._services)
            except Exception:  # keep ticking; the next call sees the same state
                log.exception("ticker failed")

    def _deliver(self) -> None:
        while True:
            entry = self._outgoing.get()
            if entry is None:
                return
            body = json.dumps(entry, ensure_ascii=False).encode()
            for attempt in range(DELIVERY_ATTEMPTS):
                request = urllib.request.Request(
                    self._url, data=body, method="POST", headers={"Content-Type": "application/json"}
                )
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        if response.status < 300:
                            break
                except urllib.error.HTTPError as exc:
                    if exc.code < 500:  # the receiver refused it: sending it again changes nothing
                        log.warning("notification to %s refused with %d", self._url, exc.code)
                        break
                    log.warning("notification to %s failed (attempt %d): %s", self._url, attempt + 1, exc)
                except (urllib.error.URLError, OSError) as exc:
                    log.warning("notification to %s failed (attempt %d): %s", self._url, attempt + 1, exc)
                if self._stop.wait(0.5 * 2**attempt):
                    return

    def stop(self) -> None:
        self._stop.set()
        self._outgoing.put(None)
        for thread in self._threads:
            thread.join(timeout=5)
