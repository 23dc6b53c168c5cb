"""The schemas themselves: valid, complete, what the generator makes, and they accept the documented
examples and the metadata's samples while rejecting mutated ones with a clear path."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from imm_emulator.contract import assert_imm_contract, infer_operation, validate
from imm_emulator.imm.catalog import EMULATED
from imm_emulator.protocol import schemas

ROOT = Path(__file__).resolve().parents[2]
METADATA = ROOT / "emulator" / "imm" / "metadata" / "imm-2020-09-30-api-docs.json"
OPERATIONS = list(EMULATED)

# Examples from the IMM documentation's sample answers and from answers the real service gave the SDKs.
DOC_EXAMPLES = {
    "error": {
        "RequestId": "D18E94DF-1D00-0B75-811E-****", "HostId": "imm.cn-hangzhou.aliyuncs.com",
        "Code": "InvalidArgument", "Message": "The parameter ProjectName is required but not provided.",
        "Recommend": "https://next.api.aliyun.com/troubleshoot?q=InvalidArgument&product=imm",
    },
    "notification": {
        "id": "25E-1uBJUMOshisffTNk8Nr3GIj****", "source": "acs.imm", "type": "imm:Task:MediaConvert",
        "subject": "acs:imm:cn-beijing:102321002467****:test-***/imm:Task:MediaConvert", "time": "1724133063161",
        "content": '{"ProjectName":"test-project","Status":"Succeeded"}',
    },
    "CreateVideoLabelClassificationTask": {
        "RequestId": "CA995EFD-083D-4F40-BE8A-BDF75FFFE0B6", "EventId": "03F-1Qt1Yn5RZZ0Zh3ZdYlDblv7****",
        "TaskId": "VideoLabelClassification-2f157087-91df-4fda-8c3e-232407ec*****",
    },
    "GetVideoLabelClassificationResult": {
        "RequestId": "7F84C6D9-5AC0-49F9-914D-F02678E3****", "ProjectName": "immtest", "TaskId": "t",
        "TaskType": "VideoLabelClassification", "Status": "Succeeded", "Code": "", "Message": "",
        "StartTime": "2021-12-24T03:00:38.892462383Z", "EndTime": "2021-12-24T03:00:42.134971294Z",
        "EventId": "2F6-1Bz99Xi93EnRpNEyLudILJm****", "UserData": "",
        "Labels": [{"LabelName": "Sports", "LabelConfidence": 0.87, "LabelLevel": 1, "ParentLabelName": "",
                    "CentricScore": 0.8, "Language": "zh-Hans", "LabelAlias": "",
                    "Clips": [{"TimeRange": [1.0, 3.5]}]}],
    },
    "ListTasks": {
        "RequestId": "9847E7D0-A9A3-0053-84C6-BA16FFFA726E", "ProjectName": "p", "NextToken": "",
        "MaxResults": "100",
        "Tasks": [{"TaskId": "c2b277b9-0d30-4882-ad6d-ad661382****", "TaskType": "VideoLabelClassification",
                   "Status": "Running", "Code": "", "Message": "", "StartTime": "2021-12-24T03:01:41.662060377Z",
                   "Progress": 0, "UserData": "", "Tags": {"test": "val1"}}],
    },
    "DetectMediaMeta": {
        "RequestId": "5F74C5C9-0000", "Language": "eng", "Title": "test", "FormatName": "mov,mp4,m4a,3gp,3g2,mj2",
        "FormatLongName": "QuickTime / MOV", "Size": 2757913, "Duration": 15.58, "Bitrate": 1416132,
        "StartTime": 0.0, "StreamCount": 2, "ProgramCount": 0, "VideoWidth": 1280, "VideoHeight": 720,
        "VideoStreams": [{"Index": 0, "CodecName": "h264", "CodecTag": "0x31637661", "Level": 31,
                          "FrameRate": "30/1", "Rotate": "0", "Duration": 15.5, "Bitrate": 1284375}],
        "AudioStreams": [{"Index": 1, "CodecName": "aac", "SampleRate": 44100, "Channels": 2}],
        "Subtitles": [],
    },
}  # fmt: skip


def test_every_operation_has_request_and_response_schemas_and_they_are_valid() -> None:
    names = sorted(
        p.relative_to(ROOT / "schemas").as_posix().removesuffix(".json")
        for p in (ROOT / "schemas").rglob("*.json")
    )
    expected = [f"{op}.{kind}" for op in OPERATIONS for kind in ("request", "response")] + [
        "error",
        "notification",
    ]
    assert set(expected) <= set(names)
    assert {f"strict/{n}" for n in expected if not n.endswith(".request")} <= set(names)
    for name in names:
        Draft202012Validator.check_schema(schemas.load(name))
    assert sorted(schemas.operations()) == sorted(OPERATIONS)


@pytest.mark.parametrize("operation", sorted(DOC_EXAMPLES))
def test_documented_examples_validate_and_are_recognised(operation: str) -> None:
    assert validate(operation, DOC_EXAMPLES[operation]) == []
    assert infer_operation(DOC_EXAMPLES[operation]) == operation


SAME_SHAPE = {"CreateProject": "GetProject", "UpdateProject": "GetProject"}  # inference names the read one


@pytest.mark.parametrize("operation", OPERATIONS)
def test_metadata_response_demos_validate_and_are_recognised(operation: str) -> None:
    api = json.loads(METADATA.read_text())["apis"][operation]
    demo = json.loads(json.loads(api["responseDemo"])[0]["example"])
    assert validate(operation, demo) == []
    assert infer_operation(demo) == SAME_SHAPE.get(operation, operation)


MUTATIONS = [
    ("ListTasks", ["Tasks", 0, "Progress"], "50%", "$.Tasks[0].Progress", "is not of type 'integer'"),
    ("ListTasks", ["Tasks", 0, "Status"], "Done", "$.Tasks[0].Status", "is not one of"),
    ("ListTasks", ["MaxResults"], 100, "$.MaxResults", "is not of type 'string'"),
    ("GetVideoLabelClassificationResult", ["Labels", 0, "LabelLevel"], 7, "$.Labels[0].LabelLevel",
     "greater than the maximum"),
    ("DetectMediaMeta", ["VideoStreams", 0, "Rotate"], 90, "$.VideoStreams[0].Rotate", "is not of type 'string'"),
    ("DetectMediaMeta", ["Duration"], "15.58", "$.Duration", "is not of type 'number'"),
    ("error", ["Code"], None, "$", "'Code' is a required property"),
    ("CreateVideoLabelClassificationTask", ["TaskId"], None, "$", "'TaskId' is a required property"),
    ("notification", ["source"], "acs.oss", "$", "is not valid under any of the given schemas"),
]  # fmt: skip


@pytest.mark.parametrize(("operation", "path", "value", "where", "words"), MUTATIONS)
def test_mutated_samples_fail_with_a_clear_path(operation, path, value, where, words) -> None:
    payload = copy.deepcopy(DOC_EXAMPLES[operation])
    target = payload
    for part in path[:-1]:
        target = target[part]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    violations = validate(operation, payload)
    assert violations, payload
    assert any(v.path == where and words in v.message for v in violations), violations
    with pytest.raises(AssertionError, match=re.escape(words)):
        assert_imm_contract(operation, payload)


def test_strict_contract_is_tighter() -> None:
    sample = DOC_EXAMPLES["ListTasks"]
    assert validate("ListTasks", {**sample, "Surprise": 1}) == []
    strict = validate("ListTasks", {**sample, "Surprise": 1}, strict=True)
    assert any("Surprise" in v.message for v in strict)
    assert any(v.path == "$.Tasks[0].TaskId" for v in validate("ListTasks", sample, strict=True))


def test_unknown_operation_is_a_violation_not_a_crash() -> None:
    assert validate("NoSuchOp", {})[0].message.startswith("unknown operation")


def test_committed_schemas_match_the_generator() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_schemas.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_validate_cli(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(
        "\n".join(json.dumps(DOC_EXAMPLES[op]) for op in ("error", "ListTasks", "DetectMediaMeta"))
    )
    run = [sys.executable, "-m", "imm_emulator.cli", "validate"]
    ok = subprocess.run(run + [str(good)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout
    assert f"{good}:2: OK (ListTasks)" in ok.stdout
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**DOC_EXAMPLES["ListTasks"], "MaxResults": 5}))
    failed = subprocess.run(run + ["--operation", "ListTasks", str(bad)], capture_output=True, text=True)
    assert failed.returncode == 1 and "$.MaxResults" in failed.stdout
    unknown = tmp_path / "unknown.json"
    unknown.write_text('{"Something": 1}')
    assert subprocess.run(run + [str(unknown)], capture_output=True, text=True).returncode == 1
    piped = subprocess.run(
        run + ["--strict", "-"], input=json.dumps(DOC_EXAMPLES["error"]), capture_output=True, text=True
    )
    assert piped.returncode == 1 and "$.RequestId" in piped.stdout
    binary = tmp_path / "clip.mp4"
    binary.write_bytes(b"\x00\x00\x00\x18ftypmp42\xff\xfe")
    unreadable = subprocess.run(run + [str(binary)], capture_output=True, text=True)
    assert unreadable.returncode == 1 and "cannot read" in unreadable.stdout and not unreadable.stderr
