"""--notify-url (or an account's own URL): each task's EventBridge CloudEvent is POSTed there as an
EventBridge HTTP target receives it, retried on 5xx and network errors, not retried when the receiver
refuses it with a 4xx."""

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
        self.content_types: list[str] = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with receiver.arrived:  # recorded before answering: the next one is sent after the answer
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.bodies.append(body)
                    receiver.content_types.append(self.headers["Content-Type"])
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


def test_the_cloudevent_reaches_the_url_as_an_eventbridge_http_target_gets_it(run_with) -> None:
    emulator, receiver = run_with([])
    task_id = create(emulator)
    outbox = emulator.notifications.wait(count=2, task_id=task_id)
    delivered = receiver.wait(count=1)
    event = next(entry["message"] for entry in outbox if entry["channel"] == "EventBridge")
    assert delivered == [event]  # the whole event is the body; MNS has its own delivery now
    assert receiver.content_types == ["application/json;charset=utf-8"]
    assert validate("notification", event, strict=True) == []
    assert event["data"]["TaskId"] == task_id and event["type"] == "imm:Task:VideoLabelClassification"
    with pytest.raises(AssertionError):
        receiver.wait(count=2, timeout=1)


def test_server_errors_are_retried_and_refusals_are_not(run_with) -> None:
    emulator, receiver = run_with([503, 400])
    create(emulator)
    delivered = receiver.wait(count=2)
    assert receiver.answered[:2] == [503, 400]
    assert delivered[0] == delivered[1] and delivered[0]["specversion"] == "1.0"
    with pytest.raises(AssertionError):
        receiver.wait(count=3, timeout=1.5)  # the refused one is not sent again


def test_an_account_url_replaces_the_emulator_wide_one(run_with) -> None:
    emulator, receiver = run_with([])
    own = Receiver([])
    try:
        emulator.set_notify_url(own.url)
        task_id = create(emulator)
        assert own.wait(count=1)[0]["data"]["TaskId"] == task_id
        emulator.set_notify_url(None)
        second = create(emulator)
        assert receiver.wait(count=1)[0]["data"]["TaskId"] == second
        assert len(own.bodies) == 1
    finally:
        own.server.shutdown()
        own.server.server_close()
