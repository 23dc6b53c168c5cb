"""Background work the emulator does on its own: ending due tasks on time, and delivering each task's
EventBridge CloudEvent to ``--notify-url`` (or the account's own URL, ``PUT /_emulator/notify-url``) as
an EventBridge HTTP target does: a POST whose body is the whole event."""

from __future__ import annotations

import json
import logging
import queue
import threading
import urllib.error
import urllib.request

from .imm import tasks
from .imm.registry import Services
from .state import Store

log = logging.getLogger("imm_emulator.background")
TICK_SECONDS = 0.2
DELIVERY_ATTEMPTS = 5
NOTIFY_URL_KIND = "notify_url"  # per account: the URL that replaces --notify-url for its events


def account_notify_url(store: Store, account: str) -> str | None:
    """The account's own EventBridge target, if it named one."""
    own = store.get(NOTIFY_URL_KIND, account, "url")
    return own["url"] if own else None


def set_account_notify_url(store: Store, account: str, url: str | None) -> None:
    """Name the account's own target; None goes back to --notify-url."""
    if url is None:
        store.delete(NOTIFY_URL_KIND, account, "url")
    else:
        store.put(NOTIFY_URL_KIND, account, "url", {"url": url})


class Background:
    def __init__(self, services: Services, notify_url: str = "") -> None:
        self._services = services
        self._url = notify_url
        self._stop = threading.Event()
        self._outgoing: queue.Queue[tuple[str, dict] | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._tick, name="imm-emulator-ticker", daemon=True),
            threading.Thread(target=self._deliver, name="imm-emulator-notifier", daemon=True),
        ]
        services.on_notification.append(self._enqueue)
        for thread in self._threads:
            thread.start()

    def _tick(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            try:
                tasks.tick(self._services)
            except Exception:  # keep ticking; the next call sees the same state
                log.exception("ticker failed")

    def _enqueue(self, entry: dict) -> None:
        """An EventBridge entry goes to its account's URL, else --notify-url (if either is set)."""
        if entry.get("channel") != "EventBridge":
            return
        url = account_notify_url(self._services.store, entry["account"]) or self._url
        if url:
            self._outgoing.put((url, entry["message"]))

    def _deliver(self) -> None:
        while True:
            item = self._outgoing.get()
            if item is None:
                return
            url, event = item
            body = json.dumps(event, ensure_ascii=False).encode()
            headers = {"Content-Type": "application/json;charset=utf-8"}
            for attempt in range(DELIVERY_ATTEMPTS):
                request = urllib.request.Request(url, data=body, method="POST", headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        if response.status < 300:
                            break
                except urllib.error.HTTPError as exc:
                    if exc.code < 500:  # the receiver refused it: sending it again changes nothing
                        log.warning("notification to %s refused with %d", url, exc.code)
                        break
                    log.warning("notification to %s failed (attempt %d): %s", url, attempt + 1, exc)
                except (urllib.error.URLError, OSError) as exc:
                    log.warning("notification to %s failed (attempt %d): %s", url, attempt + 1, exc)
                if self._stop.wait(0.5 * 2**attempt):
                    return

    def stop(self) -> None:
        self._stop.set()
        self._outgoing.put(None)
        for thread in self._threads:
            thread.join(timeout=5)
