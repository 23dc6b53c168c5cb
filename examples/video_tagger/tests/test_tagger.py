"""The application's tests, run against imm-emulator through its pytest plugin."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from alibabacloud_tea_openapi.exceptions import ThrottlingException
from tagger import ResultConsumer, TaggingFailed

SAMPLE = str(Path(str(resources.files("imm_emulator.fixtures"))) / "media" / "mp4_h264_aac.mp4")


def test_running_then_succeeded_by_polling(tagger, imm_emulator) -> None:
    uri = tagger.upload("clips/a.mp4", SAMPLE)
    task_id = tagger.start(uri, tags={"source": "example"})
    labels = tagger.wait(task_id)  # the fixture's default: Running on the first poll, Succeeded on the second
    assert labels and tagger.top_labels(labels)
    polls = imm_emulator.requests.list(imm_emulator.access_key_id, action="GetVideoLabelClassificationResult")
    assert [entry["status"] for entry in polls] == [200, 200]


@pytest.mark.imm_labels("oss://uploads/cats/*", ["猫", "宠物"])
def test_known_labels_for_a_known_video(tagger) -> None:
    labels = tagger.wait(tagger.start(tagger.upload("cats/tom.mp4", SAMPLE)))
    assert {"猫", "宠物"} <= {label["LabelName"] for label in labels}


def test_a_video_that_is_not_a_video_fails(tagger) -> None:
    tagger.bucket.put_object("notes/readme.mp4", b"this is text with a video's name")
    with pytest.raises(TaggingFailed) as caught:
        tagger.wait(tagger.start("oss://uploads/notes/readme.mp4"))
    assert caught.value.code == "InvalidArgument"


@pytest.mark.imm_fault(action="GetVideoLabelClassificationResult", kind="throttle", times=2, retry_after=1)
def test_throttling_is_retried(tagger) -> None:
    labels = tagger.wait(tagger.start(tagger.upload("clips/b.mp4", SAMPLE)))
    assert labels


@pytest.mark.imm_fault(action="CreateVideoLabelClassificationTask", kind="throttle", times=10)
def test_persistent_throttling_surfaces(tagger) -> None:
    with pytest.raises(ThrottlingException):
        tagger.start(tagger.upload("clips/c.mp4", SAMPLE))


@pytest.mark.imm_task_policy("instant")
def test_results_are_gone_after_seven_days(tagger, imm_clock) -> None:
    task_id = tagger.start(tagger.upload("clips/d.mp4", SAMPLE))
    imm_clock.advance(7 * 86400 - 60)
    assert tagger.still_known(task_id)
    imm_clock.advance(60)
    assert not tagger.still_known(task_id)


@pytest.mark.imm_task_policy("manual")
def test_a_task_the_service_fails(tagger, imm_emulator) -> None:
    task_id = tagger.start(tagger.upload("clips/e.mp4", SAMPLE))
    imm_emulator.fail_task(
        task_id, code="InternalError", message="transcoder crashed", access_key_id=imm_emulator.access_key_id
    )
    with pytest.raises(TaggingFailed, match="transcoder crashed"):
        tagger.wait(task_id)


def test_results_arrive_on_the_mns_queue(tagger, imm_emulator) -> None:
    queue = imm_emulator.mns_queue_subscription("imm-tasks", "tagger-results")
    consumer = ResultConsumer(queue, wait_seconds=5)
    task_id = tagger.start(tagger.upload("clips/c.mp4", SAMPLE), topic="imm-tasks")
    tagger.wait(task_id)  # the task ends when polled; its notification is published then
    result = consumer.next_result()
    assert (result["TaskId"], result["Status"]) == (task_id, "Succeeded") and result["Labels"]
    with pytest.raises(TimeoutError):
        ResultConsumer(queue, wait_seconds=0).next_result()  # read once, deleted
