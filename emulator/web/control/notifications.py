"""/notifications: the outbox of task notifications, optionally waiting for them to arrive;
/notify-url: where an account's EventBridge events are POSTed (instead of --notify-url)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...background import account_notify_url, set_account_notify_url
from ...errors import ImmError
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

    @bp.route("/notify-url", methods=["GET", "PUT", "DELETE"])
    def notify_url() -> Response:
        body = arguments.body()
        account = runtime.account(arguments.account(body))
        if account is None:
            raise ImmError(
                "InvalidArgument", "Give the account (an AccessKeyId); the emulator-wide URL is --notify-url."
            )
        if request.method == "PUT":
            url = str(body.get("url", ""))
            if not url.startswith(("http://", "https://")) or len(url) > 2048:
                raise ImmError(
                    "InvalidArgument", f"url must be an http(s) URL of at most 2048 characters: {url[:80]!r}."
                )
            set_account_notify_url(runtime.store, account, url)
        elif request.method == "DELETE":
            set_account_notify_url(runtime.store, account, None)
        own = account_notify_url(runtime.store, account)
        return json_response(
            {"account": account, "url": own or runtime.config.notify_url, "own": own is not None}
        )
