"""Parallel clients, on both backends and both HTTP servers: no lost update, no duplicated TaskId,
no torn ListTasks page."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

from imm_emulator import Emulator
from tests.helpers import media

TYPE = "VideoLabelClassification"


@pytest.fixture(params=["memory", "sqlite", "sqlite+waitress"])
def emu(request, tmp_path):
    data_dir = str(tmp_path / "data") if request.param.startswith("sqlite") else ""
    server = "waitress" if request.param.endswith("waitress") else "werkzeug"
    if server == "waitress":
        pytest.importorskip("waitress")
    with Emulator(data_dir=data_dir, task_duration="instant", server=server) as emulator:
        emulator.client().create_project(m.CreateProjectRequest(project_name="p"))
        emulator.put_object("media", "v.mp4", media("mp4_h264_aac.mp4"))
        yield emulator


def test_parallel_creates_and_lists(emu) -> None:
    def create(_: int) -> str:
        client = emu.client()
        return client.create_video_label_classification_task(
            m.CreateVideoLabelClassificationTaskRequest(project_name="p", source_uri="oss://media/v.mp4")
        ).body.task_id

    def walk(_: int) -> list[str]:
        client, seen, token = emu.client(), [], None
        while True:
            body = client.list_tasks(
                m.ListTasksRequest(project_name="p", max_results=7, next_token=token)
            ).body
            assert body.max_results == str(len(body.tasks))
            seen += [t.task_id for t in body.tasks]
            token = body.next_token
            if not token:
                return seen

    with ThreadPoolExecutor(8) as pool:
        creates = [pool.submit(create, i) for i in range(80)]
        walks = [pool.submit(walk, i) for i in range(8)]
        ids = [f.result() for f in creates]
        for future in walks:
            seen = future.result()
            assert len(seen) == len(set(seen)) and seen == sorted(seen)  # never torn or repeated
    assert len(set(ids)) == 80
    assert sorted(walk(0)) == sorted(ids)


def test_no_lost_updates_on_fault_counters_and_poll_counts(emu) -> None:
    emu.faults.add(action="GetProject", code="InternalError", times=25)

    def call(_: int) -> str:
        try:
            emu.client().get_project(m.GetProjectRequest(project_name="p"))
            return "ok"
        except Exception as exc:  # noqa: BLE001
            return getattr(exc, "code", "?")

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(call, range(60)))
    assert outcomes.count("InternalError") == 25 and outcomes.count("ok") == 35


def test_parallel_updates_keep_every_project(emu) -> None:
    def work(i: int) -> None:
        client = emu.client()
        client.create_project(m.CreateProjectRequest(project_name=f"x{i}"))
        client.update_project(m.UpdateProjectRequest(project_name=f"x{i}", description=f"d{i}"))
        try:
            client.create_project(m.CreateProjectRequest(project_name="shared"))
        except ClientException as exc:
            assert exc.code == "ResourceAlreadyExists"

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(40)))
    listed = emu.client().list_projects(m.ListProjectsRequest(max_results=200)).body.projects
    by_name = {p.project_name: p.description for p in listed}
    assert all(by_name[f"x{i}"] == f"d{i}" for i in range(40)) and "shared" in by_name
