"""Every IMM 2020-09-30 operation, read from the vendored API metadata, and which ones imm-emulator
emulates. The one list of operations: the app's dispatch, the schema generator, the contract tests and
the README's support matrix read it, and the app refuses to start if an emulated operation lacks its
handler or its schemas.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ..config import API_VERSION
from ..protocol import schemas

EMULATED = (
    "CreateProject", "GetProject", "ListProjects", "UpdateProject", "DeleteProject", "DetectMediaMeta",
    "CreateVideoLabelClassificationTask", "GetVideoLabelClassificationResult", "GetTask", "ListTasks",
)  # fmt: skip


@dataclass(frozen=True)
class Operation:
    name: str
    title: str  # the API reference's one-line summary
    emulated: bool


@cache
def metadata() -> dict:
    """Alibaba Cloud's API metadata for IMM 2020-09-30 (see metadata/LICENSE for its origin)."""
    path = resources.files("imm_emulator.imm.metadata") / "imm-2020-09-30-api-docs.json"
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def operations() -> dict[str, Operation]:
    """Every operation of the API, by name, in the metadata's order."""
    apis = metadata()["apis"]
    unknown = set(EMULATED) - set(apis)
    if unknown:
        raise RuntimeError(f"EMULATED names operations IMM {API_VERSION} does not have: {sorted(unknown)}")
    return {
        name: Operation(name, str(api.get("title") or api.get("summary") or "").strip(), name in EMULATED)
        for name, api in apis.items()
    }


def check(handlers: Mapping[str, object]) -> None:
    """Refuse to run with a handler and the catalogue out of step: an emulated operation without its
    handler or its request and response schemas, or a handler for an operation not marked emulated."""
    problems = []
    for name in EMULATED:
        if name not in handlers:
            problems.append(f"{name} has no handler")
        for kind in ("request", "response"):
            try:
                schemas.load(f"{name}.{kind}")
            except KeyError:
                problems.append(f"{name} has no {kind} schema")
    problems += [f"{name} has a handler but is not in EMULATED" for name in handlers if name not in EMULATED]
    if problems:
        raise RuntimeError("IMM operations out of step: " + "; ".join(problems))


def support_matrix() -> str:
    """The README's table of every operation and whether it is emulated (tools/gen_support_matrix.py
    writes it; a test fails when the README's copy is stale)."""
    rows = ["| operation | reference title | imm-emulator |", "|---|---|---|"]
    for op in operations().values():
        rows.append(f"| {op.name} | {op.title} | {'emulated' if op.emulated else 'not emulated'} |")
    return "\n".join(rows) + "\n"
