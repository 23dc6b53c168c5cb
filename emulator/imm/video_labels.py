"""CreateVideoLabelClassificationTask and GetVideoLabelClassificationResult.

The task probes its ``oss://`` video when created (a missing object or a file that is not a labelable
video makes the task end Failed, while the create call succeeds, as the real service does) and derives
its labels when it ends: from a test override if one matches the URI (set through the control API, or
a sidecar ``<object>.labels.json`` beside the object), else from the video itself.
"""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Hashable
from typing import Any

from ..errors import ImmError
from ..oss.source import OssSource, open_uri
from . import media_meta, projects, tasks
from .labels import prefetch
from .labels.formats import check_labelable
from .labels.labeler import derive_labels
from .labels.overrides import parse_label_file, resolve_labels
from .registry import Context, Services
from .task_policy import Policy

log = logging.getLogger("imm_emulator")

TASK_TYPE = "VideoLabelClassification"
OVERRIDE_KIND = "label_override"
EVERYONE = "*"
SIDECAR_SUFFIX = ".labels.json"
MAX_SIDECAR_BYTES = 1 << 20
MAX_OVERRIDE_LABELS = 1000


def _probe(ctx: Context, task: dict, source: OssSource | None = None) -> tuple[OssSource, dict]:
    source = source or open_uri(ctx.oss, ctx.account, task["SourceURI"])
    meta = media_meta.probe(ctx, source)
    check_labelable(meta)
    return source, meta


def _prepare(ctx: Context, task: dict) -> float | None:
    source = open_uri(ctx.oss, ctx.account, task["SourceURI"])
    _head_start(ctx, task, source)
    return _probe(ctx, task, source)[1].get("Duration")


def _head_start(ctx: Context, task: dict, source: OssSource) -> None:
    """A task that will wait for its client to poll has its frames analysed in a worker process from now,
    while the probe runs (prefetch.py). Only a head start: whatever goes wrong here surfaces (or not)
    when the task ends, as without it."""
    try:
        if Policy.parse(task["policy"]).kind == "instant":
            return
        key = source.identity  # what _label_key gives for a video
        if key is None or key in ctx.services.derived_labels or find_override(ctx, source) is not None:
            return
        prefetch.shared().start(key, source)
    except Exception:  # noqa: BLE001 - see the docstring
        log.debug("no frame analysis head start for %s", task["SourceURI"], exc_info=True)


def _run(ctx: Context, task: dict) -> dict[str, Any]:
    source, meta = _probe(ctx, task)
    duration_ms = int(float(meta.get("Duration") or 0) * 1000) or None
    override = find_override(ctx, source)
    if override is not None:
        return {"Labels": resolve_labels(override, duration_ms=duration_ms)}
    return _derived(ctx, source, meta)


def _derived(ctx: Context, source: OssSource, meta: dict) -> dict[str, Any]:
    """Derived labels are a function of the bytes (and the frame analysis setting): derived once per
    content (see OssSource.identity), whatever object, bucket or account holds it, even after a reset."""
    key = _label_key(source, meta)
    analyse = prefetch.shared().analyser(key)
    return ctx.services.derived_labels.compute(
        key, lambda: {"Labels": derive_labels(meta, source, analyse=analyse)}
    )


def _label_key(source: OssSource, meta: dict) -> Hashable | None:
    """What derived labels are kept under: the content; a playlist's labels also depend on its segments,
    other objects: never kept."""
    return None if source.identity is None or meta.get("FormatName") == "hls" else source.identity


KIND = tasks.TaskKind(prepare=_prepare, run=_run)


# --- overrides --------------------------------------------------------------------------------------
def set_override(services: Services, account: str | None, pattern: str, labels: list) -> None:
    """Labels for every video whose URI matches ``pattern`` (an exact ``oss://`` URI or a glob such as
    ``oss://bucket/cats/*``), for one account or (None) everyone. Validated now, against the taxonomy."""
    if isinstance(labels, list) and len(labels) > MAX_OVERRIDE_LABELS:
        raise ImmError("InvalidArgument", f"A label override holds at most {MAX_OVERRIDE_LABELS} labels.")
    if not isinstance(pattern, str) or not pattern.startswith("oss://"):
        raise ImmError("InvalidArgument", f"A label override needs an oss:// URI or glob, not {pattern!r}.")
    resolve_labels(labels)
    services.store.put(OVERRIDE_KIND, account or EVERYONE, pattern, {"pattern": pattern, "labels": labels})


def clear_overrides(services: Services, account: str | None) -> None:
    services.store.clear(OVERRIDE_KIND, account or EVERYONE)


def list_overrides(services: Services, account: str | None) -> list[dict]:
    return [doc for _, doc in services.store.scan(OVERRIDE_KIND, account or EVERYONE)]


def find_override(ctx: Context, source: OssSource) -> list | None:
    """The account's overrides, then everyone's: an exact URI wins over a glob; then a sidecar file."""
    for owner in (ctx.account, EVERYONE):
        entries = [doc for _, doc in ctx.store.scan(OVERRIDE_KIND, owner)]
        for doc in entries:
            if doc["pattern"] == source.uri:
                return doc["labels"]
        for doc in entries:
            if fnmatch.fnmatchcase(source.uri, doc["pattern"]):
                return doc["labels"]
    sidecar = source.sibling(source.key.rsplit("/", 1)[-1] + SIDECAR_SUFFIX)
    if sidecar is None:
        return None
    if sidecar.size > MAX_SIDECAR_BYTES:
        raise ImmError(
            "InvalidArgument", f"The label file {sidecar.uri} is larger than {MAX_SIDECAR_BYTES} bytes."
        )
    with sidecar.open() as reader:
        return parse_label_file(reader.read(MAX_SIDECAR_BYTES))


# --- operations -------------------------------------------------------------------------------------
def create_task(ctx: Context, params: dict) -> dict:
    projects.load(ctx, params["ProjectName"])
    uri = params["SourceURI"]
    if not uri.startswith("oss://") or "/" not in uri.removeprefix("oss://").strip("/"):
        raise ImmError(
            "InvalidArgument", f"The parameter SourceURI is invalid: {uri!r} is not oss://<bucket>/<object>."
        )
    task = tasks.create(ctx, TASK_TYPE, params)
    return {"TaskId": task["TaskId"], "EventId": task["EventId"]}


def get_result(ctx: Context, params: dict) -> dict:
    projects.load(ctx, params["ProjectName"])
    task = tasks.load(ctx, params["ProjectName"], params["TaskId"], params["TaskType"])
    answer = {
        "ProjectName": task["ProjectName"],
        "EventId": task["EventId"],
        **tasks.common_fields(ctx, task),
    }
    if task["status"] == "Succeeded":
        answer["Labels"] = task["result"].get("Labels", [])
    return answer
