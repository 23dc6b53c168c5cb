"""--data-dir: everything survives a restart; tasks continue from the persisted clock."""

from __future__ import annotations

import oss2
from alibabacloud_imm20200930 import models as m

from imm_emulator import Emulator
from tests.helpers import media, raw_call, served

TYPE = "VideoLabelClassification"


def test_restart_keeps_projects_tasks_results_objects_clock_and_outbox(tmp_path) -> None:
    data = tmp_path / "state"
    video = media("mp4_h264_aac.mp4").read_bytes()
    with Emulator(data_dir=str(data), task_duration="60") as emu:
        client = emu.client()
        client.create_project(m.CreateProjectRequest(project_name="keep", description="kept"))
        bucket = emu.oss2_bucket("media")
        bucket.create_bucket()
        bucket.put_object("v.mp4", video, headers={"x-oss-meta-k": "v"})
        request = m.CreateVideoLabelClassificationTaskRequest(
            project_name="keep",
            source_uri="oss://media/v.mp4",
            notification=m.Notification(mns=m.MNS(topic_name="t")),
        )
        done = client.create_video_label_classification_task(request).body.task_id
        emu.clock.advance(61)
        result = client.get_video_label_classification_result(
            m.GetVideoLabelClassificationResultRequest(project_name="keep", task_id=done, task_type=TYPE)
        ).body
        assert result.status == "Succeeded"
        running = client.create_video_label_classification_task(request).body.task_id
        emu.clock.advance(30)
        labels = [label.to_map() for label in result.labels]
    with Emulator(data_dir=str(data), task_duration="60") as emu:
        client = emu.client()
        assert client.get_project(m.GetProjectRequest(project_name="keep")).body.project.description == "kept"
        got = emu.oss2_bucket("media").get_object("v.mp4")
        assert got.read() == video and got.headers["x-oss-meta-k"] == "v"
        again = client.get_video_label_classification_result(
            m.GetVideoLabelClassificationResultRequest(project_name="keep", task_id=done, task_type=TYPE)
        ).body
        assert [label.to_map() for label in again.labels] == labels
        task = m.GetTaskRequest(project_name="keep", task_id=running, task_type=TYPE)
        assert client.get_task(task).body.status == "Running"
        assert 45 <= client.get_task(task).body.progress <= 55  # the clock went on from +91 s
        emu.clock.advance(30)
        assert client.get_task(task).body.status == "Succeeded"
        assert len(emu.notifications.list(channel="MNS")) == 2


def test_serve_with_data_dir_flag(tmp_path) -> None:
    with served("--data-dir", str(tmp_path / "d")) as (_, url):
        raw_call(url.removeprefix("http://"), "CreateProject", {"ProjectName": "p"})
        bucket = oss2.Bucket(oss2.Auth("test-access-key-id", "test-access-key-secret"), url, "bkt")
        bucket.create_bucket()
        bucket.put_object("k", b"bytes")
    with served("--data-dir", str(tmp_path / "d")) as (_, url):
        assert raw_call(url.removeprefix("http://"), "GetProject", {"ProjectName": "p"})["statusCode"] == 200
        bucket = oss2.Bucket(oss2.Auth("test-access-key-id", "test-access-key-secret"), url, "bkt")
        assert bucket.get_object("k").read() == b"bytes"
    assert (tmp_path / "d" / "state.sqlite3").exists() and (tmp_path / "d" / "blobs").is_dir()


def test_expired_tasks_are_purged_on_start(tmp_path) -> None:
    data = str(tmp_path / "s")
    with Emulator(data_dir=data, task_duration="instant") as emu:
        client = emu.client()
        client.create_project(m.CreateProjectRequest(project_name="p"))
        uri = emu.put_object("media", "v.mp4", media("mp4_h264_aac.mp4"))
        client.create_video_label_classification_task(
            m.CreateVideoLabelClassificationTaskRequest(project_name="p", source_uri=uri)
        )
        emu.clock.advance(8 * 86400)  # persisted; nobody reads before the restart
    with Emulator(data_dir=data) as emu:
        assert emu.runtime.store.count("task", emu.account()) == 0
