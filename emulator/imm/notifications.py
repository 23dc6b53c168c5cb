"""Task notifications: the MNS / RocketMQ message IMM sends when a task ends, and the EventBridge
CloudEvent it publishes, kept in an outbox (Store kind ``notification``) that tests can read and wait on.

The message envelope (``id``, ``source``, ``type``, ``subject``, ``time`` in epoch milliseconds as a
string, ``content`` as a JSON string) follows IMM's "asynchronous notification message format".
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from typing import Any

from ..clock import format_rfc3339
from .registry import Context, Services

KIND = "notification"
MAX_PER_ACCOUNT = 10_000


def task_content(task: dict, result: dict) -> dict[str, Any]:
    """The payload: the task's common fields, then what the task type adds (``Labels``)."""
    content = {
        "ProjectName": task["ProjectName"],
        "DatasetName": "",
        "RequestId": task["RequestId"],
        "StartTime": format_rfc3339(task["start_ns"]),
        "EndTime": format_rfc3339(task["end_ns"]),
        "UserData": task.get("UserData", ""),
        "TaskType": task["TaskType"],
        "TaskId": task["TaskId"],
        "Status": task["status"],
        "Code": task.get("code", ""),
        "Message": task.get("message", ""),
        "EventSourceId": "",
        "SourceURI": task["SourceURI"],
    }
    content.update(result)
    return content


def publish(ctx: Context, task: dict, content: dict[str, Any]) -> list[dict]:
    """Put one message per configured target (MNS, RocketMQ) and the EventBridge event in the outbox."""
    now_ns = ctx.now_ns()
    region = ctx.config.region
    event_type = f"imm:Task:{task['TaskType']}"
    subject = f"acs:imm:{region}:{ctx.account}:{task['ProjectName']}/{event_type}"
    body = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    message = {
        "id": task["EventId"],
        "source": "acs.imm",
        "type": event_type,
        "subject": subject,
        "time": str(now_ns // 1_000_000),
        "content": body,
    }
    notification = task.get("Notification") or {}
    entries = []
    if isinstance(notification.get("MNS"), dict):
        entries.append(
            {"channel": "MNS", "topic": notification["MNS"].get("TopicName", ""), "message": message}
        )
    if isinstance(notification.get("RocketMQ"), dict):
        rocket = notification["RocketMQ"]
        entries.append(
            {
                "channel": "RocketMQ",
                "topic": rocket.get("TopicName", ""),
                "instance": rocket.get("InstanceId", ""),
                "message": message,
            }
        )
    entries.append({"channel": "EventBridge", "topic": "default", "message": {
        "specversion": "1.0",
        "id": task["EventId"],
        "source": "acs.imm",
        "type": event_type,
        "subject": subject,
        "time": format_rfc3339(now_ns),
        "datacontenttype": "application/json;charset=utf-8",
        "aliyunaccountid": ctx.account,
        "aliyunregionid": region,
        "aliyunpublishtime": format_rfc3339(now_ns),
        "aliyuneventbusname": "default",
        "data": content,
    }})  # fmt: skip
    for entry in entries:
        entry.update(
            account=ctx.account,
            task_id=task["TaskId"],
            project=task["ProjectName"],
            created=format_rfc3339(now_ns),
        )
        # The random part keeps keys unique after a restart with a frozen (persisted) clock.
        key = f"{now_ns:020d}-{next(ctx.services.sequence):012d}-{uuid.uuid4().hex[:8]}"
        ctx.store.put(KIND, ctx.account, key, entry)
        for deliver in ctx.services.on_notification:
            deliver(entry)
    _trim(ctx)
    with ctx.services.notified:
        ctx.services.notified.notify_all()
    return entries


def _trim(ctx: Context) -> None:
    excess = ctx.store.count(KIND, ctx.account) - MAX_PER_ACCOUNT
    if excess > 0:
        for key, _ in ctx.store.scan(KIND, ctx.account, limit=excess):
            ctx.store.delete(KIND, ctx.account, key)


def outbox(ctx: Context, *, task_id: str | None = None, channel: str | None = None) -> list[dict]:
    return [
        entry
        for _, entry in ctx.store.scan(KIND, ctx.account)
        if (task_id is None or entry["task_id"] == task_id)
        and (channel is None or entry["channel"] == channel)
    ]


def clear(ctx: Context) -> None:
    ctx.store.clear(KIND, ctx.account)


def wait_until(services: Services, condition: Callable[[], bool], timeout: float) -> bool:
    """Block until ``condition()`` holds (rechecked when a notification arrives) or ``timeout`` passes.

    Elapsed time comes from ``os.times()``: freezegun stops the ``time`` clocks, not the process's."""
    deadline = os.times().elapsed + timeout
    while not condition():  # not under the condition: publish() takes it inside a store transaction
        remaining = deadline - os.times().elapsed
        if remaining <= 0:
            return False
        with services.notified:
            services.notified.wait(min(remaining, 0.05))
    return True
