"""/requests and /test: the journal of IMM and OSS calls, and the name of the test making them."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...errors import ImmError, ascii_int
from ...runtime import Runtime
from ..envelopes import json_response
from . import arguments


def routes(bp: Blueprint, runtime: Runtime) -> None:
    @bp.route("/requests", methods=["GET", "DELETE"])
    def requests_journal() -> Response:
        account = runtime.account(arguments.account(arguments.body()))
        if request.method == "DELETE":
            runtime.journal.clear(account)
            return json_response({"requests": []})
        status = request.args.get("status")
        if status is not None and not 100 <= (ascii_int(status) or 0) <= 599:
            raise ImmError("InvalidArgument", "status must be an HTTP status code.")
        entries = runtime.journal.query(
            action=request.args.get("action"),
            status=int(status) if status else None,
            account=account,
            test=request.args.get("test"),
            code=request.args.get("code"),
            since=int(arguments.float_arg("since", 0, 0, 1e18)),
            limit=arguments.int_arg("limit", 0, 0, 1_000_000) or None,
        )
        return json_response({"size": runtime.journal.size, "requests": entries})

    @bp.put("/test")
    def current_test() -> Response:
        """The pytest plugin names the test that runs, so journal entries can be found by test."""
        body = arguments.body()
        account = runtime.account(arguments.account(body))
        name = body.get("name")
        if name is not None and not isinstance(name, str):
            raise ImmError("InvalidArgument", "name must be a string or null.")
        runtime.journal.set_test(name, account)
        return json_response({"test": name, "account": account})
