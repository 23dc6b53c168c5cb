"""A small application that uses IMM: upload a video to OSS, classify it, wait for the labels, by
polling or by consuming the task notification IMM publishes to an MNS topic.

This is the code under test in the example; it knows nothing of the emulator.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from alibabacloud_imm20200930 import models
from alibabacloud_tea_openapi.exceptions import ClientException, ThrottlingException


class TaggingFailed(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass
class Tagger:
    imm: object  # an alibabacloud_imm20200930 Client
    bucket: object  # an oss2.Bucket
    project: str
    poll_interval: float = 1.0
    max_polls: int = 60
    max_retries: int = 5

    def upload(self, key: str, path: str) -> str:
        self.bucket.put_object_from_file(key, path)
        return f"oss://{self.bucket.bucket_name}/{key}"

    def _call(self, method, request):
        """Retry throttled calls after the time the service asks for."""
        for attempt in range(self.max_retries):
            try:
                return method(request).body
            except ThrottlingException as exc:
                if attempt == self.max_retries - 1:
                    raise
                time.sleep(min(exc.retry_after or 1, 5) * self.poll_interval)
        raise AssertionError("unreachable")

    def start(self, uri: str, tags: dict | None = None, topic: str | None = None) -> str:
        """Start a task; with ``topic``, IMM publishes its notification to that MNS topic."""
        notification = models.Notification(mns=models.MNS(topic_name=topic)) if topic else None
        request = models.CreateVideoLabelClassificationTaskRequest(
            project_name=self.project, source_uri=uri, tags=tags or {}, notification=notification
        )
        return self._call(self.imm.create_video_label_classification_task, request).task_id

    def wait(self, task_id: str) -> list[dict]:
        request = models.GetVideoLabelClassificationResultRequest(
            project_name=self.project, task_id=task_id, task_type="VideoLabelClassification"
        )
        for _ in range(self.max_polls):
            result = self._call(self.imm.get_video_label_classification_result, request)
            if result.status == "Succeeded":
                return [label.to_map() for label in result.labels]
            if result.status == "Failed":
                raise TaggingFailed(result.code, result.message)
            time.sleep(self.poll_interval)
        raise TimeoutError(f"task {task_id} still running after {self.max_polls} polls")

    def top_labels(self, labels: list[dict], level: int = 1) -> list[str]:
        chosen = [label for label in labels if label["LabelLevel"] == level]
        return [label["LabelName"] for label in sorted(chosen, key=lambda x: -x["LabelConfidence"])]

    def still_known(self, task_id: str) -> bool:
        request = models.GetTaskRequest(
            project_name=self.project, task_id=task_id, task_type="VideoLabelClassification"
        )
        try:
            self._call(self.imm.get_task, request)
            return True
        except ClientException as exc:
            if exc.code == "ResourceNotFound":
                return False
            raise


@dataclass
class ResultConsumer:
    """Reads finished tasks from the MNS queue subscribed to IMM's topic (an ``mns.queue.Queue``)."""

    queue: object
    wait_seconds: int = 10

    def next_result(self) -> dict:
        """The next task's notification content (TaskId, Status, Labels...); deleted once read."""
        from mns.mns_exception import MNSServerException

        try:
            message = self.queue.receive_message(wait_seconds=self.wait_seconds)  # base64-decoded by the SDK
        except MNSServerException as exc:
            if exc.type == "MessageNotExist":
                raise TimeoutError(f"no task ended within {self.wait_seconds} s") from exc
            raise
        event = json.loads(message.message_body)
        content = json.loads(event["content"])
        self.queue.delete_message(message.receipt_handle)
        return content
