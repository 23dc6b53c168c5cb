from __future__ import annotations

import pytest

from imm_emulator.errors import ImmError
from imm_emulator.protocol.params import typed_params


def test_ints_bools_and_unknown_names() -> None:
    assert typed_params("GetProject", {"ProjectName": "p", "WithStatistics": "True", "Junk": "x"}) == {
        "ProjectName": "p",
        "WithStatistics": True,
    }
    assert (
        typed_params("GetProject", {"ProjectName": "p", "WithStatistics": "FALSE"})["WithStatistics"] is False
    )
    assert typed_params("ListProjects", {"MaxResults": "20", "NextToken": ""}) == {
        "MaxResults": 20,
        "NextToken": "",
    }


@pytest.mark.parametrize(
    "text", ['[{"Key":"k","Value":"v"}]', '[{"Key": "k", "Value": "v"}]', ' [ {"Value" : "v" , "Key":"k"} ] ']
)
def test_json_parameters_compact_or_spaced(text: str) -> None:
    assert typed_params("CreateProject", {"ProjectName": "p", "Tag": text})["Tag"] == [
        {"Key": "k", "Value": "v"}
    ]


def test_flattened_array_form() -> None:
    raw = {"ProjectName": "p", "Tag.2.Key": "b", "Tag.1.Key": "a", "Tag.1.Value": "1"}
    assert typed_params("CreateProject", raw)["Tag"] == [{"Key": "a", "Value": "1"}, {"Key": "b"}]


@pytest.mark.parametrize(
    ("action", "raw", "code"),
    [
        ("CreateProject", {}, "MissingProjectName"),
        ("CreateProject", {"ProjectName": ""}, "MissingProjectName"),
        ("GetTask", {"ProjectName": "p", "TaskId": "t"}, "MissingTaskType"),
        ("ListProjects", {"MaxResults": "ten"}, "InvalidMaxResults"),
        ("ListProjects", {"MaxResults": "1.5"}, "InvalidMaxResults"),
        ("GetProject", {"ProjectName": "p", "WithStatistics": "yes"}, "InvalidWithStatistics"),
        ("CreateProject", {"ProjectName": "p", "Tag": "[{"}, "InvalidJSON"),
        ("CreateProject", {"ProjectName": "p", "Tag": '{"Key":"k"}'}, "InvalidTag"),
        ("CreateProject", {"ProjectName": "p", "Tag": '[{"Key":1}]'}, "InvalidTag"),
        ("CreateProject", {"ProjectName": "1p"}, "InvalidArgument"),
        ("CreateProject", {"ProjectName": "p" * 129}, "InvalidArgument"),
        ("CreateProject", {"ProjectName": "p", "DatasetMaxBindCount": "11"}, "InvalidArgument"),
        ("CreateProject", {"ProjectName": "p", "Tag": '[{"Value":"v"}]'}, "InvalidArgument"),
        ("ListProjects", {"MaxResults": "201"}, "InvalidArgument"),
        ("ListTasks", {"ProjectName": "p", "TaskTypes": "[" * 100000}, "InvalidJSON"),
    ],
)
def test_errors(action: str, raw: dict, code: str) -> None:
    with pytest.raises(ImmError) as caught:
        typed_params(action, raw)
    assert caught.value.code == code
    assert caught.value.http_status == 400


def test_task_json_parameters_from_both_clients() -> None:
    compact = {
        "ProjectName": "p",
        "SourceURI": "oss://b/v.mp4",
        "Notification": '{"MNS":{"TopicName":"t1"},"RocketMQ":{"InstanceId":"i","TopicName":"rt"}}',
        "Tags": '{"a":"b","n":1}',
        "CredentialConfig": '{"Chain":[{"AssumeRoleFor":"123","Role":"r","RoleType":"user"}]}',
    }
    spaced = {
        k: v.replace(":", ": ").replace(",", ", ") if k != "SourceURI" else v for k, v in compact.items()
    }
    for raw in (compact, spaced):
        typed = typed_params("CreateVideoLabelClassificationTask", raw)
        assert typed["Notification"] == {
            "MNS": {"TopicName": "t1"},
            "RocketMQ": {"InstanceId": "i", "TopicName": "rt"},
        }
        assert typed["Tags"] == {"a": "b", "n": 1}
        assert typed["CredentialConfig"]["Chain"][0]["Role"] == "r"
    listed = typed_params(
        "ListTasks",
        {
            "ProjectName": "p",
            "TaskTypes": '["VideoLabelClassification", "MediaConvert"]',
            "StartTimeRange": '{"End": "2024-01-02T00:00:00Z", "Start": "2024-01-01T00:00:00Z"}',
            "RequestDefinition": "False",
            "MaxResults": "10",
        },
    )
    assert listed["TaskTypes"] == ["VideoLabelClassification", "MediaConvert"]
    assert listed["StartTimeRange"]["Start"] == "2024-01-01T00:00:00Z"
    assert listed["RequestDefinition"] is False and listed["MaxResults"] == 10
    with pytest.raises(ImmError) as caught:
        typed_params("ListTasks", {"ProjectName": "p", "TaskTypes": '"VideoLabelClassification"'})
    assert caught.value.code == "InvalidTaskTypes"


def test_a_repeated_parameter_set_is_typed_once_and_each_caller_gets_its_own_copy() -> None:
    from imm_emulator.protocol import params

    raw = {"ProjectName": "p", "Tag": '[{"Key":"k","Value":"v"}]', "SignatureNonce": "n1"}
    first = typed_params("CreateProject", raw)
    hits = params._remembered.cache_info().hits
    first["Tag"][0]["Key"] = "changed by a handler"
    again = typed_params("CreateProject", {**raw, "SignatureNonce": "n2"})  # nonces are not part of it
    assert params._remembered.cache_info().hits == hits + 1
    assert again == {"ProjectName": "p", "Tag": [{"Key": "k", "Value": "v"}]}
    for _ in range(2):  # an error is raised every time, never remembered as an answer
        with pytest.raises(ImmError) as raised:
            typed_params("ListProjects", {"MaxResults": "many"})
        assert raised.value.code == "InvalidParameter.MaxResults" or "MaxResults" in raised.value.message
    size = params._remembered.cache_info().currsize
    big = {"ProjectName": "p" * (params.MEMO_CHARS + 1)}
    assert typed_params("GetProject", big) == big  # over the memo's size: typed, not remembered
    assert params._remembered.cache_info().currsize == size
