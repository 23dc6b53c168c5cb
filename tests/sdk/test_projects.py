"""Every project operation through the real clients over a real socket: alibabacloud-imm20200930
(sync and async, ACS3 and v2 signatures) and the legacy aliyun-python-sdk-imm."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.client import AcsClient
from aliyunsdkimm.request.v20200930 import (
    CreateProjectRequest,
    DeleteProjectRequest,
    GetProjectRequest,
    ListProjectsRequest,
    UpdateProjectRequest,
)
from freezegun import freeze_time

from tests.helpers import DEFAULT_KEY, OTHER_KEY

RFC3339_NANO_SHANGHAI = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?\+08:00$")
UPPER_UUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$")


def create(client, name: str, **fields) -> m.CreateProjectResponse:
    return client.create_project(m.CreateProjectRequest(project_name=name, **fields))


def test_create_project_defaults_and_fields(imm_client) -> None:
    resp = create(imm_client, "immtest")
    assert resp.status_code == 200
    body = resp.body.to_map()
    assert UPPER_UUID.match(body["RequestId"])
    project = body["Project"]
    assert project == {
        "ProjectName": "immtest",
        "Description": "",
        "ServiceRole": "AliyunIMMDefaultRole",
        "TemplateId": "",
        "ProjectQueriesPerSecond": 100,
        "EngineConcurrency": 100,
        "ProjectMaxDatasetCount": 1000000000,
        "DatasetMaxBindCount": 10,
        "DatasetMaxFileCount": 100000000,
        "DatasetMaxEntityCount": 10000000000,
        "DatasetMaxRelationCount": 100000000000,
        "DatasetMaxTotalFileSize": 90000000000000000,
        "DatasetCount": 0,
        "FileCount": 0,
        "TotalFileSize": 0,
        "Tags": [],
        "CreateTime": project["CreateTime"],
        "UpdateTime": project["CreateTime"],
    }
    assert RFC3339_NANO_SHANGHAI.match(project["CreateTime"])


def test_create_project_with_every_field(imm_client) -> None:
    tags = [
        m.CreateProjectRequestTag(key="env", value="ci 1"),
        m.CreateProjectRequestTag(key="team", value="媒体"),
    ]
    project = create(
        imm_client,
        "_full-project_1",
        description="描述 with spaces & symbols *~",
        service_role="MyRole",
        template_id="Official:AllFunction",
        project_max_dataset_count=5,
        dataset_max_bind_count=3,
        dataset_max_file_count=100,
        dataset_max_entity_count=7,
        dataset_max_relation_count=8,
        dataset_max_total_file_size=9,
        tag=tags,
    ).body.project
    assert project.description == "描述 with spaces & symbols *~"
    assert project.service_role == "MyRole"
    assert project.template_id == "Official:AllFunction"
    assert (project.project_max_dataset_count, project.dataset_max_bind_count) == (5, 3)
    assert (project.dataset_max_file_count, project.dataset_max_entity_count) == (100, 7)
    assert (project.dataset_max_relation_count, project.dataset_max_total_file_size) == (8, 9)
    assert [t.to_map() for t in project.tags] == [
        {"TagKey": "env", "TagValue": "ci 1"},
        {"TagKey": "team", "TagValue": "媒体"},
    ]
    again = imm_client.get_project(m.GetProjectRequest(project_name="_full-project_1", with_statistics=True))
    assert again.body.project.to_map() == project.to_map()


def test_create_twice_is_resource_already_exists(imm_client) -> None:
    create(imm_client, "dup")
    with pytest.raises(ClientException) as caught:
        create(imm_client, "dup")
    assert (caught.value.code, caught.value.status_code) == ("ResourceAlreadyExists", 400)
    assert caught.value.data["Message"] == "The specified resource project already exists."


@pytest.mark.parametrize("op", ["get", "update", "delete"])
def test_missing_project_is_resource_not_found(imm_client, op: str) -> None:
    request = {
        "get": lambda: imm_client.get_project(m.GetProjectRequest(project_name="ghost")),
        "update": lambda: imm_client.update_project(
            m.UpdateProjectRequest(project_name="ghost", description="x")
        ),
        "delete": lambda: imm_client.delete_project(m.DeleteProjectRequest(project_name="ghost")),
    }[op]
    with pytest.raises(ClientException) as caught:
        request()
    error = caught.value
    assert (error.code, error.status_code) == ("ResourceNotFound", 404)
    assert error.data["Message"] == "The specified resource project is not found."
    assert set(error.data) >= {"RequestId", "HostId", "Code", "Message", "Recommend"}
    assert error.data["HostId"] == "imm.cn-hangzhou.aliyuncs.com"
    assert error.request_id == error.data["RequestId"]


def test_update_project_changes_only_given_fields(imm_client) -> None:
    with freeze_time("2024-03-01T00:00:00Z", tick=True) as frozen:
        created = create(imm_client, "upd", description="before", dataset_max_bind_count=4).body.project
        frozen.tick(60)
        updated = imm_client.update_project(
            m.UpdateProjectRequest(
                project_name="upd", description="after", tag=[m.UpdateProjectRequestTag(key="k", value="v")]
            )
        ).body.project
    assert updated.description == "after"
    assert updated.dataset_max_bind_count == 4
    assert updated.service_role == created.service_role
    assert [t.to_map() for t in updated.tags] == [{"TagKey": "k", "TagValue": "v"}]
    assert updated.create_time == created.create_time
    assert updated.create_time.startswith("2024-03-01T08:00:0")  # the clock ticks: a loaded machine is slow
    assert updated.update_time.startswith("2024-03-01T08:01:0")
    assert (
        imm_client.get_project(m.GetProjectRequest(project_name="upd")).body.project.to_map()
        == updated.to_map()
    )


def test_delete_project(imm_client) -> None:
    create(imm_client, "gone")
    resp = imm_client.delete_project(m.DeleteProjectRequest(project_name="gone"))
    assert resp.status_code == 200 and UPPER_UUID.match(resp.body.request_id)
    with pytest.raises(ClientException):
        imm_client.get_project(m.GetProjectRequest(project_name="gone"))
    create(imm_client, "gone")  # the name is free again


def test_list_projects_paginates_in_name_order(imm_client) -> None:
    names = sorted(f"p{i:02d}" for i in range(7))
    for name in reversed(names):
        create(imm_client, name)
    seen, token, pages = [], None, 0
    while True:
        body = imm_client.list_projects(m.ListProjectsRequest(max_results=3, next_token=token)).body
        pages += 1
        seen += [p.project_name for p in body.projects]
        token = body.next_token
        if not token:
            break
    assert seen == names and pages == 3
    everything = imm_client.list_projects(m.ListProjectsRequest()).body
    assert [p.project_name for p in everything.projects] == names and everything.next_token is None
    assert len(imm_client.list_projects(m.ListProjectsRequest(max_results=0)).body.projects) == 7


def test_list_projects_default_page_is_100(imm_client) -> None:
    for i in range(101):
        create(imm_client, f"n{i:03d}")
    body = imm_client.list_projects(m.ListProjectsRequest()).body
    assert len(body.projects) == 100 and body.next_token
    rest = imm_client.list_projects(m.ListProjectsRequest(next_token=body.next_token)).body
    assert [p.project_name for p in rest.projects] == ["n100"]


def test_list_projects_token_survives_deletes_between_pages(imm_client) -> None:
    for name in "abcdef":
        create(imm_client, name)
    first = imm_client.list_projects(m.ListProjectsRequest(max_results=2)).body
    imm_client.delete_project(m.DeleteProjectRequest(project_name="c"))
    second = imm_client.list_projects(m.ListProjectsRequest(max_results=2, next_token=first.next_token)).body
    assert [p.project_name for p in first.projects + second.projects] == ["a", "b", "d", "e"]


def test_list_projects_prefix_and_tag_filter(imm_client) -> None:
    tag = m.CreateProjectRequestTag
    create(imm_client, "video-a", tag=[tag(key="env", value="prod"), tag(key="team", value="x")])
    create(imm_client, "video-b", tag=[tag(key="env", value="dev")])
    create(imm_client, "image-a", tag=[tag(key="env", value="prod")])

    def names(**kw) -> list[str]:
        return [p.project_name for p in imm_client.list_projects(m.ListProjectsRequest(**kw)).body.projects]

    assert names(prefix="video") == ["video-a", "video-b"]
    assert names(tag=[m.ListProjectsRequestTag(key="env", value="prod")]) == ["image-a", "video-a"]
    assert names(prefix="video", tag=[m.ListProjectsRequestTag(key="env", value="prod")]) == ["video-a"]
    assert names(tag=[m.ListProjectsRequestTag(key="team")]) == ["video-a"]
    assert names(prefix="nothing") == []
    filtered = imm_client.list_projects(
        m.ListProjectsRequest(max_results=1, tag=[m.ListProjectsRequestTag(key="env", value="prod")])
    ).body
    assert [p.project_name for p in filtered.projects] == ["image-a"]
    tail = imm_client.list_projects(
        m.ListProjectsRequest(
            max_results=1,
            next_token=filtered.next_token,
            tag=[m.ListProjectsRequestTag(key="env", value="prod")],
        )
    ).body
    assert [p.project_name for p in tail.projects] == ["video-a"] and tail.next_token is None


def test_bad_next_token_is_invalid_argument(imm_client) -> None:
    with pytest.raises(ClientException) as caught:
        imm_client.list_projects(m.ListProjectsRequest(next_token="not-a-token"))
    assert (caught.value.code, caught.value.status_code) == ("InvalidArgument", 400)


def test_async_client_covers_every_operation(imm_client) -> None:
    async def flow() -> list:
        c = imm_client
        created = await c.create_project_async(
            m.CreateProjectRequest(project_name="async-p", description="a b+c")
        )
        got = await c.get_project_async(m.GetProjectRequest(project_name="async-p", with_statistics=True))
        updated = await c.update_project_async(
            m.UpdateProjectRequest(project_name="async-p", description="d")
        )
        listed = await c.list_projects_async(m.ListProjectsRequest(prefix="async"))
        await c.delete_project_async(m.DeleteProjectRequest(project_name="async-p"))
        try:
            await c.get_project_async(m.GetProjectRequest(project_name="async-p"))
        except ClientException as exc:
            return [created, got, updated, listed, exc]
        return [created, got, updated, listed, None]

    created, got, updated, listed, missing = asyncio.run(flow())
    assert created.body.project.description == "a b+c" == got.body.project.description
    assert updated.body.project.description == "d"
    assert [p.project_name for p in listed.body.projects] == ["async-p"]
    assert missing is not None and missing.code == "ResourceNotFound" and missing.status_code == 404


def test_v2_signature_client_covers_every_operation(imm_emulator) -> None:
    c = imm_emulator.client(signature_algorithm="v2")
    create(c, "v2-p", tag=[m.CreateProjectRequestTag(key="k", value="v v")])
    assert c.get_project(m.GetProjectRequest(project_name="v2-p")).body.project.tags[0].tag_value == "v v"
    c.update_project(m.UpdateProjectRequest(project_name="v2-p", description="x y"))
    assert [p.description for p in c.list_projects(m.ListProjectsRequest()).body.projects] == ["x y"]
    c.delete_project(m.DeleteProjectRequest(project_name="v2-p"))
    with pytest.raises(ClientException) as caught:
        c.delete_project(m.DeleteProjectRequest(project_name="v2-p"))
    assert caught.value.code == "ResourceNotFound"


@pytest.fixture
def legacy(imm_emulator):
    client = AcsClient(*DEFAULT_KEY, "cn-hangzhou")

    def do(request, **params):
        request.set_endpoint(imm_emulator.address)
        for name, value in params.items():
            getattr(request, f"set_{name}")(value)
        return json.loads(client.do_action_with_exception(request))

    return do


def test_legacy_client_covers_every_operation(legacy) -> None:
    created = legacy(
        CreateProjectRequest.CreateProjectRequest(), ProjectName="legacy", Description="旧 client"
    )
    assert created["Project"]["Description"] == "旧 client"
    got = legacy(GetProjectRequest.GetProjectRequest(), ProjectName="legacy", WithStatistics=True)
    assert got["Project"]["ProjectName"] == "legacy"
    updated = legacy(UpdateProjectRequest.UpdateProjectRequest(), ProjectName="legacy", DatasetMaxBindCount=2)
    assert updated["Project"]["DatasetMaxBindCount"] == 2
    for name in ("legacy-2", "legacy-3"):
        legacy(CreateProjectRequest.CreateProjectRequest(), ProjectName=name)
    page = legacy(ListProjectsRequest.ListProjectsRequest(), MaxResults=2, Prefix="legacy")
    assert [p["ProjectName"] for p in page["Projects"]] == ["legacy", "legacy-2"]
    rest = legacy(ListProjectsRequest.ListProjectsRequest(), NextToken=page["NextToken"], Prefix="legacy")
    assert [p["ProjectName"] for p in rest["Projects"]] == ["legacy-3"] and "NextToken" not in rest
    # The legacy request classes have no Tag setter; its users add the JSON (json.dumps spacing) by hand.
    tag_request = CreateProjectRequest.CreateProjectRequest()
    tag_request.add_query_param("Tag", json.dumps([{"Key": "k", "Value": "v 1"}]))
    legacy(tag_request, ProjectName="legacy-tagged")
    list_request = ListProjectsRequest.ListProjectsRequest()
    list_request.add_query_param("Tag", json.dumps([{"Key": "k", "Value": "v 1"}]))
    tagged = legacy(list_request)
    assert [(p["ProjectName"], p["Tags"]) for p in tagged["Projects"]] == [
        ("legacy-tagged", [{"TagKey": "k", "TagValue": "v 1"}])
    ]
    legacy(DeleteProjectRequest.DeleteProjectRequest(), ProjectName="legacy")
    with pytest.raises(ServerException) as caught:
        legacy(GetProjectRequest.GetProjectRequest(), ProjectName="legacy")
    assert caught.value.get_error_code() == "ResourceNotFound"
    assert caught.value.get_http_status() == 404
    assert caught.value.get_error_msg() == "The specified resource project is not found."


def test_accounts_are_isolated(imm_emulator, imm_client) -> None:
    other = imm_emulator.client(*OTHER_KEY)
    create(imm_client, "shared-name", description="mine")
    with pytest.raises(ClientException) as caught:
        other.get_project(m.GetProjectRequest(project_name="shared-name"))
    assert caught.value.code == "ResourceNotFound"
    assert other.list_projects(m.ListProjectsRequest()).body.projects == []
    create(other, "shared-name", description="theirs")
    assert (
        imm_client.get_project(m.GetProjectRequest(project_name="shared-name")).body.project.description
        == "mine"
    )
    other.delete_project(m.DeleteProjectRequest(project_name="shared-name"))
    assert (
        imm_client.get_project(m.GetProjectRequest(project_name="shared-name")).body.project.description
        == "mine"
    )
    token = imm_client.list_projects(m.ListProjectsRequest(max_results=0)).body.next_token
    assert token is None
    create(imm_client, "second")
    token = imm_client.list_projects(m.ListProjectsRequest(max_results=1)).body.next_token
    with pytest.raises(ClientException) as caught:
        other.list_projects(m.ListProjectsRequest(next_token=token))
    assert caught.value.code == "InvalidArgument"


def test_reset_of_one_account_leaves_the_other(imm_emulator, imm_client) -> None:
    other = imm_emulator.client(*OTHER_KEY)
    create(imm_client, "a")
    create(other, "b")
    imm_emulator.reset(OTHER_KEY[0])
    assert [p.project_name for p in imm_client.list_projects(m.ListProjectsRequest()).body.projects] == ["a"]
    assert other.list_projects(m.ListProjectsRequest()).body.projects == []


def test_parallel_clients_no_lost_or_duplicate_creates(imm_emulator) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def attempt(i: int) -> str:
        client = imm_emulator.client()
        try:
            create(client, "contested")
            won = "won"
        except ClientException as exc:
            won = exc.code
        create(client, f"mine-{i:02d}")
        return won

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(attempt, range(16)))
    assert sorted(outcomes) == ["ResourceAlreadyExists"] * 15 + ["won"]
    names = [
        p.project_name for p in imm_emulator.client().list_projects(m.ListProjectsRequest()).body.projects
    ]
    assert names == ["contested"] + [f"mine-{i:02d}" for i in range(16)]
