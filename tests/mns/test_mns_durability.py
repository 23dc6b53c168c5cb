"""MNS state under --data-dir: a server killed with SIGKILL keeps every acknowledged message (sent, not
yet deleted), its queue and topic and subscription, and a received message's visibility."""

from __future__ import annotations

import os
import signal

from mns.account import Account
from mns.queue import Message
from mns.topic import TopicMessage

from imm_emulator import RemoteEmulator
from tests.durability.test_crash import start
from tests.helpers import DEFAULT_KEY


def test_sigkill_keeps_acknowledged_messages_and_subscriptions(tmp_path) -> None:
    proc, url = start(str(tmp_path))
    try:
        remote = RemoteEmulator(url, *DEFAULT_KEY)
        queue = remote.mns_queue_subscription("topic", "queue")
        queue.send_message(Message("kept-1"))
        remote.mns_account().get_topic("topic").publish_message(TopicMessage("a2VwdC0y"))  # base64 "kept-2"
        # received, not deleted: hidden now, visible again after its visibility timeout
        in_flight = Account(url, *DEFAULT_KEY).get_queue("queue").receive_message()
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()

    proc, url = start(str(tmp_path))
    try:
        remote = RemoteEmulator(url, *DEFAULT_KEY)
        queue = remote.mns_account().get_queue("queue")
        listed = remote.mns_account().get_topic("topic").list_subscription()[0]
        assert [link.rsplit("/", 1)[1] for link in listed] == ["queue-subscription"]
        visible = queue.batch_receive_message(16)
        assert [msg.message_body for msg in visible] == [b"kept-2"]  # the other one is still hidden
        remote.clock_for().advance(31)
        again = queue.receive_message()
        assert (again.message_id, again.dequeue_count) == (in_flight.message_id, 2)
    finally:
        proc.kill()
        proc.wait(timeout=10)
