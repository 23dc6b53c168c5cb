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

SPECIAL = ("error", "notification", "mns_notification")


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
    """The operation an answer comes from, judged against the published response schemas (and the error
    and notification ones): of those whose required fields it has, the one naming the most of its
    fields and leaving out the fewest. Where operations answer the same shape (CreateProject,
    GetProject, UpdateProject), the read one is named."""
    if not isinstance(payload, dict):
        return None
    keys = set(payload)
    best, best_score = None, (0, 0, 0)
    for name in _candidates():
        for properties, required in _shapes(schemas.load(schema_name(name))):
            if not required <= keys or not keys & properties:
                continue
            score = (-len(keys - properties), len(keys & properties), -len(properties - keys))
            if best is None or score > best_score:
                best, best_score = name, score
    return best


def _shapes(schema: dict) -> list[tuple[set[str], set[str]]]:
    """(top-level properties, required) of each object shape a schema allows (one per anyOf branch)."""
    branches = schema.get("anyOf") or schema.get("oneOf") or [schema]
    shapes = []
    for branch in branches:
        if "$ref" in branch:
            branch = schema["$defs"][branch["$ref"].rsplit("/", 1)[-1]]
        shapes.append((set(branch.get("properties", {})), set(branch.get("required", []))))
    return shapes


def _candidates() -> list[str]:
    """Every answer schema, reads first (ties go to the earlier name)."""
    reads = ("Get", "List", "Detect")
    operations = sorted(schemas.operations(), key=lambda name: (not name.startswith(reads), name))
    return [*SPECIAL, *operations]


def assert_imm_contract(operation: str | None, payload: Any, *, strict: bool = False) -> None:
    """Fail with every violation and its JSON path; ``operation`` None infers it from the payload."""
    operation = operation or infer_operation(payload)
    if operation is None:
        raise AssertionError("cannot tell which IMM operation this payload answers; name it")
    violations = validate(operation, payload, strict=strict)
    if violations:
        lines = "\n".join(f"  {v}" for v in violations)
        raise AssertionError(f"{operation} payload breaks the IMM contract:\n{lines}")
