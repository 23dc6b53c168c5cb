"""MNS queues and topics through the official Python SDK (aliyun-mns-sdk), unmodified, over a real
socket: the consumer half of an IMM integration (task -> topic -> queue -> ReceiveMessage ->
DeleteMessage) runs against the emulator."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from alibabacloud_imm20200930 import models as m
from mns.account import Account
from mns.mns_exception import MNSServerException
from mns.queue import Message, QueueMeta
from mns.subscription import SubscriptionMeta
from mns.topic import TopicMessage, TopicMeta

from imm_emulator.contract import validate
from tests.helpers import OTHER_KEY, media

VIDEO = "mp4_h264_aac.mp4"


def error_of(call) -> MNSServerException:
    with pytest.raises(MNSServerException) as caught:
        call()
    return caught.value


@pytest.fixture
def video(imm_emulator, imm_client) -> str:
    imm_client.create_project(m.CreateProjectRequest(project_name="p"))
    bucket = imm_emulator.oss2_bucket("media")
    bucket.create_bucket()
    bucket.put_object_from_file("clip.mp4", str(media(VIDEO)))
    return "oss://media/clip.mp4"


def create_task(imm_client, uri: str, topic: str) -> str:
    request = m.CreateVideoLabelClassificationTaskRequest(
        project_name="p", source_uri=uri, notification=m.Notification(mns=m.MNS(topic_name=topic))
    )
    return imm_client.create_video_label_classification_task(request).body.task_id


def end(imm_client, task_id: str) -> None:
    """The plugin's tasks end on their second read."""
    for _ in range(2):
        imm_client.get_task(
            m.GetTaskRequest(project_name="p", task_type="VideoLabelClassification", task_id=task_id)
        )


def test_queue_messages_receive_change_visibility_and_delete(mns_client: Account) -> None:
    queue = mns_client.get_queue("work")
    queue.create(QueueMeta(vis_timeout=60, polling_wait_sec=0))
    sent = queue.send_message(Message("first"))
    as_sent = base64.b64encode(b"first")  # the SDK base64-encodes by default; the MD5 is of what it sent
    assert sent.message_body_md5 == hashlib.md5(as_sent).hexdigest().upper()
    batch = queue.batch_send_message([Message(f"m{i}") for i in range(3)])
    assert len(batch) == 3

    received = queue.receive_message(wait_seconds=1)
    assert received.message_body == b"first" and received.dequeue_count == 1
    changed = queue.change_message_visibility(received.receipt_handle, 5)
    assert changed.receipt_handle != received.receipt_handle
    stale = error_of(lambda: queue.delete_message(received.receipt_handle))
    assert stale.type in ("MessageNotExist", "ReceiptHandleError")
    queue.delete_message(changed.receipt_handle)

    peeked = queue.batch_peek_message(16)
    assert sorted(msg.message_body for msg in peeked) == [b"m0", b"m1", b"m2"]
    taken = queue.batch_receive_message(16, wait_seconds=1)
    assert len(taken) == 3
    queue.batch_delete_message([msg.receipt_handle for msg in taken])
    assert error_of(lambda: queue.receive_message(wait_seconds=0)).type == "MessageNotExist"
    attributes = queue.get_attributes()
    assert (attributes.visibility_timeout, attributes.active_messages) == (60, 0)
    queue.set_attributes(QueueMeta(vis_timeout=10))
    assert queue.get_attributes().visibility_timeout == 10
    assert mns_client.list_queue(prefix="wo")[0][0].endswith("/queues/work")
    queue.delete()
    assert error_of(lambda: queue.get_attributes()).type == "QueueNotExist"


def test_task_notification_reaches_the_subscribed_queue(imm_emulator, imm_client, video) -> None:
    queue = imm_emulator.mns_queue_subscription("imm-events", "imm-results")
    task_id = create_task(imm_client, video, "imm-events")
    imm_client.get_task(
        m.GetTaskRequest(project_name="p", task_type="VideoLabelClassification", task_id=task_id)
    )
    imm_client.get_task(
        m.GetTaskRequest(project_name="p", task_type="VideoLabelClassification", task_id=task_id)
    )

    received = queue.receive_message(wait_seconds=10)  # the SDK's default: it base64-decodes the body
    message = json.loads(received.message_body)
    assert validate("notification", message, strict=True) == []
    content = json.loads(message["content"])
    assert (content["TaskId"], content["Status"], message["type"]) == (
        task_id,
        "Succeeded",
        "imm:Task:VideoLabelClassification",
    )
    assert content["Labels"]
    outbox = imm_emulator.notifications.list(task_id=task_id, channel="MNS")
    assert [entry["message"] for entry in outbox] == [message]
    queue.delete_message(queue.change_message_visibility(received.receipt_handle, 30).receipt_handle)


def test_long_poll_returns_when_the_task_ends(imm_emulator, imm_client, video) -> None:
    imm_emulator.set_task_policy("manual", imm_emulator.access_key_id)
    queue = imm_emulator.mns_queue_subscription("events", "results")
    task_id = create_task(imm_client, video, "events")
    result: dict = {}

    def poll() -> None:
        started = time.monotonic()
        result["message"] = queue.receive_message(wait_seconds=10)
        result["waited"] = time.monotonic() - started

    poller = threading.Thread(target=poll)
    poller.start()
    time.sleep(0.3)
    assert "message" not in result  # still waiting: nothing published yet
    imm_emulator.complete_task(task_id)
    poller.join(timeout=15)
    assert json.loads(json.loads(result["message"].message_body)["content"])["TaskId"] == task_id
    assert result["waited"] < 10  # answered when the message arrived, not at the end of the wait


def test_visibility_timeout_and_retention_follow_the_emulated_clock(mns_client: Account, imm_clock) -> None:
    queue = mns_client.get_queue("clocked")
    queue.create(QueueMeta(vis_timeout=30, msg_ttl=120))
    queue.send_message(Message("tick"))
    first = queue.receive_message()
    assert error_of(lambda: queue.receive_message()).type == "MessageNotExist"
    imm_clock.advance(31)
    again = queue.receive_message()
    assert again.dequeue_count == 2 and again.receipt_handle != first.receipt_handle
    assert error_of(lambda: queue.delete_message(first.receipt_handle)).type in (
        "MessageNotExist",
        "ReceiptHandleError",
    )
    queue.send_message(Message("delayed", delay_seconds=60))
    assert queue.get_attributes().delay_messages == 1
    imm_clock.advance(121)  # past the retention period: both are gone
    assert error_of(lambda: queue.receive_message()).type == "MessageNotExist"
    assert queue.get_attributes().active_messages == 0


def test_topic_formats_and_filter_tags(imm_emulator, mns_client: Account) -> None:
    account = imm_emulator.account()
    region = imm_emulator.region
    topic = mns_client.get_topic("news")
    topic.create(TopicMeta())
    for name, content_format, tag in (
        ("as-json", "JSON", ""),
        ("as-xml", "XML", ""),
        ("tagged", "SIMPLIFIED", "hot"),
    ):
        mns_client.get_queue(name).create(QueueMeta())
        endpoint = f"acs:mns:{region}:{account}:queues/{name}"
        meta = SubscriptionMeta(endpoint, notify_content_format=content_format, filter_tag=tag)
        topic.get_subscription(name).subscribe(meta)
    assert len(topic.list_subscription()[0]) == 3
    assert topic.get_subscription("as-xml").get_attributes().notify_content_format == "XML"

    published = topic.publish_message(TopicMessage("plain news", message_tag="cold"))
    raw_json = mns_client.get_queue("as-json")
    raw_json.set_encoding(False)  # JSON and XML notifications are not base64
    wrapper = json.loads(raw_json.receive_message().message_body)
    assert wrapper["Message"] == "plain news" and wrapper["MessageTag"] == "cold"
    assert (wrapper["TopicOwner"], wrapper["TopicName"], wrapper["SubscriptionName"]) == (
        account,
        "news",
        "as-json",
    )
    assert wrapper["MessageId"] == published.message_id and wrapper["PublishTime"].isdigit()
    assert wrapper["MessageMD5"] == published.message_body_md5
    assert validate("mns_notification", wrapper, strict=True) == []
    raw_xml = mns_client.get_queue("as-xml")
    raw_xml.set_encoding(False)
    document = ET.fromstring(raw_xml.receive_message().message_body)
    assert document.tag == "{http://mns.aliyuncs.com/doc/v1/}Notification"
    fields = {child.tag.rpartition("}")[2]: child.text for child in document}
    assert fields == {**wrapper, "SubscriptionName": "as-xml"}
    assert validate("mns_notification", fields, strict=True) == []
    tagged = mns_client.get_queue("tagged")
    assert error_of(lambda: tagged.receive_message()).type == "MessageNotExist"  # the tag did not match
    topic.publish_message(TopicMessage(base64.b64encode(b"hot news").decode(), message_tag="hot"))
    assert tagged.receive_message().message_body == b"hot news"
    topic.get_subscription("tagged").unsubscribe()
    topic.delete()
    assert error_of(lambda: topic.get_attributes()).type == "TopicNotExist"


def test_wrong_signature_unknown_key_and_other_accounts(
    imm_emulator, mns_client: Account, video, imm_client
) -> None:
    mns_client.get_queue("private").create(QueueMeta())
    mns_client.get_queue("private").send_message(Message("secret"))
    wrong = imm_emulator.mns_account(imm_emulator.access_key_id, "not-the-secret")
    assert error_of(lambda: wrong.get_queue("private").receive_message()).type == "SignatureDoesNotMatch"
    unknown = Account(imm_emulator.endpoint, "no-such-key", "x")
    assert error_of(lambda: unknown.get_queue("private").receive_message()).type == "InvalidAccessKeyId"

    imm_emulator.register_key(*OTHER_KEY)
    other = imm_emulator.mns_account(*OTHER_KEY)
    assert error_of(lambda: other.get_queue("private").receive_message()).type in (
        "QueueNotExist",
        "AccessDenied",
    )
    # A subscription cannot deliver into another account's queue: nothing crosses accounts.
    other.get_topic("theirs").create(TopicMeta())
    endpoint = f"acs:mns:{imm_emulator.region}:{imm_emulator.account()}:queues/private"
    other.get_topic("theirs").get_subscription("s").subscribe(SubscriptionMeta(endpoint))
    other.get_topic("theirs").publish_message(TopicMessage("intrusion"))
    own = mns_client.get_queue("private").batch_receive_message(16)
    assert [msg.message_body for msg in own] == [b"secret"]
    failures = [e for e in imm_emulator.requests.list(OTHER_KEY[0]) if e.get("kind") == "mns-delivery"]
    assert failures and failures[0]["code"] == "AccessDenied"


def test_task_to_a_missing_topic_still_ends_and_keeps_its_outbox_entry(
    imm_emulator, imm_client, video
) -> None:
    task_id = create_task(imm_client, video, "nobody-created-this")
    end(imm_client, task_id)
    outbox = imm_emulator.notifications.wait(count=2, task_id=task_id)
    assert {entry["channel"] for entry in outbox} == {"MNS", "EventBridge"}
    journal = imm_emulator.requests.list()
    failures = [e for e in journal if e.get("kind") == "mns-delivery" and e.get("task_id") == task_id]
    assert failures and failures[0]["code"] == "TopicNotExist"


def test_dashboard_and_reset_cover_mns_state(imm_emulator, mns_client: Account) -> None:
    queue = imm_emulator.mns_queue_subscription("shown-topic", "shown-queue", content_format="JSON")
    queue.send_message(Message("waiting"))
    with urllib.request.urlopen(f"{imm_emulator.endpoint}/_emulator/ui") as response:
        html = response.read().decode()
    assert "shown-queue" in html and "shown-topic" in html and "(JSON)" in html
    imm_emulator.reset(imm_emulator.access_key_id)
    assert error_of(lambda: mns_client.get_queue("shown-queue").get_attributes()).type == "QueueNotExist"
    assert mns_client.list_topic()[0] == []
