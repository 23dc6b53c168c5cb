"""One handle suite, run against both handles: ``Emulator`` in-process and ``RemoteEmulator`` over a
served process. Same calls, same return types (``imm_emulator.interface.EmulatorHandle``)."""

from __future__ import annotations

import pytest
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

from imm_emulator import Emulator
from imm_emulator.faults import FaultRule
from imm_emulator.interface import EmulatorHandle
from imm_emulator.remote import RemoteEmulator
from tests.helpers import media, served

KEY = ("handle-key", "handle-secret")


@pytest.fixture(scope="module", params=["in-process", "remote"])
def handle(request):
    if request.param == "in-process":
        with Emulator() as emu:
            yield emu
        return
    with served() as (_, url):
        yield RemoteEmulator(url)


@pytest.fixture
def mine(handle: EmulatorHandle) -> EmulatorHandle:
    """The handle with a test key of its own account, state reset."""
    handle.register_key(*KEY)
    handle.reset(KEY[0])
    return handle


def test_both_handles_are_emulator_handles(handle) -> None:
    assert isinstance(handle, EmulatorHandle)
    assert handle.is_emulator and handle.shared == isinstance(handle, RemoteEmulator)
    assert handle.endpoint.endswith(handle.address) and handle.region == "cn-hangzhou"


def test_faults_add_answers_a_fault_rule(mine) -> None:
    rule = mine.faults.add(KEY[0], action="ListProjects", kind="error", code="InternalError", times=1)
    assert isinstance(rule, FaultRule) and rule.id and rule["id"] == rule.id and rule.times == 1
    assert [f["id"] for f in mine.faults.list(KEY[0])] == [rule.id]
    with pytest.raises(Exception) as caught:
        mine.client(*KEY).list_projects(m.ListProjectsRequest())
    assert getattr(caught.value, "code", None) == "InternalError"
    mine.faults.clear(KEY[0])
    assert mine.faults.list(KEY[0]) == []


def test_tasks_labels_notifications_and_the_clock(mine) -> None:
    client = mine.client(*KEY)
    client.create_project(m.CreateProjectRequest(project_name="p"))
    uri = mine.put_object("media", "v.mp4", media("mp4_h264_aac.mp4"), access_key_id=KEY[0])
    assert uri == "oss://media/v.mp4"
    mine.set_task_policy("manual", access_key_id=KEY[0])
    mine.set_labels("oss://media/*", ["猫"], access_key_id=KEY[0])
    task_id = client.create_video_label_classification_task(
        m.CreateVideoLabelClassificationTaskRequest(
            project_name="p",
            source_uri=uri,
            notification=m.Notification(mns=m.MNS(topic_name="t")),
        )
    ).body.task_id
    ended = mine.complete_task(task_id, access_key_id=KEY[0])
    assert ended == {"TaskId": task_id, "Status": "Succeeded", "Code": "", "Message": ""}
    result = client.get_video_label_classification_result(
        m.GetVideoLabelClassificationResultRequest(
            project_name="p", task_id=task_id, task_type="VideoLabelClassification"
        )
    ).body
    assert "猫" in [label.label_name for label in result.labels]
    found = mine.notifications.wait(1, 5.0, access_key_id=KEY[0], task_id=task_id)
    assert found and all(n["task_id"] == task_id for n in found)
    clock = mine.clock_for(KEY[0])
    before = clock.now()
    clock.advance(3600)
    assert clock.now() - before >= 3600
    mine.clear_labels(KEY[0])
    mine.reset(KEY[0])
    with pytest.raises(ClientException):
        client.get_project(m.GetProjectRequest(project_name="p"))


def test_the_journal_names_the_test(mine) -> None:
    mine.set_test("handles::journal", KEY[0])
    mine.client(*KEY).list_projects(m.ListProjectsRequest())
    entries = mine.requests.list(KEY[0], test="handles::journal")
    assert [e["action"] for e in entries] == ["ListProjects"]
    mine.set_test(None, KEY[0])
    mine.requests.clear(KEY[0])
    assert mine.requests.list(KEY[0]) == []
