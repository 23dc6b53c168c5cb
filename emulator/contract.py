"""The JSON-Schema contract, for the emulator's own answers and for users' recorded ones.

``validate(operation, payload)`` lists violations with JSON paths; ``infer_operation(payload)`` names
the operation an answer belongs to from its shape; ``assert_imm_contract`` is the pytest helper.
Published schemas (``schemas/``) hold what the real service may send; ``strict=True`` holds an answer
to the emulator's own tighter contract (``schemas/strict/``: enums, formats, required and no unknown
fields).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jsonschema.exceptions import ValidationError

from .protocol import schemas

SPECIAL = ("error", "notification")


@dataclass(frozen=True)
class Violation:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def schema_name(operation: str, strict: bool = False) -> str:
    """``GetTask`` -> ``GetTask.response``; ``X.request``, ``error`` and ``notification`` stay as they are."""
    name = (
        operation
        if operation.endswith((".request", ".response")) or operation in SPECIAL
        else (f"{operation}.response")
    )
    return f"strict/{name}" if strict and not name.endswith(".request") else name


def json_path(error: ValidationError) -> str:
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def validate(operation: str, payload: Any, *, strict: bool = False) -> list[Violation]:
    try:
        checker = schemas.validator(schema_name(operation, strict))
    except KeyError:
        known = ", ".join(list(schemas.operations()) + list(SPECIAL))
        return [Violation("$", f"unknown operation {operation!r}; known: {known}")]
    errors = sorted(checker.iter_errors(payload), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [Violation(json_path(e), e.message) for e in errors]


def infer_operation(payload: Any) -> str | None:
    """The operation an answer comes from, judged by the fields only that answer has."""
    if not isinstance(payload, dict):
        return None
    keys = set(payload)
    if {"source", "type"} <= keys and str(payload.get("source")) == "acs.imm":
        return "notification"
    if {"Code", "Message", "HostId"} <= keys and "TaskId" not in keys:
        return "error"
    if "Projects" in keys:
        return "ListProjects"
    if "Project" in keys:
        return "GetProject"  # Create, Get and Update answer with the same shape
    if "Tasks" in keys:
        return "ListTasks"
    if keys & {"FormatName", "VideoStreams", "AudioStreams", "Subtitles", "StreamCount"}:
        return "DetectMediaMeta"
    if (
        "Labels" in keys
        or payload.get("TaskType") == "VideoLabelClassification"
        and "Progress" not in keys
        and ("Status" in keys)
    ):
        return "GetVideoLabelClassificationResult"
    if "Status" in keys and "TaskId" in keys:
        return "GetTask"
    if {"TaskId", "EventId"} <= keys:
        return "CreateVideoLabelClassificationTask"
    if keys == {"RequestId"}:
        return "DeleteProject"
    return None


def assert_imm_contract(operation: str | None, payload: Any, *, strict: bool = False) -> None:
    """Fail with every violation and its JSON path; ``operation`` None infers it from the payload."""
    operation = operation or infer_operation(payload)
    if operation is None:
        raise AssertionError("cannot tell which IMM operation this payload answers; name it")
    violations = validate(operation, payload, strict=strict)
    if violations:
        lines = "\n".join(f"  {v}" for v in violations)
        raise AssertionError(f"{operation} payload breaks the IMM contract:\n{lines}")
