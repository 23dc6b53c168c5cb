"""Values that parse but that no answer or store can carry are refused where they enter, with
InvalidArgument: lone UTF-16 surrogates and non-finite numbers in JSON parameters and control bodies,
and HLS segment durations that are NaN or overflow. Before, they were stored and broke every later
listing (500 until reset), or answered 500 themselves."""

from __future__ import annotations

import json

import pytest
import requests
from alibabacloud_imm20200930 import models as m
from alibabacloud_tea_openapi.exceptions import ClientException

from imm_emulator import Emulator
from tests.helpers import media, raw_call

UNUSABLE_TAGS = [
    '[{"Key":"k","Value":"\\udfff"}]',  # a lone low surrogate
    '[{"Key":"\\ud800","Value":"v"}]',  # a lone high surrogate, in a key
    '[{"Key":"k","Value":NaN}]',
    '[{"Key":"k","Value":-Infinity}]',
    '[{"Key":"k","Value":1e400}]',  # overflows to infinity
]


@pytest.fixture(params=["memory", "sqlite"])
def emu(request, tmp_path):
    extra = {"data_dir": str(tmp_path / "data")} if request.param == "sqlite" else {}
    with Emulator(task_duration="instant", **extra) as emu:
        yield emu


@pytest.mark.parametrize("tags", UNUSABLE_TAGS)
def test_unusable_json_parameters_are_refused_and_nothing_breaks(emu, tags, caplog) -> None:
    with pytest.raises(ClientException) as caught:
        raw_call(emu.address, "CreateProject", {"ProjectName": "p", "Tag": tags})
    assert (caught.value.code, caught.value.status_code) == ("InvalidArgument", 400), caught.value.message
    with pytest.raises(ClientException):
        raw_call(emu.address, "ListProjects", {"Tag": tags})
    client = emu.client()
    assert not client.list_projects(m.ListProjectsRequest()).body.projects
    client.create_project(
        m.CreateProjectRequest(project_name="fine", tag=[m.CreateProjectRequestTag(key="k", value="✓ 😀")])
    )
    listed = client.list_projects(m.ListProjectsRequest()).body.to_map()["Projects"]
    assert listed[0]["Tags"] == [{"TagKey": "k", "TagValue": "✓ 😀"}]  # valid non-BMP text still works
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("extinf", ["1e308", "nan", "inf", "-5", "1e10"])
def test_hls_durations_that_are_not_durations_are_refused(emu, extinf) -> None:
    segment = media("mp4_h264_aac.mp4").parent / "hls" / "segment_000.ts"
    emu.put_object("media", "bad/segment_000.ts", segment)
    playlist = f"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:{extinf},\nsegment_000.ts\n#EXT-X-ENDLIST\n"
    uri = emu.put_object("media", "bad/playlist.m3u8", playlist.encode())
    client = emu.client()
    client.create_project(m.CreateProjectRequest(project_name="p"))
    with pytest.raises(ClientException) as caught:
        client.detect_media_meta(m.DetectMediaMetaRequest(project_name="p", source_uri=uri))
    assert (caught.value.code, caught.value.status_code) == ("InvalidArgument", 400)
    assert "#EXTINF" in caught.value.message
    try:  # a task on it may be refused, or created and end Failed: never a 500
        task = client.create_video_label_classification_task(
            m.CreateVideoLabelClassificationTaskRequest(project_name="p", source_uri=uri)
        ).body.task_id
    except ClientException as refused:
        assert refused.status_code == 400
    else:  # tasks end at creation here (task_duration="instant")
        ended = client.get_task(
            m.GetTaskRequest(project_name="p", task_id=task, task_type="VideoLabelClassification")
        )
        assert ended.body.status == "Failed", ended.body
    client.list_tasks(m.ListTasksRequest(project_name="p"))


@pytest.mark.parametrize("body", ['{"labels": ["\\udfff"], "uri": "oss://b/k"}', '{"advance": NaN}'])
def test_control_bodies_with_unusable_values_are_refused(emu, body) -> None:
    for method, path in (("PUT", "/_emulator/labels"), ("POST", "/_emulator/clock")):
        answer = requests.request(
            method, emu.endpoint + path, data=body, headers={"Content-Type": "application/json"}, timeout=10
        )
        assert answer.status_code == 400 and answer.json()["Code"] == "InvalidArgument"
    assert requests.get(emu.endpoint + "/_emulator/health", timeout=10).json()["status"] == "ok"
    json.dumps(requests.get(emu.endpoint + "/_emulator/clock", timeout=10).json())
