"""--notify-url: every outbox entry is POSTed to the user's endpoint, retried on 5xx and network
errors, not retried when the receiver refuses it with a 4xx."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from alibabacloud_imm20200930 import models as m

from imm_emulator import Emulator
from imm_emulator.contract import validate
from tests.helpers import media


class Receiver:
    """A user's webhook: answers with the queued status codes, then 200; records every body."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.bodies: list[dict] = []
        self.answered: list[int] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.arrived:  # recorded before answering: the next one is sent after the answer
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.bodies.append(body)
                    receiver.answered.append(status)
                    receiver.arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, count: int, timeout: float = 10) -> list[dict]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.bodies) >= count, timeout), self.bodies
            return list(self.bodies)


@pytest.fixture
def run_with(backend) -> Iterator:
    started: list = []

    def start(statuses: list[int]) -> tuple[Emulator, Receiver]:
        receiver = Receiver(statuses)
        emulator = Emulator(notify_url=receiver.url, task_duration="instant", **backend).start()
        started.append((emulator, receiver))
        emulator.client().create_project(m.CreateProjectRequest(project_name="p"))
        bucket = emulator.oss2_bucket("media")
        bucket.create_bucket()
        bucket.put_object_from_file("clip.mp4", str(media("mp4_h264_aac.mp4")))
        return emulator, receiver

    yield start
    for emulator, receiver in started:
        emulator.stop()
        receiver.server.shutdown()
        receiver.server.server_close()


def create(emulator: Emulator) -> str:
    request = m.CreateVideoLabelClassificationTaskRequest(
        project_name="p",
        source_uri="oss://media/clip.mp4",
        notification=m.Notification(mns=m.MNS(topic_name="t")),
    )
    return emulator.client().create_video_label_classification_task(request).body.task_id


def test_each_notification_reaches_the_url_as_in_the_outbox(run_with) -> None:
    emulator, receiver = run_with([])
    task_id = create(emulator)
    outbox = emulator.notifications.wait(count=2, task_id=task_id)
    delivered = receiver.wait(count=2)
    assert delivered == outbox
    assert [entry["channel"] for entry in delivered] == ["MNS", "EventBridge"]
    for entry in delivered:
        assert validate("notification", entry["message"], strict=True) == []
    mns, event = (entry["message"] for entry in delivered)
    assert json.loads(mns["content"])["TaskId"] == event["data"]["TaskId"] == task_id


def test_server_errors_are_retried_and_refusals_are_not(run_with) -> None:
    emulator, receiver = run_with([503, 400])
    create(emulator)
    # MNS: 503 then retried -> 400 refused, dropped; EventBridge: 200
    delivered = receiver.wait(count=3)
    assert receiver.answered[:3] == [503, 400, 200]
    assert delivered[0] == delivered[1] and delivered[2]["channel"] == "EventBridge"
    with pytest.raises(AssertionError):
        receiver.wait(count=4, timeout=1.5)  # the refused one is not sent again
