"""MNS queues and their messages, on the Store and the emulated clock (each account's own).

A message is visible from ``visible_ms``; receiving it hides it for the visibility timeout and gives
it a new receipt handle, so a handle from an earlier receive no longer deletes it. Messages older than
the queue's retention period are dropped when the queue is next read.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
import uuid
from collections.abc import Callable

from ..clock import Clock
from ..errors import MnsError
from ..state import Store

QUEUE = "mns_queue"
MESSAGE = "mns_message"
BATCH_LIMIT = 16
MAX_WAIT_SECONDS = 30
# attribute -> (default, lowest, highest), as MNS documents them
ATTRIBUTES: dict[str, tuple[int, int, int]] = {
    "DelaySeconds": (0, 0, 604800),
    "MaximumMessageSize": (65536, 1024, 65536),
    "MessageRetentionPeriod": (345600, 60, 604800),
    "VisibilityTimeout": (30, 1, 43200),
    "PollingWaitSeconds": (0, 0, 30),
}


def body_md5(body: str) -> str:
    return hashlib.md5(body.encode("utf-8")).hexdigest().upper()


def checked_attributes(given: dict[str, str], base: dict[str, int] | None = None) -> dict[str, int]:
    """Queue attributes from a request, over ``base`` (or the defaults); out of range -> InvalidArgument."""
    attributes = dict(base) if base else {name: default for name, (default, _, _) in ATTRIBUTES.items()}
    for name, text in given.items():
        if name not in ATTRIBUTES:
            continue
        _, low, high = ATTRIBUTES[name]
        if not text.strip().lstrip("-").isdigit() or not low <= int(text) <= high:
            raise MnsError(
                "InvalidArgument", f"{name} must be an integer from {low} to {high}: {text[:40]!r}."
            )
        attributes[name] = int(text)
    return attributes


class Queues:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store, self._clock = store, clock
        self._lock = threading.Lock()  # one receive at a time takes a message
        self.changed = threading.Condition()  # notified when a message arrives

    def now_ms(self, account: str) -> int:
        return self._clock.now_ns(account) // 1_000_000

    # --- queues ---------------------------------------------------------------------------------
    def create(self, account: str, name: str, given: dict[str, str], logging: bool) -> bool:
        """True when created; False when it exists with the same attributes (MNS answers 204)."""
        attributes = checked_attributes(given)
        now = self.now_ms(account)
        doc = {
            "name": name,
            "created_ms": now,
            "modified_ms": now,
            "attributes": attributes,
            "logging": logging,
        }
        with self._store.transaction():
            existing = self._store.get(QUEUE, account, name)
            if existing is not None:
                if existing["attributes"] != attributes:
                    raise MnsError("QueueAlreadyExist", f"The queue {name} exists with other attributes.")
                return False
            self._store.put(QUEUE, account, name, doc)
        return True

    def get(self, account: str, name: str) -> dict:
        found = self._store.get(QUEUE, account, name)
        if found is None:
            raise MnsError("QueueNotExist", f"The queue {name} does not exist.")
        return found

    def set_attributes(self, account: str, name: str, given: dict[str, str], logging: bool | None) -> None:
        def change(doc: dict) -> dict:
            doc["attributes"] = checked_attributes(given, doc["attributes"])
            doc["modified_ms"] = self.now_ms(account)
            if logging is not None:
                doc["logging"] = logging
            return doc

        if self._store.update(QUEUE, account, name, change) is None:
            raise MnsError("QueueNotExist", f"The queue {name} does not exist.")

    def delete(self, account: str, name: str) -> None:
        with self._store.transaction():
            self._store.delete(QUEUE, account, name)
            for key, _ in self._store.scan(MESSAGE, account, prefix=name + "\n"):
                self._store.delete(MESSAGE, account, key)

    def names(self, account: str) -> list[str]:
        return [key for key, _ in self._store.scan(QUEUE, account)]

    def counts(self, account: str, name: str) -> dict[str, int]:
        now = self.now_ms(account)
        counts = {"ActiveMessages": 0, "InactiveMessages": 0, "DelayMessages": 0}
        for _, message in self._live(account, name, now):
            if message["visible_ms"] <= now:
                counts["ActiveMessages"] += 1
            elif message["dequeue_count"]:
                counts["InactiveMessages"] += 1
            else:
                counts["DelayMessages"] += 1
        return counts

    # --- messages -------------------------------------------------------------------------------
    def send(self, account: str, name: str, body: str, delay: int | None = None, priority: int = 8) -> dict:
        queue = self.get(account, name)
        attributes = queue["attributes"]
        if not body:
            raise MnsError("InvalidArgument", "The message body is empty.")
        if len(body.encode("utf-8")) > attributes["MaximumMessageSize"]:
            raise MnsError("MessageBodyTooLong")
        delay = attributes["DelaySeconds"] if delay is None else delay
        if not 0 <= delay <= ATTRIBUTES["DelaySeconds"][2] or not 1 <= priority <= 16:
            raise MnsError("InvalidArgument", "DelaySeconds must be 0-604800 and Priority 1-16.")
        now = self.now_ms(account)
        message_id = uuid.uuid4().hex.upper()
        message = {
            "id": message_id,
            "body": body,
            "md5": body_md5(body),
            "priority": priority,
            "enqueue_ms": now,
            "first_dequeue_ms": 0,
            "dequeue_count": 0,
            "visible_ms": now + delay * 1000,
            "expires_ms": now + attributes["MessageRetentionPeriod"] * 1000,
            "handle": "",
        }
        key = f"{name}\n{now:015d}-{message_id}"
        self._store.put(MESSAGE, account, key, message)
        with self.changed:
            self.changed.notify_all()
        return message

    def receive(
        self, account: str, name: str, count: int, wait: int | None, peek: bool = False
    ) -> list[dict]:
        """Up to ``count`` visible messages, waiting up to ``wait`` seconds (the queue's
        PollingWaitSeconds if None) of real time for one to arrive or become visible."""
        queue = self.get(account, name)
        wait = queue["attributes"]["PollingWaitSeconds"] if wait is None else wait
        deadline = os.times().elapsed + wait
        while True:
            taken = self._take(account, name, count, peek)
            remaining = deadline - os.times().elapsed
            if taken or remaining <= 0:
                return taken
            with self.changed:  # _take says QueueNotExist if it was deleted meanwhile
                self.changed.wait(min(remaining, 0.05))  # visibility ends on the emulated clock too

    def _take(self, account: str, name: str, count: int, peek: bool) -> list[dict]:
        with self._lock, self._store.transaction():
            queue = self._store.get(QUEUE, account, name)
            if queue is None:
                raise MnsError("QueueNotExist", f"The queue {name} does not exist.")
            now = self.now_ms(account)
            ready = [(key, m) for key, m in self._live(account, name, now) if m["visible_ms"] <= now]
            ready.sort(key=lambda item: (item[1]["priority"], item[1]["visible_ms"], item[0]))
            taken = []
            for key, message in ready[:count]:
                if not peek:
                    message["dequeue_count"] += 1
                    message["first_dequeue_ms"] = message["first_dequeue_ms"] or now
                    message["visible_ms"] = now + queue["attributes"]["VisibilityTimeout"] * 1000
                    message["handle"] = _handle(key)
                    self._store.put(MESSAGE, account, key, message)
                taken.append(message)
            return taken

    def _live(self, account: str, name: str, now: int) -> list[tuple[str, dict]]:
        """The queue's messages, dropping those past their retention period."""
        live = []
        for key, message in self._store.scan(MESSAGE, account, prefix=name + "\n"):
            if message["expires_ms"] <= now:
                self._store.delete(MESSAGE, account, key)
            else:
                live.append((key, message))
        return live

    def delete_message(self, account: str, name: str, handle: str) -> None:
        self._with_handle(
            account, name, handle, lambda key, message: self._store.delete(MESSAGE, account, key)
        )

    def change_visibility(self, account: str, name: str, handle: str, timeout: int) -> dict:
        if not 1 <= timeout <= ATTRIBUTES["VisibilityTimeout"][2]:
            raise MnsError("InvalidArgument", "VisibilityTimeout must be an integer from 1 to 43200.")

        def change(key: str, message: dict) -> None:
            message["visible_ms"] = self.now_ms(account) + timeout * 1000
            message["handle"] = _handle(key)
            self._store.put(MESSAGE, account, key, message)

        return self._with_handle(account, name, handle, change)

    def _with_handle(self, account: str, name: str, handle: str, act: Callable[[str, dict], object]) -> dict:
        self.get(account, name)
        key = _key_of(handle)
        with self._lock, self._store.transaction():
            if key is None:
                raise MnsError("ReceiptHandleError", f"The receipt handle {handle[:80]!r} is not valid.")
            message = self._store.get(MESSAGE, account, key) if key.startswith(name + "\n") else None
            if message is None:
                raise MnsError("MessageNotExist", "The message of this receipt handle does not exist.")
            if message["handle"] != handle or message["visible_ms"] <= self.now_ms(account):
                raise MnsError(
                    "MessageNotExist",
                    "The receipt handle has expired: its message became visible again or was received again.",
                )
            act(key, message)
            return message


def _handle(key: str) -> str:
    """A receipt handle names its message and one receive of it."""
    return base64.urlsafe_b64encode(f"{key}\n{uuid.uuid4().hex[:12]}".encode()).decode()


def _key_of(handle: str) -> str | None:
    try:
        text = base64.urlsafe_b64decode(handle.encode("ascii")).decode("utf-8")
    except (ValueError, UnicodeError):
        return None
    key, _, nonce = text.rpartition("\n")
    return key if key and len(nonce) == 12 else None
