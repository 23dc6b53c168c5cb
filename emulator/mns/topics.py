"""MNS topics and subscriptions: a published message goes to each subscription whose filter tag it
carries, formatted as the subscription's NotifyContentFormat says, into a queue of the topic owner's
account (``acs:mns:REGION:ACCOUNT:queues/NAME``) or POSTed to an HTTP endpoint (retried in the
background). What cannot be delivered is reported to ``on_failure`` (the journal)."""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from xml.sax.saxutils import escape

from ..errors import MnsError
from ..state import Store
from .queues import Queues, body_md5

log = logging.getLogger("imm_emulator.mns")
TOPIC = "mns_topic"
SUBSCRIPTION = "mns_subscription"
FORMATS = ("SIMPLIFIED", "JSON", "XML")
STRATEGIES = ("BACKOFF_RETRY", "EXPONENTIAL_DECAY_RETRY")
TOPIC_RETENTION = 86400
_QUEUE_ENDPOINT = re.compile(r"acs:mns:([^:]*):([^:]*):queues/([A-Za-z0-9-]{1,256})\Z")
PUSH_DELAYS = (0.5, 1.0, 2.0)  # seconds between HTTP push attempts (MNS waits 10-20 s, ~3 times)
XMLNS = "http://mns.aliyuncs.com/doc/v1/"


class Topics:
    def __init__(self, store: Store, queues: Queues, region: str, on_failure: Callable[[dict], None]) -> None:
        self._store, self._queues, self._region, self._on_failure = store, queues, region, on_failure
        self._stop = threading.Event()

    # --- topics ---------------------------------------------------------------------------------
    def create(self, account: str, name: str, max_size: int | None, logging: bool) -> bool:
        size = 65536 if max_size is None else max_size
        if not 1024 <= size <= 65536:
            raise MnsError("InvalidArgument", "MaximumMessageSize must be an integer from 1024 to 65536.")
        now = self._queues.now_ms(account)
        doc = {"name": name, "created_ms": now, "modified_ms": now, "max_size": size, "logging": logging}
        with self._store.transaction():
            existing = self._store.get(TOPIC, account, name)
            if existing is not None:
                if existing["max_size"] != size:
                    raise MnsError("TopicAlreadyExist", f"The topic {name} exists with other attributes.")
                return False
            doc["messages"] = 0
            self._store.put(TOPIC, account, name, doc)
        return True

    def get(self, account: str, name: str) -> dict:
        found = self._store.get(TOPIC, account, name)
        if found is None:
            raise MnsError("TopicNotExist", f"The topic {name} does not exist.")
        return found

    def set_attributes(self, account: str, name: str, max_size: int | None, logging: bool | None) -> None:
        if max_size is not None and not 1024 <= max_size <= 65536:
            raise MnsError("InvalidArgument", "MaximumMessageSize must be an integer from 1024 to 65536.")

        def change(doc: dict) -> dict:
            doc["max_size"] = doc["max_size"] if max_size is None else max_size
            doc["logging"] = doc["logging"] if logging is None else logging
            doc["modified_ms"] = self._queues.now_ms(account)
            return doc

        if self._store.update(TOPIC, account, name, change) is None:
            raise MnsError("TopicNotExist", f"The topic {name} does not exist.")

    def delete(self, account: str, name: str) -> None:
        with self._store.transaction():
            self._store.delete(TOPIC, account, name)
            for key, _ in self._store.scan(SUBSCRIPTION, account, prefix=name + "\n"):
                self._store.delete(SUBSCRIPTION, account, key)

    def names(self, account: str) -> list[str]:
        return [key for key, _ in self._store.scan(TOPIC, account)]

    # --- subscriptions --------------------------------------------------------------------------
    def subscribe(self, account: str, topic: str, name: str, given: dict[str, str]) -> bool:
        self.get(account, topic)
        endpoint = given.get("Endpoint", "").strip()
        if not (_QUEUE_ENDPOINT.match(endpoint) or endpoint.startswith(("http://", "https://"))):
            raise MnsError(
                "InvalidArgument",
                f"Endpoint must be acs:mns:REGION:ACCOUNT:queues/NAME or an http(s) URL: {endpoint[:200]!r}.",
            )
        strategy = given.get("NotifyStrategy") or "BACKOFF_RETRY"
        content = given.get("NotifyContentFormat") or ("SIMPLIFIED" if endpoint.startswith("acs:") else "XML")
        if strategy not in STRATEGIES or content not in FORMATS:
            raise MnsError(
                "InvalidArgument", f"NotifyStrategy is one of {STRATEGIES}, NotifyContentFormat of {FORMATS}."
            )
        tag = given.get("FilterTag", "")
        if len(tag) > 16:
            raise MnsError("InvalidArgument", "FilterTag is at most 16 characters.")
        now = self._queues.now_ms(account)
        doc = {
            "topic": topic,
            "name": name,
            "endpoint": endpoint,
            "filter_tag": tag,
            "strategy": strategy,
            "format": content,
            "created_ms": now,
            "modified_ms": now,
        }
        key = f"{topic}\n{name}"
        with self._store.transaction():
            existing = self._store.get(SUBSCRIPTION, account, key)
            if existing is not None:
                same = all(existing[k] == doc[k] for k in ("endpoint", "filter_tag", "strategy", "format"))
                if not same:
                    raise MnsError(
                        "SubscriptionAlreadyExist", f"The subscription {name} exists with other attributes."
                    )
                return False
            self._store.put(SUBSCRIPTION, account, key, doc)
        return True

    def subscription(self, account: str, topic: str, name: str) -> dict:
        self.get(account, topic)
        found = self._store.get(SUBSCRIPTION, account, f"{topic}\n{name}")
        if found is None:
            raise MnsError("SubscriptionNotExist", f"The subscription {name} does not exist.")
        return found

    def set_strategy(self, account: str, topic: str, name: str, strategy: str) -> None:
        if strategy and strategy not in STRATEGIES:
            raise MnsError("InvalidArgument", f"NotifyStrategy is one of {STRATEGIES}.")
        self.subscription(account, topic, name)

        def change(doc: dict) -> dict:
            doc["strategy"] = strategy or doc["strategy"]
            doc["modified_ms"] = self._queues.now_ms(account)
            return doc

        self._store.update(SUBSCRIPTION, account, f"{topic}\n{name}", change)

    def unsubscribe(self, account: str, topic: str, name: str) -> None:
        self.get(account, topic)
        self._store.delete(SUBSCRIPTION, account, f"{topic}\n{name}")

    def subscriptions(self, account: str, topic: str) -> list[dict]:
        self.get(account, topic)
        return [doc for _, doc in self._store.scan(SUBSCRIPTION, account, prefix=topic + "\n")]

    # --- publishing -----------------------------------------------------------------------------
    def publish(self, account: str, topic: str, body: str, tag: str = "") -> dict:
        """Deliver to every matching subscription; -> {"id", "md5"} as PublishMessage answers."""
        found = self.get(account, topic)
        if not body:
            raise MnsError("InvalidArgument", "The message body is empty.")
        if len(body.encode("utf-8")) > found["max_size"]:
            raise MnsError("MessageBodyTooLong")
        message = {
            "id": uuid.uuid4().hex.upper(),
            "md5": body_md5(body),
            "body": body,
            "tag": tag,
            "time_ms": self._queues.now_ms(account),
        }
        self._store.update(TOPIC, account, topic, lambda doc: {**doc, "messages": doc.get("messages", 0) + 1})
        for subscription in self.subscriptions(account, topic):
            if subscription["filter_tag"] and subscription["filter_tag"] != tag:
                continue
            self._deliver(account, subscription, message)
        return message

    def _deliver(self, account: str, subscription: dict, message: dict) -> None:
        text = notification(account, subscription, message)
        endpoint = subscription["endpoint"]
        queue = _QUEUE_ENDPOINT.match(endpoint)
        if queue is None:
            threading.Thread(
                target=self._push,
                args=(account, subscription, message, text),
                name="imm-emulator-mns-push",
                daemon=True,
            ).start()
            return
        region, owner, name = queue.groups()
        try:
            if owner != account or region != self._region:
                raise MnsError(
                    "AccessDenied", f"The queue {endpoint} is not in the topic owner's account and region."
                )
            self._queues.send(owner, name, text)
        except MnsError as exc:
            self._failed(account, subscription, message, exc.code, exc.message)

    def _push(self, account: str, subscription: dict, message: dict, text: str) -> None:
        headers = {
            "Content-Type": "application/json"
            if subscription["format"] == "JSON"
            else "text/xml;charset=utf-8",
            "x-mns-version": "2015-06-06",
            "x-mns-request-id": uuid.uuid4().hex.upper(),
            "x-mns-message-id": message["id"],
            "x-mns-message-tag": message["tag"],
            "x-mns-signing-cert-url": "",
        }
        error = ""
        for delay in (0.0, *PUSH_DELAYS):
            if self._stop.wait(delay):
                return
            request = urllib.request.Request(
                subscription["endpoint"], data=text.encode("utf-8"), method="POST", headers=headers
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    if 200 <= response.status < 300:
                        return
                    error = f"HTTP {response.status}"
            except urllib.error.HTTPError as exc:
                error = f"HTTP {exc.code}"
            except (urllib.error.URLError, OSError, ValueError) as exc:
                error = str(exc)
        self._failed(account, subscription, message, "PushFailed", error)

    def _failed(self, account: str, subscription: dict, message: dict, code: str, detail: str) -> None:
        log.warning("MNS delivery to %s failed: %s %s", subscription["endpoint"], code, detail)
        self._on_failure(
            {
                "kind": "mns-delivery",
                "account": account,
                "action": "Deliver",
                "topic": subscription["topic"],
                "subscription": subscription["name"],
                "endpoint": subscription["endpoint"],
                "message_id": message["id"],
                "code": code,
                "message": detail,
            }
        )

    def stop(self) -> None:
        self._stop.set()


def notification(account: str, subscription: dict, message: dict) -> str:
    """The text MNS delivers for one subscription: the message itself (SIMPLIFIED) or it wrapped with
    its topic, subscription and ids (JSON, XML)."""
    if subscription["format"] == "SIMPLIFIED":
        return message["body"]
    fields = {
        "TopicOwner": account,
        "TopicName": subscription["topic"],
        "Subscriber": account,
        "SubscriptionName": subscription["name"],
        "MessageId": message["id"],
        "Message": message["body"],
        "MessageMD5": message["md5"],
        **({"MessageTag": message["tag"]} if message["tag"] else {}),
        "PublishTime": str(message["time_ms"]),
    }
    if subscription["format"] == "JSON":
        return json.dumps(fields, ensure_ascii=False)
    inner = "".join(f"<{name}>{escape(value)}</{name}>" for name, value in fields.items())
    return f'<?xml version="1.0" encoding="utf-8"?><Notification xmlns="{XMLNS}">{inner}</Notification>'
