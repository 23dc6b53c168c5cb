"""Projects: CreateProject, GetProject, ListProjects, UpdateProject, DeleteProject.

Requests name tags ``Tag: [{Key, Value}]``; answers carry ``Tags: [{TagKey, TagValue}]``, as the
real service does. Times are RFC3339 with nanoseconds in the region's local zone.
"""

from __future__ import annotations

import base64
from typing import Any

from ..clock import format_rfc3339
from ..errors import already_exists, invalid_argument, not_found
from . import tasks
from .registry import Context

KIND = "project"
DEFAULT_PAGE = 100

DEFAULTS: dict[str, Any] = {
    "Description": "",
    "ServiceRole": "AliyunIMMDefaultRole",
    "TemplateId": "",
    "ProjectQueriesPerSecond": 100,
    "EngineConcurrency": 100,
    "ProjectMaxDatasetCount": 1_000_000_000,
    "DatasetMaxBindCount": 10,
    "DatasetMaxFileCount": 100_000_000,
    "DatasetMaxEntityCount": 10_000_000_000,
    "DatasetMaxRelationCount": 100_000_000_000,
    "DatasetMaxTotalFileSize": 90_000_000_000_000_000,
}
SETTABLE = tuple(k for k in DEFAULTS if k not in ("ProjectQueriesPerSecond", "EngineConcurrency"))


def _tags(tag_param: list[dict]) -> list[dict]:
    return [{"TagKey": t.get("Key", ""), "TagValue": t.get("Value", "")} for t in tag_param]


def _answer(ctx: Context, doc: dict) -> dict:
    tz = ctx.config.timezone
    project = {k: v for k, v in doc.items() if not k.startswith("_")}
    project["CreateTime"] = format_rfc3339(doc["_created_ns"], tz)
    project["UpdateTime"] = format_rfc3339(doc["_updated_ns"], tz)
    return project


def load(ctx: Context, name: str) -> dict:
    """The stored project, or the service's ResourceNotFound; other handlers check projects here."""
    doc = ctx.store.get(KIND, ctx.account, name)
    if doc is None:
        raise not_found("project")
    return doc


def create_project(ctx: Context, params: dict) -> dict:
    now = ctx.now_ns()
    doc = {"ProjectName": params["ProjectName"], **DEFAULTS}
    doc.update({k: params[k] for k in SETTABLE if k in params})
    doc.update(DatasetCount=0, FileCount=0, TotalFileSize=0, Tags=_tags(params.get("Tag", [])))
    doc.update(_created_ns=now, _updated_ns=now)
    if not ctx.store.create(KIND, ctx.account, doc["ProjectName"], doc):
        raise already_exists("project")
    return {"Project": _answer(ctx, doc)}


def get_project(ctx: Context, params: dict) -> dict:
    # WithStatistics: the emulator holds no datasets, so the statistics are exact zeros either way.
    return {"Project": _answer(ctx, load(ctx, params["ProjectName"]))}


def update_project(ctx: Context, params: dict) -> dict:
    now = ctx.now_ns()

    def change(doc: dict) -> dict:
        doc.update({k: params[k] for k in SETTABLE if k in params})
        if "Tag" in params:
            doc["Tags"] = _tags(params["Tag"])
        doc["_updated_ns"] = now
        return doc

    updated = ctx.store.update(KIND, ctx.account, params["ProjectName"], change)
    if updated is None:
        raise not_found("project")
    return {"Project": _answer(ctx, updated)}


def delete_project(ctx: Context, params: dict) -> dict:
    if not ctx.store.delete(KIND, ctx.account, params["ProjectName"]):
        raise not_found("project")
    tasks.delete_project_tasks(ctx, params["ProjectName"])  # a deleted project takes its tasks
    return {}


def list_projects(ctx: Context, params: dict) -> dict:
    limit = params.get("MaxResults") or DEFAULT_PAGE
    start = _decode_token(ctx, params.get("NextToken", ""))
    wanted = params.get("Tag", [])
    page: list[dict] = []
    next_name = None
    cursor = start
    while next_name is None:
        batch = ctx.store.scan(
            KIND, ctx.account, start=cursor, prefix=params.get("Prefix", ""), limit=limit + 1
        )
        for name, doc in batch:
            if not _has_tags(doc, wanted):
                continue
            if len(page) == limit:
                next_name = name
                break
            page.append(_answer(ctx, doc))
        if len(batch) <= limit:
            break
        cursor = batch[-1][0] + "\0"
    result: dict[str, Any] = {"Projects": page}
    if next_name is not None:
        result["NextToken"] = base64.b64encode(f"{ctx.account}:{next_name}".encode()).decode()
    return result


def _has_tags(doc: dict, wanted: list[dict]) -> bool:
    have = {(t["TagKey"], t["TagValue"]) for t in doc["Tags"]}
    keys = {k for k, _ in have}
    return all((w.get("Key"), w["Value"]) in have if "Value" in w else w.get("Key") in keys for w in wanted)


def _decode_token(ctx: Context, token: str) -> str:
    if not token:
        return ""
    try:
        account, sep, name = base64.b64decode(token, validate=True).decode().partition(":")
    except ValueError:  # bad base64, non-ASCII or not UTF-8
        sep, account, name = "", "", ""
    if not sep or account != ctx.account:
        raise invalid_argument(
            f"The parameter NextToken is invalid: {token!r} was not issued by ListProjects."
        )
    return name
