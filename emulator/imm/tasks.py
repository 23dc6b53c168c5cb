"""Asynchronous tasks: records, their lifecycle (Running -> Succeeded | Failed), 7-day retention, and the
GetTask and ListTasks operations.

A task is a document in the Store (kind ``task``, key ``<project>/<TaskId>``), with two indexes: by
start time (retention and StartTime order) and, while a time-driven task runs, by due time (so the
ticker ends it even if nobody asks). Each task type registers a ``TaskKind``: what to check when the
task is created and what its result is when it ends.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
import string
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..clock import format_rfc3339, parse_rfc3339
from ..errors import ImmError, invalid_argument, not_found
from . import notifications, projects
from .registry import Context, Services
from .task_policy import NS, Policy

KIND = "task"
EXPIRY_INDEX = "task_start"  # account-wide, oldest first: what retention drops
BY_START = "task_by_start"  # per project, for StartTime order
BY_END = "task_by_end"  # per project, for EndTime order (running tasks first, under end time 0)
DUE_INDEX = "task_due"
POLICY_KIND = "task_policy"
RETENTION_NS = 7 * 86400 * NS
MAX_USER_DATA = 2048
DEFAULT_PAGE = 100
_BASE62 = string.digits + string.ascii_letters


@dataclass(frozen=True)
class TaskKind:
    """``prepare`` runs at creation: returns the media duration (seconds) for the ``auto`` policy or raises
    the ImmError the task will fail with. ``run`` runs when the task ends: returns the result fields
    (e.g. ``{"Labels": [...]}``) or raises the ImmError it fails with."""

    prepare: Callable[[Context, dict], float | None]
    run: Callable[[Context, dict], dict[str, Any]]


def new_event_id() -> str:
    return f"{secrets.randbelow(0x1000):03X}-" + "".join(secrets.choice(_BASE62) for _ in range(27))


def policy_for(ctx: Context) -> Policy:
    """The account's policy set through the control API, else the emulator's ``--task-duration``."""
    override = ctx.store.get(POLICY_KIND, ctx.account, "policy")
    return Policy.parse(override["policy"] if override else ctx.config.task_duration)


def set_policy(services: Services, account: str, policy: str | None) -> None:
    if policy is None:
        services.store.delete(POLICY_KIND, account, "policy")
    else:
        services.store.put(POLICY_KIND, account, "policy", {"policy": str(Policy.parse(policy))})


# --- creating ---------------------------------------------------------------------------------------
def create(ctx: Context, task_type: str, params: dict[str, Any]) -> dict:
    """Record a new Running task; its input problems surface when it ends, as in the real service."""
    user_data = params.get("UserData", "")
    if len(user_data.encode()) > MAX_USER_DATA:
        raise invalid_argument(
            f"The parameter UserData is invalid: it is {len(user_data.encode())} bytes, "
            f"more than {MAX_USER_DATA}."
        )
    purge_expired(ctx)
    policy = policy_for(ctx)
    now = ctx.now_ns()
    task = {
        "TaskId": f"{task_type}-{uuid.uuid4()}",
        "TaskType": task_type,
        "ProjectName": params["ProjectName"],
        "EventId": new_event_id(),
        "RequestId": ctx.request_id,
        "UserData": user_data,
        "Tags": params.get("Tags") or {},
        "SourceURI": params.get("SourceURI", ""),
        "Notification": params.get("Notification") or {},
        "definition": json.dumps(params, ensure_ascii=False, separators=(",", ":")),
        "policy": str(policy),
        "start_ns": now,
        "end_ns": None,
        "due_ns": None,
        "reads": 0,
        "status": "Running",
        "code": "",
        "message": "",
        "pending_error": None,
        "result": {},
    }
    media_seconds = None
    try:
        media_seconds = ctx.services.task_kinds[task_type].prepare(ctx, task)
    except ImmError as error:
        task["pending_error"] = [error.code, error.message]
    if ctx.injected_failure:
        task["pending_error"] = list(ctx.injected_failure)
    duration = policy.duration_ns(media_seconds)
    if duration is not None:
        task["due_ns"] = now + duration
    outcome = _outcome(ctx, task) if duration == 0 else None
    with ctx.store.transaction():  # the task, its indexes and (if instant) its end land together
        ctx.store.put(KIND, ctx.account, _key(task), task)
        ctx.store.put(EXPIRY_INDEX, ctx.account, _expiry_key(task), {"key": _key(task)})
        ctx.store.put(BY_START, ctx.account, _by_start_key(task), {"key": _key(task)})
        ctx.store.put(BY_END, ctx.account, _by_end_key(task), {"key": _key(task)})
        if outcome is not None:
            return _settle(ctx, task, outcome)
        if task["due_ns"] is not None:
            ctx.store.put(DUE_INDEX, ctx.account, _key(task), {"due_ns": task["due_ns"]})
    return task


# --- reading and progressing ------------------------------------------------------------------------
def load(ctx: Context, project: str, task_id: str, task_type: str, *, read: bool = True) -> dict:
    """The task as it is now; a direct read counts towards a ``polls:N`` policy."""
    purge_expired(ctx)
    task = ctx.store.get(KIND, ctx.account, f"{project}/{task_id}")
    if task is None or task["TaskType"] != task_type:
        raise not_found("task")
    if task["status"] == "Running" and read and Policy.parse(task["policy"]).kind == "polls":
        counted = ctx.store.update(
            KIND, ctx.account, _key(task), lambda doc: {**doc, "reads": doc["reads"] + 1}
        )
        task = counted or task
    return advance(ctx, task)


def advance(ctx: Context, task: dict) -> dict:
    """End the task if its policy says it has ended by now."""
    if task["status"] != "Running":
        return task
    policy = Policy.parse(task["policy"])
    due = task["due_ns"] is not None and ctx.now_ns() >= task["due_ns"]
    polled = policy.kind == "polls" and task["reads"] >= policy.amount
    return finish(ctx, task) if due or polled else task


def finish(ctx: Context, task: dict, failure: tuple[str, str] | None = None) -> dict:
    """Run the task's result (or fail it), store the outcome and send the notifications, once."""
    return _settle(ctx, task, _outcome(ctx, task, failure))


def _outcome(ctx: Context, task: dict, failure: tuple[str, str] | None = None) -> dict[str, Any]:
    """How the task ends; computed before any write, so the store is never held while labels derive."""
    if failure is None and task.get("pending_error"):
        failure = tuple(task["pending_error"])
    result: dict[str, Any] = {}
    if failure is None:
        try:
            result = ctx.services.task_kinds[task["TaskType"]].run(ctx, task)
        except ImmError as error:
            failure = (error.code, error.message)
    # A task the ticker or a reader notices late still ended when it was due.
    end_ns = ctx.now_ns() if task["due_ns"] is None else min(ctx.now_ns(), task["due_ns"])
    return {
        "status": "Failed" if failure else "Succeeded",
        "code": failure[0] if failure else "",
        "message": failure[1] if failure else "",
        "end_ns": max(end_ns, task["start_ns"]),
        "result": result,
    }


def _settle(ctx: Context, task: dict, outcome: dict[str, Any]) -> dict:
    won = False

    def settle(doc: dict) -> dict:
        nonlocal won
        if doc["status"] == "Running":  # another thread may have ended it first
            won = True
            doc.update(outcome)
        return doc

    with ctx.store.transaction():
        stored = ctx.store.update(KIND, ctx.account, _key(task), settle)
        ctx.store.delete(DUE_INDEX, ctx.account, _key(task))
        if stored is None:
            return {**task, **outcome}
        if won:
            ctx.store.delete(BY_END, ctx.account, _by_end_key(task))
            ctx.store.put(BY_END, ctx.account, _by_end_key(stored), {"key": _key(stored)})
            notifications.publish(ctx, stored, notifications.task_content(stored, stored["result"]))
    return stored


def outcome(task: dict) -> dict:
    """How a task ended, as the control API and both handles report it."""
    return {
        "TaskId": task["TaskId"],
        "Status": task["status"],
        "Code": task["code"],
        "Message": task["message"],
    }


def end_by_hand(
    services: Services, task_id: str, account: str | None = None, fail: tuple[str, str] | None = None
) -> dict:
    """The control API's complete/fail: ends a Running task now (looked up in every account if none)."""
    for owner in [account] if account else services.store.accounts(KIND):
        ctx = services.context(owner)
        purge_expired(ctx)
        for _, task in ctx.store.scan(KIND, owner):
            if task["TaskId"] == task_id:
                if task["status"] != "Running":
                    raise ImmError(
                        "InvalidArgument", f"Task {task_id} has already ended ({task['status']}).", 409
                    )
                return finish(ctx, task, fail)
    raise not_found("task")


def tick(services: Services) -> int:
    """End every time-driven task that is due and drop expired ones, in every account; -> tasks ended."""
    ended = 0
    for account in services.store.accounts(DUE_INDEX):
        ended += _finish_due(services.context(account))
    for account in services.store.accounts(EXPIRY_INDEX):
        purge_expired(services.context(account))
    return ended


def purge_expired(ctx: Context) -> None:
    """Tasks are kept 7 days after they start; then they are gone from every operation and from storage."""
    horizon = ctx.now_ns() - RETENTION_NS
    while True:
        # The oldest first, a few at a time: the usual answer is "none", and it must stay cheap.
        batch = ctx.store.scan(EXPIRY_INDEX, ctx.account, limit=16)
        expired = [(key, entry) for key, entry in batch if int(key.split("/", 1)[0]) <= horizon]
        for key, entry in expired:
            with ctx.store.transaction():
                task = ctx.store.pop(KIND, ctx.account, entry["key"])
                ctx.store.delete(EXPIRY_INDEX, ctx.account, key)
                ctx.store.delete(DUE_INDEX, ctx.account, entry["key"])
                if task is not None:
                    ctx.store.delete(BY_START, ctx.account, _by_start_key(task))
                    ctx.store.delete(BY_END, ctx.account, _by_end_key(task))
        if len(expired) < len(batch) or not batch:
            return


def delete_project_tasks(ctx: Context, project: str) -> None:
    """A deleted project takes its tasks with it."""
    for key, task in ctx.store.scan(KIND, ctx.account, prefix=f"{project}/"):
        with ctx.store.transaction():
            ctx.store.delete(KIND, ctx.account, key)
            ctx.store.delete(EXPIRY_INDEX, ctx.account, _expiry_key(task))
            ctx.store.delete(BY_START, ctx.account, _by_start_key(task))
            ctx.store.delete(BY_END, ctx.account, _by_end_key(task))
            ctx.store.delete(DUE_INDEX, ctx.account, key)


def _key(task: dict) -> str:
    return f"{task['ProjectName']}/{task['TaskId']}"


def _expiry_key(task: dict) -> str:
    return f"{task['start_ns']:020d}/{task['ProjectName']}/{task['TaskId']}"


def _by_start_key(task: dict) -> str:
    return f"{task['ProjectName']}/{task['start_ns']:020d}/{task['TaskId']}"


def _by_end_key(task: dict) -> str:
    return f"{task['ProjectName']}/{task['end_ns'] or 0:020d}/{task['TaskId']}"


# --- answers ----------------------------------------------------------------------------------------
def common_fields(ctx: Context, task: dict) -> dict[str, Any]:
    """What GetTask, ListTasks and the task type's Get...Result answers share."""
    out: dict[str, Any] = {
        "TaskId": task["TaskId"],
        "TaskType": task["TaskType"],
        "Status": task["status"],
        "Code": task["code"],
        "Message": task["message"],
        "StartTime": format_rfc3339(task["start_ns"]),
    }
    if task["end_ns"] is not None:
        out["EndTime"] = format_rfc3339(task["end_ns"])
    out["UserData"] = task["UserData"]
    return out


def _progress(ctx: Context, task: dict) -> int:
    if task["status"] != "Running":
        return 100
    return Policy.parse(task["policy"]).progress(
        task["start_ns"], task["due_ns"], ctx.now_ns(), task["reads"]
    )


def task_info(ctx: Context, task: dict, with_definition: bool) -> dict[str, Any]:
    info = common_fields(ctx, task)
    info["Progress"] = _progress(ctx, task)
    info["Tags"] = task["Tags"]
    if with_definition:
        info["TaskRequestDefinition"] = task["definition"]
    return info


def get_task(ctx: Context, params: dict) -> dict:
    projects.load(ctx, params["ProjectName"])
    task = load(ctx, params["ProjectName"], params["TaskId"], params["TaskType"])
    answer = {"ProjectName": task["ProjectName"], "EventId": task["EventId"]}
    answer.update(task_info(ctx, task, params.get("RequestDefinition", False)))
    return answer


# --- ListTasks --------------------------------------------------------------------------------------
SORTS = {"taskid": "TaskId", "starttime": "StartTime", "endtime": "EndTime"}


def list_tasks(ctx: Context, params: dict) -> dict:
    project = params["ProjectName"]
    projects.load(ctx, project)
    purge_expired(ctx)
    sort = SORTS.get(params.get("Sort", "TaskId").lower())
    order = params.get("Order", "asc").lower()
    if sort is None:
        raise invalid_argument(
            f"The parameter Sort is invalid: {params['Sort']!r}; use TaskId, StartTime or EndTime."
        )
    if order not in ("asc", "desc"):
        raise invalid_argument(f"The parameter Order is invalid: {params['Order']!r}; use asc or desc.")
    limit = params.get("MaxResults") or DEFAULT_PAGE
    matches = _filter(ctx, params)
    after = _decode_token(params.get("NextToken", ""), sort, order, ctx.account, project)
    page: list[dict] = []
    last_key: list | None = None
    more = False
    for sort_key, task in _ordered(ctx, project, sort, order == "desc", after, limit + 1):
        if not matches(task):
            continue
        if len(page) == limit:
            more = True
            break
        page.append(task_info(ctx, task, params.get("RequestDefinition", False)))
        last_key = sort_key
    answer: dict[str, Any] = {"ProjectName": project, "MaxResults": str(len(page)), "Tasks": page}
    if more and last_key is not None:
        answer["NextToken"] = _encode_token(last_key, sort, order, ctx.account, project)
    return answer


def _ordered(ctx: Context, project: str, sort: str, desc: bool, after: list | None, batch: int):
    """(sort key, task) pairs in order, starting after ``after``; tasks are advanced to now. Each order
    walks an index from the cursor, so a page costs its own size, however many tasks the project has."""
    if sort == "EndTime":
        _finish_due(ctx)  # a task that is due ends before it is placed by its end time
    kind, field = {
        "TaskId": (KIND, None),
        "StartTime": (BY_START, "start_ns"),
        "EndTime": (BY_END, "end_ns"),
    }[sort]
    if after is None:
        position = None
    elif field is None:
        position = f"{project}/{after[0]}"
    else:
        position = f"{project}/{after[0]:020d}/{after[1]}"
    start = "" if position is None else position if desc else position + "\0"
    while True:
        page = ctx.store.scan(kind, ctx.account, prefix=f"{project}/", start=start, limit=batch, reverse=desc)
        for index_key, value in page:
            task = value if kind == KIND else ctx.store.get(KIND, ctx.account, value["key"])
            if task is not None:
                key = [task["TaskId"]] if field is None else [int(index_key.split("/")[-2]), task["TaskId"]]
                yield key, advance(ctx, task)
        if len(page) < batch:
            return
        start = page[-1][0] if desc else page[-1][0] + "\0"


def _finish_due(ctx: Context) -> int:
    """End the account's time-driven tasks that are due; -> how many."""
    now, ended = ctx.now_ns(), 0
    for key, entry in ctx.store.scan(DUE_INDEX, ctx.account):
        if entry["due_ns"] <= now:
            task = ctx.store.get(KIND, ctx.account, key)
            if task is not None:
                finish(ctx, task)
                ended += 1
            else:
                ctx.store.delete(DUE_INDEX, ctx.account, key)
    return ended


def _filter(ctx: Context, params: dict) -> Callable[[dict], bool]:
    types = params.get("TaskTypes")
    status = params.get("Status")
    if status is not None and status not in ("Running", "Succeeded", "Failed"):
        raise invalid_argument(
            f"The parameter Status is invalid: {status!r}; use Running, Succeeded or Failed."
        )
    start_range = _time_range(params, "StartTimeRange")
    end_range = _time_range(params, "EndTimeRange")
    selector = _tag_selector(params.get("TagSelector", ""))

    def matches(task: dict) -> bool:
        if types and task["TaskType"] not in types:
            return False
        if status and task["status"] != status:
            return False
        if start_range and not _within(task["start_ns"], start_range):
            return False
        if end_range and (task["end_ns"] is None or not _within(task["end_ns"], end_range)):
            return False
        tags = task["Tags"]
        return all(k in tags and (v is None or str(tags[k]) == v) for k, v in selector)

    return matches


def _time_range(params: dict, name: str) -> tuple[int | None, int | None] | None:
    value = params.get(name)
    if not value:
        return None
    bounds: list[int | None] = []
    for side in ("Start", "End"):
        text = value.get(side)
        if text in (None, ""):
            bounds.append(None)
            continue
        try:
            bounds.append(parse_rfc3339(str(text)))
        except ValueError:
            raise invalid_argument(
                f"The parameter {name}.{side} is invalid: {text!r} is not an RFC3339 time."
            ) from None
    return bounds[0], bounds[1]


def _within(t_ns: int, bounds: tuple[int | None, int | None]) -> bool:
    low, high = bounds
    return (low is None or t_ns >= low) and (high is None or t_ns <= high)


def _tag_selector(text: str) -> list[tuple[str, str | None]]:
    """``k1=v1,k2`` -> every tag must be present (with that value when one is given)."""
    pairs = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        key, sep, value = part.partition("=")
        if not key.strip():
            raise invalid_argument(f"The parameter TagSelector is invalid: {text!r}.")
        pairs.append((key.strip(), value.strip() if sep else None))
    return pairs


def _encode_token(last: list, sort: str, order: str, account: str, project: str) -> str:
    data = json.dumps({"a": account, "p": project, "s": sort, "o": order, "k": last}, separators=(",", ":"))
    return base64.urlsafe_b64encode(data.encode()).decode()


def _decode_token(token: str, sort: str, order: str, account: str, project: str) -> list | None:
    if not token:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
        valid = (data["a"], data["p"], data["s"], data["o"]) == (account, project, sort, order)
        last = data["k"]
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        valid, last = False, None
    shape = [str] if sort == "TaskId" else [int, str]
    if valid and not (
        isinstance(last, list)
        and len(last) == len(shape)
        and all(isinstance(v, t) and not isinstance(v, bool) for v, t in zip(last, shape, strict=True))
    ):
        valid = False
    if not valid or not isinstance(last, list):
        raise invalid_argument(
            f"The parameter NextToken is invalid: {token!r} was not issued by ListTasks for "
            "this project, sort and order."
        )
    return last
