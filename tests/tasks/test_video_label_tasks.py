"""Video label classification through the real SDK clients: the whole flow under each task policy,
failure paths, GetTask, notifications and label overrides."""

from __future__ import annotations

import json
import urllib.request

import oss2
import pytest
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

from imm_emulator.contract import validate
from tests.helpers import OTHER_KEY, media

VIDEO = "mp4_h264_aac.mp4"
TYPE = "VideoLabelClassification"


@pytest.fixture
def project(imm_client) -> str:
    imm_client.create_project(m.CreateProjectRequest(project_name="labels"))
    return "labels"


@pytest.fixture
def video(imm_emulator) -> str:
    """Uploaded the way user code does: with an OSS client."""
    bucket = imm_emulator.oss2_bucket("media")
    bucket.create_bucket()
    bucket.put_object_from_file("videos/clip.mp4", str(media(VIDEO)))
    return "oss://media/videos/clip.mp4"


def create(client, project: str, uri: str, **extra) -> m.CreateVideoLabelClassificationTaskResponseBody:
    request = m.CreateVideoLabelClassificationTaskRequest(project_name=project, source_uri=uri, **extra)
    return client.create_video_label_classification_task(request).body


def result(client, project: str, task_id: str) -> m.GetVideoLabelClassificationResultResponseBody:
    request = m.GetVideoLabelClassificationResultRequest(
        project_name=project, task_id=task_id, task_type=TYPE
    )
    return client.get_video_label_classification_result(request).body


def get_task(client, project: str, task_id: str, **extra) -> m.GetTaskResponseBody:
    return client.get_task(
        m.GetTaskRequest(project_name=project, task_id=task_id, task_type=TYPE, **extra)
    ).body


def check_hierarchy(labels: list[dict]) -> None:
    by_name = {label["LabelName"]: label for label in labels}
    assert labels, "a video gets labels"
    for label in labels:
        assert 1 <= label["LabelLevel"] <= 3 and label["Language"] == "zh-Hans"
        assert 0 <= label["LabelConfidence"] <= 1 and 0 <= label["CentricScore"] <= 1
        if label["LabelLevel"] == 1:
            assert label["ParentLabelName"] == ""
        else:
            parent = by_name[label["ParentLabelName"]]
            assert parent["LabelLevel"] == label["LabelLevel"] - 1


def test_flow_polls_running_then_succeeded(imm_client, project, video) -> None:
    created = create(imm_client, project, video, user_data='{"job": 1}', tags={"env": "ci", "n": 1})
    assert created.task_id.startswith("VideoLabelClassification-") and created.event_id
    first = result(imm_client, project, created.task_id)
    assert first.status == "Running" and not first.labels and first.end_time is None
    second = result(imm_client, project, created.task_id)
    assert second.status == "Succeeded" and (second.code, second.message) == ("", "")
    assert second.user_data == '{"job": 1}' and second.event_id == created.event_id
    assert second.start_time <= second.end_time
    labels = [label.to_map() for label in second.labels]
    check_hierarchy(labels)
    for label in labels:
        for clip in label["Clips"]:
            start, end = clip["TimeRange"]
            assert 0 <= start < end <= 2100  # the fixture lasts about 2 s; ranges are milliseconds
    task = get_task(imm_client, project, created.task_id)
    assert (task.status, task.progress, task.tags) == ("Succeeded", 100, {"env": "ci", "n": 1})
    assert task.task_request_definition is None


def test_same_bytes_same_labels(imm_emulator, imm_client, project, video) -> None:
    imm_emulator.set_task_policy("instant")
    again = imm_emulator.put_object("media", "copy/clip.mp4", media(VIDEO))
    first, second = (create(imm_client, project, uri).task_id for uri in (video, again))
    one, two = (result(imm_client, project, t).labels for t in (first, second))
    assert [x.to_map() for x in one] == [x.to_map() for x in two]


def test_instant_policy(imm_emulator, imm_client, project, video) -> None:
    imm_emulator.set_task_policy("instant")
    task_id = create(imm_client, project, video).task_id
    task = get_task(imm_client, project, task_id)
    assert task.status == "Succeeded" and task.start_time == task.end_time


def test_manual_policy_in_process_and_over_http(imm_emulator, imm_client, project, video) -> None:
    imm_emulator.set_task_policy("manual")
    first, second = (create(imm_client, project, video).task_id for _ in range(2))
    for _ in range(5):
        assert get_task(imm_client, project, first).status == "Running"
    imm_emulator.complete_task(first)
    assert get_task(imm_client, project, first).status == "Succeeded"
    body = json.dumps({"code": "InternalError", "message": "encoder crashed"}).encode()
    request = urllib.request.Request(
        f"{imm_emulator.endpoint}/_emulator/tasks/{second}/fail",
        data=body,
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    assert json.load(urllib.request.urlopen(request))["Status"] == "Failed"
    failed = result(imm_client, project, second)
    assert (failed.status, failed.code, failed.message) == ("Failed", "InternalError", "encoder crashed")
    assert failed.labels is None or failed.labels == []
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    assert caught.value.code == 409


def test_seconds_policy_advances_with_the_clock(imm_emulator, imm_client, project, video) -> None:
    imm_emulator.set_task_policy("30")
    task_id = create(imm_client, project, video).task_id
    imm_emulator.clock.advance(15)
    running = get_task(imm_client, project, task_id)
    assert running.status == "Running" and 45 <= running.progress <= 55
    imm_emulator.clock.advance(15)
    done = get_task(imm_client, project, task_id)
    assert done.status == "Succeeded"


def test_auto_policy_takes_longer_for_longer_videos(imm_emulator, imm_client, project) -> None:
    imm_emulator.set_task_policy("auto")
    imm_emulator.clock.freeze()  # only the advances below move time: a slow machine must not
    short = imm_emulator.put_object("media", "short.mp4", media("doc_sample_1080p60.mp4"))  # 1 s
    long = imm_emulator.put_object("media", "long.mkv", media("mkv_h264_aac.mkv"))  # 2 s
    ids = {uri: create(imm_client, project, uri).task_id for uri in (short, long)}
    imm_emulator.clock.advance(3.0 + 0.2 * 1.0 + 0.01)
    assert get_task(imm_client, project, ids[short]).status == "Succeeded"
    assert get_task(imm_client, project, ids[long]).status == "Running"
    imm_emulator.clock.advance(0.3)
    assert get_task(imm_client, project, ids[long]).status == "Succeeded"


def test_ticker_ends_due_tasks_and_notifies_without_reads(imm_emulator, imm_client, project, video) -> None:
    imm_emulator.set_task_policy("5")
    task_id = create(
        imm_client, project, video, notification=m.Notification(mns=m.MNS(topic_name="t"))
    ).task_id
    imm_emulator.clock.advance(6)
    sent = imm_emulator.notifications.wait(count=2, timeout=5, task_id=task_id)
    assert {entry["channel"] for entry in sent} == {"MNS", "EventBridge"}


@pytest.mark.parametrize(
    ("uri_of", "code", "words"),
    [
        (lambda emu: "oss://media/missing.mp4", "ResourceNotFound", "object"),
        (
            lambda emu: emu.put_object("media", "notes.txt", b"just some text, not a video"),
            "InvalidArgument",
            "not a media file",
        ),
        (
            lambda emu: emu.put_object("media", "song.m4a", media("audio.m4a")),
            "InvalidArgument",
            "only audio",
        ),
        (
            lambda emu: emu.put_object("media", "cut.mp4", media(VIDEO).read_bytes()[:3000]),
            "InvalidArgument",
            "",
        ),
        (lambda emu: "oss://no-such-bucket/v.mp4", "ResourceNotFound", "bucket"),
    ],
)
def test_bad_inputs_end_failed_but_create_succeeds(
    imm_emulator, imm_client, project, uri_of, code, words
) -> None:
    imm_emulator.oss2_bucket("media").create_bucket()
    task_id = create(imm_client, project, uri_of(imm_emulator)).task_id
    assert result(imm_client, project, task_id).status == "Running"
    failed = result(imm_client, project, task_id)
    assert failed.status == "Failed" and failed.code == code and words in failed.message, failed.to_map()


def test_create_errors(imm_client, project, video) -> None:
    with pytest.raises(ClientException) as caught:
        create(imm_client, "ghost", video)
    assert (caught.value.code, caught.value.status_code) == ("ResourceNotFound", 404)
    with pytest.raises(ClientException) as caught:
        create(imm_client, project, "https://example.com/v.mp4")
    assert caught.value.code == "InvalidArgument"
    with pytest.raises(ClientException) as caught:
        create(imm_client, project, video, user_data="x" * 2049)
    assert caught.value.code == "InvalidArgument"
    create(imm_client, project, video, user_data="x" * 2048)
    with pytest.raises(ClientException) as caught:
        imm_client.create_video_label_classification_task(
            m.CreateVideoLabelClassificationTaskRequest(project_name=project)
        )
    assert caught.value.code == "MissingSourceURI"


def test_wrong_task_type_or_id_is_not_found(imm_client, project, video) -> None:
    task_id = create(imm_client, project, video).task_id
    for request in (
        m.GetTaskRequest(project_name=project, task_id=task_id, task_type="MediaConvert"),
        m.GetTaskRequest(project_name=project, task_id="VideoLabelClassification-nope", task_type=TYPE),
    ):
        with pytest.raises(ClientException) as caught:
            imm_client.get_task(request)
        assert caught.value.code == "ResourceNotFound"
        assert caught.value.data["Message"] == "The specified resource task is not found."


def test_get_task_with_request_definition(imm_client, project, video) -> None:
    task_id = create(imm_client, project, video, user_data="u", tags={"a": "b"}).task_id
    task = get_task(imm_client, project, task_id, request_definition=True)
    assert json.loads(task.task_request_definition) == {
        "ProjectName": project,
        "SourceURI": video,
        "UserData": "u",
        "Tags": {"a": "b"},
    }
    assert task.progress == 50  # polls:2, read once


def test_notification_messages(imm_emulator, imm_client, project, video) -> None:
    imm_emulator.set_task_policy("instant")
    notification = m.Notification(
        mns=m.MNS(topic_name="imm-topic"), rocket_mq=m.RocketMQ(instance_id="rmq-1", topic_name="rmq-topic")
    )
    created = create(imm_client, project, video, user_data="ud", notification=notification)
    sent = imm_emulator.notifications.wait(count=3, task_id=created.task_id)
    assert [e["channel"] for e in sent] == ["MNS", "RocketMQ", "EventBridge"]
    mns, rocket, event = (e["message"] for e in sent)
    assert mns == rocket and sent[0]["topic"] == "imm-topic" and sent[1]["instance"] == "rmq-1"
    assert (mns["id"], mns["source"], mns["type"]) == (
        created.event_id,
        "acs.imm",
        "imm:Task:VideoLabelClassification",
    )
    assert (
        mns["subject"]
        == f"acs:imm:cn-hangzhou:{imm_emulator.account()}:{project}/imm:Task:VideoLabelClassification"
    )
    assert mns["time"].isdigit() and len(mns["time"]) == 13
    content = json.loads(mns["content"])
    answer = result(imm_client, project, created.task_id)
    assert (
        content["TaskId"] == created.task_id
        and content["Status"] == "Succeeded"
        and content["UserData"] == "ud"
    )
    assert content["Labels"] == [label.to_map() for label in answer.labels]
    assert (content["StartTime"], content["EndTime"]) == (answer.start_time, answer.end_time)
    assert event["specversion"] == "1.0" and event["data"] == content
    for entry in sent:
        assert validate("notification", entry["message"], strict=True) == []


def test_notifications_over_http_and_per_account(imm_emulator, imm_client, project, video) -> None:
    imm_emulator.set_task_policy("instant")
    create(imm_client, project, video)
    url = f"{imm_emulator.endpoint}/_emulator/notifications?wait=2&count=1"
    assert len(json.load(urllib.request.urlopen(url))["notifications"]) == 1
    mine = f"{imm_emulator.endpoint}/_emulator/notifications?account={OTHER_KEY[0]}"
    assert json.load(urllib.request.urlopen(mine))["notifications"] == []
    with pytest.raises(TimeoutError):
        imm_emulator.notifications.wait(count=5, timeout=0.2)


def test_label_overrides(imm_emulator, imm_client, project, video) -> None:
    imm_emulator.set_task_policy("instant")
    imm_emulator.set_labels(
        video, ["月亮", {"LabelName": "蓝色", "LabelConfidence": 0.9, "CentricScore": 0.7}]
    )
    labels = {
        label.label_name: label.to_map()
        for label in result(imm_client, project, create(imm_client, project, video).task_id).labels
    }
    assert {"月亮", "蓝色", "颜色", "自然景观"} <= set(labels)
    assert labels["蓝色"]["LabelConfidence"] == 0.9 and labels["蓝色"]["ParentLabelName"] == "颜色"
    check_hierarchy(list(labels.values()))
    glob_uri = imm_emulator.put_object("media", "cats/a.mp4", media(VIDEO))
    body = json.dumps({"uri": "oss://media/cats/*", "labels": ["天空"]}).encode()
    urllib.request.urlopen(
        urllib.request.Request(
            f"{imm_emulator.endpoint}/_emulator/labels",
            data=body,
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
    )
    names = {
        label.label_name
        for label in result(imm_client, project, create(imm_client, project, glob_uri).task_id).labels
    }
    assert "天空" in names and "月亮" not in names
    with pytest.raises(Exception) as caught:
        imm_emulator.set_labels(video, ["不存在的标签xyz"])
    assert "不存在的标签xyz" in str(caught.value)


def test_sidecar_labels_next_to_a_mounted_video(tmp_path, backend) -> None:
    from imm_emulator import Emulator

    (tmp_path / "v.mp4").write_bytes(media(VIDEO).read_bytes())
    (tmp_path / "v.mp4.labels.json").write_text(json.dumps(["网页", {"LabelName": "插画"}]), encoding="utf-8")
    with Emulator(mounts=[f"mounted={tmp_path}"], task_duration="instant", **backend) as emu:
        client = emu.client()
        client.create_project(m.CreateProjectRequest(project_name="p"))
        task_id = create(client, "p", "oss://mounted/v.mp4").task_id
        names = {label.label_name for label in result(client, "p", task_id).labels}
        assert {"网页", "插画"} <= names


def test_injected_task_failure(imm_emulator, imm_client, project, video) -> None:
    imm_emulator.faults.add(
        action="CreateVideoLabelClassificationTask",
        kind="task_failure",
        code="ResourceExhausted",
        message="no GPUs left",
        uri="oss://media/*",
    )
    task_id = create(imm_client, project, video).task_id
    result(imm_client, project, task_id)
    failed = result(imm_client, project, task_id)
    assert (failed.status, failed.code, failed.message) == ("Failed", "ResourceExhausted", "no GPUs left")
    other = create(imm_client, project, video).task_id
    result(imm_client, project, other)
    assert result(imm_client, project, other).status == "Succeeded"


def test_deleting_the_project_takes_its_tasks(imm_emulator, imm_client, project, video) -> None:
    task_id = create(imm_client, project, video).task_id
    imm_client.delete_project(m.DeleteProjectRequest(project_name=project))
    imm_client.create_project(m.CreateProjectRequest(project_name=project))
    with pytest.raises(ClientException):
        get_task(imm_client, project, task_id)


def test_upload_through_oss2_with_v1_signature(imm_emulator, imm_client, project) -> None:
    bucket = imm_emulator.oss2_bucket("v1-media", signature="v1")
    bucket.create_bucket()
    oss2.resumable_upload(
        bucket,
        "big/clip.mkv",
        str(media("mkv_h264_aac.mkv")),
        multipart_threshold=100 * 1024,
        part_size=100 * 1024,
    )
    imm_emulator.set_task_policy("instant")
    assert (
        result(imm_client, project, create(imm_client, project, "oss://v1-media/big/clip.mkv").task_id).status
        == "Succeeded"
    )
