"""/notifications: the outbox of task notifications, optionally waiting for them to arrive."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...imm import notifications
from ...runtime import Runtime
from ..envelopes import json_response
from . import arguments

MAX_WAIT = 10.0  # seconds one GET /notifications may wait (clients ask again to wait longer)


def routes(bp: Blueprint, runtime: Runtime) -> None:
    @bp.route("/notifications", methods=["GET", "DELETE"])
    def notification_outbox() -> Response:
        account = runtime.account(arguments.account(arguments.body()))
        owners = [account] if account else runtime.store.accounts(notifications.KIND)
        if request.method == "DELETE":
            for owner in owners:
                notifications.clear(runtime.services.context(owner))
            return json_response({"notifications": []})
        wait = arguments.float_arg("wait", 0.0, 0.0, MAX_WAIT)
        count = arguments.int_arg("count", 1, 1, 10_000)
        filters = {"task_id": request.args.get("task_id"), "channel": request.args.get("channel")}

        def collect() -> list[dict]:
            found = []
            for owner in runtime.store.accounts(notifications.KIND) if account is None else owners:
                found += notifications.outbox(runtime.services.context(owner), **filters)
            return sorted(found, key=lambda e: e["created"])

        if wait:
            notifications.wait_until(runtime.services, lambda: len(collect()) >= count, wait)
        return json_response({"notifications": collect()})
