"""ListTasks (every filter, sort, order and pagination) and the 7-day retention, in-process with
freezegun and against a server process with the clock API."""

from __future__ import annotations

import json
import urllib.request

import oss2
import pytest
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException
from freezegun import freeze_time

from tests.helpers import media, raw_call, served, served_args

TYPE = "VideoLabelClassification"
DAY = 86400


@pytest.fixture
def setup(imm_emulator, imm_client):
    imm_client.create_project(m.CreateProjectRequest(project_name="p"))
    uri = imm_emulator.put_object("media", "v.mp4", media("mp4_h264_aac.mp4"))
    return imm_emulator, imm_client, uri


def create(client, uri: str, **extra) -> str:
    request = m.CreateVideoLabelClassificationTaskRequest(project_name="p", source_uri=uri, **extra)
    return client.create_video_label_classification_task(request).body.task_id


def listing(client, **kw) -> m.ListTasksResponseBody:
    return client.list_tasks(m.ListTasksRequest(project_name="p", **kw)).body


def walk(client, max_results: int, **kw) -> list[str]:
    seen, token = [], None
    while True:
        body = listing(client, max_results=max_results, next_token=token, **kw)
        assert body.max_results == str(len(body.tasks))
        seen += [t.task_id for t in body.tasks]
        token = body.next_token
        if not token:
            return seen


def test_sort_order_and_pagination(setup) -> None:
    emu, client, uri = setup
    emu.set_task_policy("manual")
    ids = []
    for _ in range(7):
        ids.append(create(client, uri))
        emu.clock.advance(1)
    by_id = sorted(ids)
    assert walk(client, 3) == by_id
    assert walk(client, 2, order="desc") == by_id[::-1]
    assert walk(client, 3, sort="StartTime") == ids
    assert walk(client, 4, sort="StartTime", order="DESC") == ids[::-1]
    for task_id in (ids[5], ids[1], ids[3]):
        emu.complete_task(task_id)
        emu.clock.advance(1)
    ended = walk(client, 2, sort="EndTime", status="Succeeded")
    assert ended == [ids[5], ids[1], ids[3]]
    assert listing(client).max_results == "7" and listing(client).next_token is None


def test_filters(setup) -> None:
    emu, client, uri = setup
    emu.set_task_policy("manual")
    with freeze_time("2026-03-01T00:00:00Z", tick=True) as frozen:
        early = create(client, uri, tags={"team": "a", "n": 1})
        emu.complete_task(early)
        frozen.tick(3600)
        late = create(client, uri, tags={"team": "b"})
        emu.fail_task(late, code="InternalError")
        running = create(client, uri, tags={"team": "a"})

        def ids(**kw) -> set[str]:
            return {t.task_id for t in listing(client, **kw).tasks}

        assert ids(status="Running") == {running}
        assert ids(status="Failed") == {late}
        assert ids(task_types=[TYPE]) == {early, late, running}
        assert ids(task_types=["MediaConvert"]) == set()
        assert ids(tag_selector="team=a") == {early, running}
        assert ids(tag_selector="team=a,n=1") == {early}
        assert ids(tag_selector="team") == {early, late, running}
        window = m.TimeRange(start="2026-03-01T00:00:00Z", end="2026-03-01T00:30:00Z")
        assert ids(start_time_range=window) == {early}
        assert ids(end_time_range=m.TimeRange(start="2026-03-01T00:59:00Z")) == {late}
        assert ids(start_time_range=m.TimeRange(start="2026-03-01T00:59:00Z"), status="Running") == {running}
        with_definition = listing(client, request_definition=True).tasks[0]
        assert json.loads(with_definition.task_request_definition)["ProjectName"] == "p"
        assert listing(client).tasks[0].task_request_definition is None


def test_page_tokens_survive_creates_and_expiry_between_pages(setup) -> None:
    emu, client, uri = setup
    emu.set_task_policy("instant")
    old = [create(client, uri) for _ in range(3)]
    emu.clock.advance(3 * DAY)
    new = [create(client, uri) for _ in range(3)]
    first = listing(client, max_results=2, sort="StartTime")
    assert [t.task_id for t in first.tasks] == old[:2]
    emu.clock.advance(4 * DAY)  # the old ones expire between the pages
    extra = create(client, uri)
    token, seen = first.next_token, []
    while token:
        body = listing(client, max_results=2, sort="StartTime", next_token=token)
        seen += [t.task_id for t in body.tasks]
        token = body.next_token
    assert seen == new + [extra]


@pytest.mark.parametrize(
    "kw",
    [
        {"sort": "Size"},
        {"order": "sideways"},
        {"status": "Done"},
        {"next_token": "garbage"},
        {"tag_selector": "=x"},
        {"start_time_range": m.TimeRange(start="yesterday")},
        {"max_results": 101},
    ],
)
def test_bad_list_parameters(setup, kw) -> None:
    _, client, _ = setup
    with pytest.raises(ClientException) as caught:
        listing(client, **kw)
    assert caught.value.code == "InvalidArgument" and caught.value.status_code == 400


def test_token_from_another_sort_is_refused(setup) -> None:
    emu, client, uri = setup
    for _ in range(3):
        create(client, uri)
    token = listing(client, max_results=1).next_token
    with pytest.raises(ClientException):
        listing(client, max_results=1, next_token=token, sort="StartTime")


def test_list_needs_the_project(imm_client) -> None:
    with pytest.raises(ClientException) as caught:
        imm_client.list_tasks(m.ListTasksRequest(project_name="ghost"))
    assert caught.value.code == "ResourceNotFound"


def test_retention_exactly_seven_days_with_freezegun(setup) -> None:
    emu, client, uri = setup
    emu.set_task_policy("instant")
    with freeze_time("2026-05-01T12:00:00Z") as frozen:
        task_id = create(client, uri)
        frozen.tick(7 * DAY - 0.001)
        request = m.GetTaskRequest(project_name="p", task_id=task_id, task_type=TYPE)
        assert client.get_task(request).body.status == "Succeeded"
        frozen.tick(0.001)
        with pytest.raises(ClientException) as caught:
            client.get_task(request)
        assert caught.value.code == "ResourceNotFound"
        assert listing(client).tasks == []
        result = m.GetVideoLabelClassificationResultRequest(project_name="p", task_id=task_id, task_type=TYPE)
        with pytest.raises(ClientException):
            client.get_video_label_classification_result(result)
    store = emu.runtime.store
    assert all(
        store.count(kind, emu.account()) == 0
        for kind in ("task", "task_start", "task_by_start", "task_by_end")
    )


def test_retention_with_the_clock_api_against_a_server(backend) -> None:
    with served("--task-duration", "instant", *served_args(backend)) as (_, url):
        address = url.removeprefix("http://")
        raw_call(address, "CreateProject", {"ProjectName": "p"})
        bucket = oss2.Bucket(oss2.Auth("test-access-key-id", "test-access-key-secret"), url, "media")
        bucket.create_bucket()
        bucket.put_object_from_file("v.mp4", str(media("mp4_h264_aac.mp4")))
        created = raw_call(
            address,
            "CreateVideoLabelClassificationTask",
            {"ProjectName": "p", "SourceURI": "oss://media/v.mp4"},
        )
        task_id = created["body"]["TaskId"]
        query = {"ProjectName": "p", "TaskId": task_id, "TaskType": TYPE}

        def advance(seconds: float) -> None:
            body = json.dumps({"advance": seconds}).encode()
            urllib.request.urlopen(
                urllib.request.Request(
                    f"{url}/_emulator/clock",
                    data=body,
                    method="POST",
                    headers={"Content-Type": "application/json"},
                )
            )

        advance(7 * DAY - 1)
        assert raw_call(address, "GetTask", query)["body"]["Status"] == "Succeeded"
        advance(1)
        with pytest.raises(ClientException) as caught:
            raw_call(address, "GetTask", query)
        assert caught.value.code == "ResourceNotFound"


def test_expiry_is_per_account_clock(setup) -> None:
    from tests.helpers import OTHER_KEY

    emu, client, uri = setup
    emu.set_task_policy("instant")
    other = emu.client(*OTHER_KEY)
    other.create_project(m.CreateProjectRequest(project_name="p"))
    emu.put_object("media", "v.mp4", media("mp4_h264_aac.mp4"), access_key_id=OTHER_KEY[0])
    mine, theirs = create(client, uri), create(other, uri)
    emu.clock.advance(8 * DAY, account=emu.account(OTHER_KEY[0]))
    assert [t.task_id for t in listing(client).tasks] == [mine]
    assert other.list_tasks(m.ListTasksRequest(project_name="p")).body.tasks == []
    assert theirs
