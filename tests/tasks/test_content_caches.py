"""Work done once per content, not once per upload: the same bytes under two keys, in two buckets, in
another account and after reset() are probed once and labelled once, and answer the same; other bytes
(or the same name with new bytes) are probed again. Overrides still apply on top."""

from __future__ import annotations

from alibabacloud_imm20200930 import models as m

from imm_emulator import Emulator
from tests.helpers import OTHER_KEY, media

VIDEO = media("mp4_h264_aac.mp4").read_bytes()
TYPE = "VideoLabelClassification"


def labels_of(client, uri: str) -> list:
    request = m.CreateVideoLabelClassificationTaskRequest(project_name="p", source_uri=uri)
    task_id = client.create_video_label_classification_task(request).body.task_id
    result = client.get_video_label_classification_result(
        m.GetVideoLabelClassificationResultRequest(project_name="p", task_id=task_id, task_type=TYPE)
    ).body
    assert result.status == "Succeeded"
    return [label.to_map() for label in result.labels]


def meta_of(client, uri: str) -> dict:
    return client.detect_media_meta(m.DetectMediaMetaRequest(project_name="p", source_uri=uri)).body.to_map()


def test_the_same_bytes_are_probed_and_labelled_once(backend) -> None:
    with Emulator(task_duration="instant", **backend) as emu:
        services = emu.runtime.services
        emu.register_key(*OTHER_KEY)
        answers, labels = [], []
        for round_ in range(2):
            for key_id, secret in ((None, None), OTHER_KEY):
                client = emu.client(key_id, secret)
                client.create_project(m.CreateProjectRequest(project_name="p"))
                for bucket in ("first-bucket", "second-bucket"):
                    for key in ("a.mp4", "copy/b.mp4"):
                        uri = emu.put_object(bucket, key, VIDEO, access_key_id=key_id)
                        answers.append({k: v for k, v in meta_of(client, uri).items() if k != "RequestId"})
                        labels.append(labels_of(client, uri))
            if round_ == 0:
                emu.reset()  # facts about bytes, not state: they survive
                emu.register_key(*OTHER_KEY)
        assert all(answer == answers[0] for answer in answers)
        assert all(found == labels[0] for found in labels)
        assert services.answers.misses == 1 and services.derived_labels.misses == 1

        other = VIDEO[:-1] + bytes([VIDEO[-1] ^ 1])  # other bytes under a known name: probed again
        client = emu.client()
        uri = emu.put_object("first-bucket", "a.mp4", other)
        meta_of(client, uri)
        labels_of(client, uri)
        assert services.answers.misses == 2 and services.derived_labels.misses == 2

        emu.set_labels("oss://first-bucket/copy/*", ["猫"])  # an override applies on top of the cache
        uri = emu.put_object("first-bucket", "copy/c.mp4", VIDEO)
        assert {label["LabelName"] for label in labels_of(client, uri)} >= {"猫"}
