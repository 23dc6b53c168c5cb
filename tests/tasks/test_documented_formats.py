"""Every container format the video label documentation lists, as a real file (tests/media/formats, made
by tools/make_label_formats.sh), goes through the real SDK: DetectMediaMeta names the demuxer ffprobe
names, and CreateVideoLabelClassificationTask ends Succeeded with labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from alibabacloud_imm20200930 import models as m

from imm_emulator.imm.labels.formats import DOCUMENTED_FORMATS

FORMATS = Path(__file__).resolve().parents[1] / "media" / "formats"
TYPE = "VideoLabelClassification"


def test_there_is_a_file_for_each_documented_format() -> None:
    assert sorted(p.suffix[1:].upper() for p in FORMATS.glob("sample.*") if p.suffix != ".json") == sorted(
        DOCUMENTED_FORMATS
    )


@pytest.mark.parametrize("name", sorted(DOCUMENTED_FORMATS))
def test_the_documented_format_is_probed_and_labelled(imm_emulator, imm_client, name: str) -> None:
    path = FORMATS / f"sample.{name.lower()}"
    expected = json.loads(path.with_name(path.name + ".expected.json").read_text(encoding="utf-8"))
    imm_client.create_project(m.CreateProjectRequest(project_name="formats"))
    uri = imm_emulator.put_object("formats", path.name, path)

    meta = imm_client.detect_media_meta(m.DetectMediaMetaRequest(project_name="formats", source_uri=uri))
    assert meta.body.format_name == expected["FormatName"]
    assert len(meta.body.video_streams or []) == len(expected.get("VideoStreams") or [])
    assert len(meta.body.audio_streams or []) == len(expected.get("AudioStreams") or [])

    request = m.CreateVideoLabelClassificationTaskRequest(project_name="formats", source_uri=uri)
    task_id = imm_client.create_video_label_classification_task(request).body.task_id
    ask = m.GetVideoLabelClassificationResultRequest(project_name="formats", task_id=task_id, task_type=TYPE)
    answer = imm_client.get_video_label_classification_result(ask).body
    if answer.status == "Running":  # the session's policy ends tasks on their second read
        answer = imm_client.get_video_label_classification_result(ask).body
    assert (answer.status, answer.code) == ("Succeeded", ""), answer.message
    assert answer.labels
