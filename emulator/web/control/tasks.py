"""/tasks/<TaskId>/complete|fail and /task-policy: end a task by hand; how long an account's tasks run."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...errors import ImmError
from ...imm import tasks
from ...runtime import Runtime
from ..envelopes import json_response
from . import arguments


def routes(bp: Blueprint, runtime: Runtime) -> None:
    @bp.post("/tasks/<task_id>/<action>")
    def end_task(task_id: str, action: str) -> Response:
        body = arguments.body()
        account = runtime.account(arguments.account(body))
        if action == "complete":
            failure = None
        elif action == "fail":
            failure = (
                str(body.get("code") or "InternalError"),
                str(body.get("message") or "The task failed."),
            )
        else:
            raise ImmError("InvalidApi.NotFound", f"Unknown task action {action!r}: use complete or fail.")
        return json_response(tasks.outcome(tasks.end_by_hand(runtime.services, task_id, account, failure)))

    @bp.route("/task-policy", methods=["GET", "PUT", "DELETE"])
    def task_policy() -> Response:
        body = arguments.body()
        account = runtime.account(arguments.account(body))
        if request.method != "GET":
            if account is None:
                raise ImmError(
                    "InvalidArgument",
                    "Give the account (an AccessKeyId) whose task policy changes; "
                    "the emulator-wide default is --task-duration.",
                )
            if request.method == "PUT":
                try:
                    tasks.set_policy(runtime.services, account, str(body.get("policy", "")))
                except ValueError as exc:
                    raise ImmError("InvalidArgument", str(exc)) from exc
            elif request.method == "DELETE":
                tasks.set_policy(runtime.services, account, None)
        policy = (
            tasks.policy_for(runtime.services.context(account)) if account else runtime.config.task_duration
        )
        return json_response({"policy": str(policy), "account": account})
