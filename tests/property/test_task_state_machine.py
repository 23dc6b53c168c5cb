"""A hypothesis state machine over the task lifecycle: create, poll, advance the clock, list, expire.

Invariants: no task is lost before its expiry, none is visible after it, pagination never repeats or
skips a task, and every label set is a consistent hierarchy.
"""

from __future__ import annotations

import pytest
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from imm_emulator import Emulator
from tests.helpers import media

DAY = 86400
RETENTION = 7 * DAY
TYPE = "VideoLabelClassification"


@pytest.fixture(scope="module")
def emulator():
    with Emulator(task_duration="polls:2") as emu:
        yield emu


class TaskLifecycle(RuleBasedStateMachine):
    emu: Emulator

    @initialize()
    def setup(self) -> None:
        self.emu.reset()
        self.emu.clock.freeze()  # emulated time moves only when a rule moves it: expiry is exact
        self.client = self.emu.client()
        self.client.create_project(m.CreateProjectRequest(project_name="sm"))
        self.uri = self.emu.put_object("media", "v.mp4", media("doc_sample_1080p60.mp4"))
        self.started: dict[str, float] = {}  # TaskId -> start, on the emulator clock

    def alive(self) -> set[str]:
        now = self.emu.clock.now()
        return {t for t, start in self.started.items() if now < start + RETENTION}

    @rule(policy=st.sampled_from(["instant", "polls:2", "manual", "60"]))
    def create(self, policy: str) -> None:
        self.emu.set_task_policy(policy)
        request = m.CreateVideoLabelClassificationTaskRequest(project_name="sm", source_uri=self.uri)
        task_id = self.client.create_video_label_classification_task(request).body.task_id
        self.started[task_id] = self.emu.clock.now()

    @precondition(lambda self: bool(self.started))
    @rule(data=st.data())
    def poll(self, data) -> None:
        task_id = data.draw(st.sampled_from(sorted(self.started)))
        request = m.GetVideoLabelClassificationResultRequest(
            project_name="sm", task_id=task_id, task_type=TYPE
        )
        try:
            body = self.client.get_video_label_classification_result(request).body
        except ClientException as exc:
            assert exc.code == "ResourceNotFound"
            assert task_id not in self.alive(), "a task vanished before its 7 days"
            return
        assert task_id in self.alive(), "a task was visible after its 7 days"
        if body.status == "Succeeded":
            labels = [label.to_map() for label in body.labels]
            names = {label["LabelName"]: label for label in labels}
            for label in labels:
                if label["LabelLevel"] > 1:
                    assert names[label["ParentLabelName"]]["LabelLevel"] == label["LabelLevel"] - 1
                else:
                    assert label["ParentLabelName"] == ""

    @precondition(lambda self: bool(self.started))
    @rule(data=st.data())
    def finish_by_hand(self, data) -> None:
        task_id = data.draw(st.sampled_from(sorted(self.started)))
        try:
            self.emu.complete_task(task_id)
        except Exception:  # already ended or expired: both fine here
            pass

    @rule(seconds=st.sampled_from([1, 30, 3600, DAY, 3 * DAY, RETENTION - 1, 1]))
    def advance(self, seconds: int) -> None:
        self.emu.clock.advance(seconds)

    @rule(
        page=st.integers(min_value=1, max_value=4),
        sort=st.sampled_from(["TaskId", "StartTime", "EndTime"]),
        order=st.sampled_from(["asc", "desc"]),
    )
    def list_all(self, page: int, sort: str, order: str) -> None:
        seen, token = [], None
        while True:
            body = self.client.list_tasks(
                m.ListTasksRequest(
                    project_name="sm", max_results=page, sort=sort, order=order, next_token=token
                )
            ).body
            seen += [t.task_id for t in body.tasks]
            token = body.next_token
            if not token:
                break
        assert len(seen) == len(set(seen)), "pagination repeated a task"
        assert set(seen) == self.alive(), "pagination skipped a task, or showed an expired one"

    @invariant()
    def storage_holds_only_live_tasks(self) -> None:
        if hasattr(self, "client"):
            self.client.list_tasks(m.ListTasksRequest(project_name="sm"))  # reading purges the expired
            assert self.emu.runtime.store.count("task", self.emu.account()) == len(self.alive())


def test_task_lifecycle_state_machine(emulator) -> None:
    TaskLifecycle.emu = emulator
    runner = TaskLifecycle.TestCase
    runner.settings = settings(
        max_examples=25, stateful_step_count=25, deadline=None, suppress_health_check=list(HealthCheck)
    )
    runner().runTest()
