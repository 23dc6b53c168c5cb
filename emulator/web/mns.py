"""MNS over HTTP on the emulator's one port: ``/queues/...`` and ``/topics/...`` requests that carry
MNS's headers (``x-mns-version``, ``Authorization: MNS ...``), answered with MNS's XML documents and
``<Error>`` codes, as aliyun-mns-sdk and @alicloud/mns read them."""

from __future__ import annotations

import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable

from flask import Response, request

from ..clock import format_rfc3339
from ..errors import MnsError
from ..mns.queues import BATCH_LIMIT, MAX_WAIT_SECONDS
from ..mns.topics import TOPIC_RETENTION, XMLNS
from ..protocol.oss_xml import Node, render_node
from ..runtime import Runtime
from ..state.journal import mask
from .envelopes import http_request, read_body, unexpected
from .framing import MalformedRequest, mns_error_document

MAX_BODY = 1 << 20
_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")


def handle_mns(runtime: Runtime) -> Response:
    request_id = uuid.uuid4().hex.upper()[:24]
    started = time.perf_counter()
    trace: dict = {
        "kind": "mns",
        "request_id": request_id,
        "time": format_rfc3339(runtime.clock.wall_ns()),
        "method": request.method,
        "path": request.path,
        "params": mask(dict(request.args)),
    }
    try:
        caller = runtime.mns_auth.authenticate(http_request(with_body=False))
        trace.update(account=caller.account, access_key_id=caller.access_key_id, verified=caller.verified)
        response = _dispatch(runtime, caller.account, trace)
    except (MnsError, MalformedRequest) as failure:
        error = failure if isinstance(failure, MnsError) else MnsError("InvalidArgument", str(failure))
        response = _error(runtime, error, request_id)
        trace.update(code=error.code, message=error.message)
    except Exception as exc:
        trace["code"] = unexpected(exc, request_id)
        response = _error(runtime, MnsError(trace["code"]), request_id)
    response.headers["x-mns-request-id"] = request_id
    response.headers["x-mns-version"] = "2015-06-06"
    trace.update(status=response.status_code, latency_ms=round((time.perf_counter() - started) * 1000, 3))
    runtime.journal.record(trace)
    return response


def _error(runtime: Runtime, error: MnsError, request_id: str) -> Response:
    document = mns_error_document(error.code, error.message, request_id, f"http://{request.host}")
    return Response(document, error.http_status, {"Content-Type": "text/xml;charset=utf-8"})


def _xml(root: Node, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    tag, children = root
    inner = "".join(render_node(child) for child in children) if isinstance(children, list) else ""
    text = f'<?xml version="1.0" encoding="UTF-8"?>\n<{tag} xmlns="{XMLNS}">{inner}</{tag}>'
    return Response(text, status, {"Content-Type": "text/xml;charset=utf-8", **(headers or {})})


def _empty(status: int = 204, headers: dict[str, str] | None = None) -> Response:
    return Response(b"", status, headers or {})


def _dispatch(runtime: Runtime, account: str, trace: dict) -> Response:
    parts = request.path.strip("/").split("/")
    method = request.method
    section, name = parts[0], parts[1] if len(parts) > 1 else ""
    for part in parts[1:]:
        if not part or len(part) > 256 or not set(part) <= _NAME_CHARS:
            raise MnsError("InvalidArgument", f"The name {part[:80]!r} is not 1-256 letters, digits and '-'.")
    routes: dict[tuple[str, int, str], Callable[[], Response]] = {}
    if section == "queues":
        routes = _queue_routes(runtime, account, name, parts)
    elif section == "topics":
        routes = _topic_routes(runtime, account, name, parts)
    kind = "messages" if len(parts) == 3 and parts[2] == "messages" else ""
    kind = kind or ("subscriptions" if len(parts) >= 3 and parts[2] == "subscriptions" else "")
    key = (method, len(parts), kind)
    if key not in routes or (kind == "" and len(parts) > 2):
        raise MnsError("InvalidOperation", f"{method} {request.path} is not an MNS operation.")
    trace["action"] = _action(section, key)
    return routes[key]()


def _action(section: str, key: tuple[str, int, str]) -> str:
    """The MNS API name, for the journal."""
    batch = (
        "Batch"
        if _arg("numOfMessages") is not None
        or (key[0] != "GET" and b"<Messages" in (read_body(MAX_BODY) or b""))
        else ""
    )
    if section == "queues" and key == ("GET", 3, "messages"):
        return batch + ("PeekMessage" if _arg("peekonly") == "true" else "ReceiveMessage")
    if key == ("DELETE", 3, "messages") and section == "queues":
        return "DeleteMessage" if _arg("ReceiptHandle") is not None else "BatchDeleteMessage"
    if _arg("metaoverride") == "true":
        return (
            {"queues": "SetQueueAttributes", "topics": "SetTopicAttributes"}[section]
            if key[1] == 2
            else "SetSubscriptionAttributes"
        )
    name = _ACTIONS[(section, *key)]
    return batch + name if name == "SendMessage" else name


_ACTIONS = {
    ("queues", "PUT", 2, ""): "CreateQueue",
    ("queues", "GET", 2, ""): "GetQueueAttributes",
    ("queues", "DELETE", 2, ""): "DeleteQueue",
    ("queues", "GET", 1, ""): "ListQueue",
    ("queues", "POST", 3, "messages"): "SendMessage",
    ("queues", "DELETE", 3, "messages"): "DeleteMessage",
    ("queues", "PUT", 3, "messages"): "ChangeMessageVisibility",
    ("topics", "PUT", 2, ""): "CreateTopic",
    ("topics", "GET", 2, ""): "GetTopicAttributes",
    ("topics", "DELETE", 2, ""): "DeleteTopic",
    ("topics", "GET", 1, ""): "ListTopic",
    ("topics", "POST", 3, "messages"): "PublishMessage",
    ("topics", "GET", 3, "subscriptions"): "ListSubscriptionByTopic",
    ("topics", "PUT", 4, "subscriptions"): "Subscribe",
    ("topics", "GET", 4, "subscriptions"): "GetSubscriptionAttributes",
    ("topics", "DELETE", 4, "subscriptions"): "Unsubscribe",
}


# --- queues ---------------------------------------------------------------------------------------
def _queue_routes(runtime: Runtime, account: str, name: str, parts: list[str]):
    queues = runtime.queues

    def create() -> Response:
        fields = _fields(_body(), "Queue")
        if _arg("metaoverride") == "true":
            queues.set_attributes(account, name, fields, _flag(fields.get("LoggingEnabled")))
            return _empty()
        created = queues.create(account, name, fields, _flag(fields.get("LoggingEnabled")) or False)
        return _empty(201 if created else 204, {"Location": f"{_base()}/queues/{name}"})

    def attributes() -> Response:
        queue = queues.get(account, name)
        return _xml(("Queue", _queue_meta(queue, queues.counts(account, name))))

    def delete() -> Response:
        queues.delete(account, name)
        return _empty()

    def listing() -> Response:
        names = queues.names(account)
        found = _page(names)
        items = []
        for item in found[0]:
            meta = _queue_meta(queues.get(account, item), queues.counts(account, item))
            extra = meta if request.headers.get("x-mns-with-meta") == "true" else []
            items.append(("Queue", [("QueueURL", f"{_base()}/queues/{item}"), *extra]))
        return _xml(("Queues", [*items, ("NextMarker", found[1])]))

    def send() -> Response:
        body = _body()
        root = _root(body)
        if root.tag == "Messages":
            entries = [_children(child) for child in root if _local(child.tag) == "Message"]
            if not 1 <= len(entries) <= BATCH_LIMIT:
                raise MnsError("InvalidArgument", f"A batch holds 1 to {BATCH_LIMIT} messages.")
            sent = [_send_one(runtime, account, name, fields) for fields in entries]
            return _xml(("Messages", [("Message", _sent(m)) for m in sent]), 201)
        if root.tag != "Message":
            raise MnsError("MalformedXML", f"The XML root must be <Message>, not <{root.tag}>.")
        message = _send_one(runtime, account, name, _children(root))
        return _xml(("Message", _sent(message)), 201)

    def receive() -> Response:
        peek = _arg("peekonly") == "true"
        batch = _arg("numOfMessages") is not None
        count = _integer(_arg("numOfMessages") or "1", "numOfMessages", 1, BATCH_LIMIT)
        waitseconds = _arg("waitseconds")
        wait = None if waitseconds is None else _integer(waitseconds, "waitseconds", 0, MAX_WAIT_SECONDS)
        taken = queues.receive(account, name, count, 0 if peek else wait, peek)
        if not taken:
            raise MnsError("MessageNotExist", "Message not exist.")
        if batch:
            return _xml(("Messages", [("Message", _received(m, peek)) for m in taken]))
        return _xml(("Message", _received(taken[0], peek)))

    def delete_messages() -> Response:
        if _arg("ReceiptHandle") is not None:
            queues.delete_message(account, name, _arg("ReceiptHandle") or "")
            return _empty()
        root = _root(_body())
        handles = [child.text or "" for child in root if _local(child.tag) == "ReceiptHandle"]
        if root.tag != "ReceiptHandles" or not 1 <= len(handles) <= BATCH_LIMIT:
            raise MnsError(
                "MalformedXML", f"BatchDeleteMessage takes <ReceiptHandles> with 1 to {BATCH_LIMIT}."
            )
        errors = []
        for handle in handles:
            try:
                queues.delete_message(account, name, handle)
            except MnsError as exc:
                errors.append(
                    (
                        "Error",
                        [("ErrorCode", exc.code), ("ErrorMessage", exc.message), ("ReceiptHandle", handle)],
                    )
                )
        return _xml(("Errors", errors), 404) if errors else _empty()

    def change_visibility() -> Response:
        handle = _arg("ReceiptHandle") or ""
        timeout = _integer(_arg("VisibilityTimeout") or "", "VisibilityTimeout", 1, 43200)
        message = queues.change_visibility(account, name, handle, timeout)
        return _xml(
            (
                "ChangeVisibility",
                [("ReceiptHandle", message["handle"]), ("NextVisibleTime", message["visible_ms"])],
            )
        )

    if len(parts) == 1:
        return {("GET", 1, ""): listing}
    return {
        ("PUT", 2, ""): create,
        ("GET", 2, ""): attributes,
        ("DELETE", 2, ""): delete,
        ("POST", 3, "messages"): send,
        ("GET", 3, "messages"): receive,
        ("DELETE", 3, "messages"): delete_messages,
        ("PUT", 3, "messages"): change_visibility,
    }


def _send_one(runtime: Runtime, account: str, queue: str, fields: dict[str, str]) -> dict:
    delay = fields.get("DelaySeconds")
    priority = fields.get("Priority")
    return runtime.queues.send(
        account,
        queue,
        fields.get("MessageBody", ""),
        None if delay is None else _integer(delay, "DelaySeconds", 0, 604800),
        8 if priority is None else _integer(priority, "Priority", 1, 16),
    )


def _sent(message: dict) -> list[Node]:
    return [("MessageId", message["id"]), ("MessageBodyMD5", message["md5"])]


def _received(message: dict, peek: bool) -> list[Node]:
    fields: list[Node] = [("MessageId", message["id"])]
    if not peek:
        fields.append(("ReceiptHandle", message["handle"]))
    fields += [
        ("MessageBodyMD5", message["md5"]),
        ("MessageBody", message["body"]),
        ("EnqueueTime", message["enqueue_ms"]),
    ]
    if not peek:
        fields.append(("NextVisibleTime", message["visible_ms"]))
    fields += [
        ("FirstDequeueTime", message["first_dequeue_ms"]),
        ("DequeueCount", message["dequeue_count"]),
        ("Priority", message["priority"]),
    ]
    return fields


def _queue_meta(queue: dict, counts: dict[str, int]) -> list[Node]:
    attributes = queue["attributes"]
    return [
        ("QueueName", queue["name"]),
        ("CreateTime", queue["created_ms"] // 1000),
        ("LastModifyTime", queue["modified_ms"] // 1000),
        *((name, attributes[name]) for name in sorted(attributes)),
        *((name, value) for name, value in counts.items()),
        ("LoggingEnabled", "True" if queue.get("logging") else "False"),
    ]


# --- topics ---------------------------------------------------------------------------------------
def _topic_routes(runtime: Runtime, account: str, name: str, parts: list[str]):
    topics = runtime.topics

    def create() -> Response:
        fields = _fields(_body(), "Topic")
        size = fields.get("MaximumMessageSize")
        max_size = None if size is None else _integer(size, "MaximumMessageSize", 1024, 65536)
        logging = _flag(fields.get("LoggingEnabled"))
        if _arg("metaoverride") == "true":
            topics.set_attributes(account, name, max_size, logging)
            return _empty()
        created = topics.create(account, name, max_size, logging or False)
        return _empty(201 if created else 204, {"Location": f"{_base()}/topics/{name}"})

    def attributes() -> Response:
        topic = topics.get(account, name)
        return _xml(("Topic", _topic_meta(topic)))

    def delete() -> Response:
        topics.delete(account, name)
        return _empty()

    def listing() -> Response:
        found = _page(topics.names(account))
        with_meta = request.headers.get("x-mns-with-meta") == "true"
        items = [
            (
                "Topic",
                [
                    ("TopicURL", f"{_base()}/topics/{item}"),
                    *(_topic_meta(topics.get(account, item)) if with_meta else []),
                ],
            )
            for item in found[0]
        ]
        return _xml(("Topics", [*items, ("NextMarker", found[1])]))

    def publish() -> Response:
        fields = _fields(_body(), "Message")
        message = topics.publish(account, name, fields.get("MessageBody", ""), fields.get("MessageTag", ""))
        return _xml(("Message", [("MessageId", message["id"]), ("MessageBodyMD5", message["md5"])]), 201)

    def subscriptions() -> Response:
        found = _page([doc["name"] for doc in topics.subscriptions(account, name)])
        items = [
            ("Subscription", [("SubscriptionURL", f"{_base()}/topics/{name}/subscriptions/{sub}")])
            for sub in found[0]
        ]
        return _xml(("Subscriptions", [*items, ("NextMarker", found[1])]))

    def subscribe() -> Response:
        fields = _fields(_body(), "Subscription")
        subscription = parts[3]
        if _arg("metaoverride") == "true":
            topics.set_strategy(account, name, subscription, fields.get("NotifyStrategy", ""))
            return _empty()
        created = topics.subscribe(account, name, subscription, fields)
        location = f"{_base()}/topics/{name}/subscriptions/{subscription}"
        return _empty(201 if created else 204, {"Location": location})

    def subscription_attributes() -> Response:
        doc = topics.subscription(account, name, parts[3])
        return _xml(
            (
                "Subscription",
                [
                    ("SubscriptionName", doc["name"]),
                    ("Subscriber", account),
                    ("TopicOwner", account),
                    ("TopicName", name),
                    ("Endpoint", doc["endpoint"]),
                    ("NotifyStrategy", doc["strategy"]),
                    ("NotifyContentFormat", doc["format"]),
                    ("FilterTag", doc["filter_tag"]),
                    ("CreateTime", doc["created_ms"] // 1000),
                    ("LastModifyTime", doc["modified_ms"] // 1000),
                ],
            )
        )

    def unsubscribe() -> Response:
        topics.unsubscribe(account, name, parts[3])
        return _empty()

    if len(parts) == 1:
        return {("GET", 1, ""): listing}
    return {
        ("PUT", 2, ""): create,
        ("GET", 2, ""): attributes,
        ("DELETE", 2, ""): delete,
        ("POST", 3, "messages"): publish,
        ("GET", 3, "subscriptions"): subscriptions,
        ("PUT", 4, "subscriptions"): subscribe,
        ("GET", 4, "subscriptions"): subscription_attributes,
        ("DELETE", 4, "subscriptions"): unsubscribe,
    }


def _topic_meta(topic: dict) -> list[Node]:
    return [
        ("TopicName", topic["name"]),
        ("CreateTime", topic["created_ms"] // 1000),
        ("LastModifyTime", topic["modified_ms"] // 1000),
        ("MaximumMessageSize", topic["max_size"]),
        ("MessageRetentionPeriod", TOPIC_RETENTION),
        ("MessageCount", topic.get("messages", 0)),
        ("LoggingEnabled", "True" if topic.get("logging") else "False"),
    ]


# --- shared ---------------------------------------------------------------------------------------
def _arg(name: str) -> str | None:
    """A query parameter, its name in any case: @alicloud/mns sends receiptHandle and
    visibilityTimeout where aliyun-mns-sdk sends ReceiptHandle and VisibilityTimeout."""
    wanted = name.lower()
    return next((value for key, value in request.args.items() if key.lower() == wanted), None)


def _base() -> str:
    return f"{request.scheme}://{request.host}"


def _page(names: list[str]) -> tuple[list[str], str | None]:
    """ListQueue / ListTopic paging by x-mns-prefix, x-mns-marker and x-mns-ret-number (1-1000); the
    next marker, or None on the last page (MNS then omits NextMarker)."""
    headers = request.headers
    prefix, marker = headers.get("x-mns-prefix", ""), headers.get("x-mns-marker", "")
    number = _integer(headers.get("x-mns-ret-number", "1000"), "x-mns-ret-number", 1, 1000)
    chosen = [n for n in sorted(names) if n.startswith(prefix) and n >= marker]
    return chosen[:number], chosen[number] if len(chosen) > number else None


def _body() -> bytes:
    body = read_body(MAX_BODY)
    if body is None:
        raise MnsError("InvalidArgument", f"The request body is larger than {MAX_BODY} bytes.")
    return body


def _root(body: bytes) -> ET.Element:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise MnsError("MalformedXML", f"The XML you provided was not well-formed: {exc}.") from None
    root.tag = _local(root.tag)
    return root


def _fields(body: bytes, root_tag: str) -> dict[str, str]:
    """The child elements of an optional ``<root_tag>`` body, by local name."""
    if not body.strip():
        return {}
    root = _root(body)
    if root.tag != root_tag:
        raise MnsError("MalformedXML", f"The XML root must be <{root_tag}>, not <{root.tag}>.")
    return _children(root)


def _children(element: ET.Element) -> dict[str, str]:
    return {_local(child.tag): (child.text or "") for child in element}


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _flag(text: str | None) -> bool | None:
    return None if text is None else text.strip().lower() == "true"


def _integer(text: str, name: str, low: int, high: int) -> int:
    value = text.strip()
    if not value.isdigit() or not low <= int(value) <= high:
        raise MnsError("InvalidArgument", f"{name} must be an integer from {low} to {high}: {text[:40]!r}.")
    return int(value)
