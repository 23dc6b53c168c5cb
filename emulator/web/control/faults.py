"""/faults: the fault rules (errors, throttling, latency, dropped connections, failing tasks)."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, request

from ...errors import ImmError
from ...faults import FaultRule
from ...runtime import Runtime
from ..envelopes import json_response
from . import arguments


def routes(bp: Blueprint, runtime: Runtime) -> None:
    @bp.route("/faults", methods=["GET", "POST", "DELETE"])
    def faults() -> Response:
        body = arguments.body()
        account = runtime.account(arguments.account(body))
        if request.method == "POST":
            try:
                rule = FaultRule.from_dict(body)
            except (TypeError, ValueError) as exc:
                raise ImmError("InvalidArgument", f"Bad fault rule: {exc}") from exc
            runtime.faults.add(rule, account)
            return json_response({"rule": asdict(rule), "faults": runtime.faults.list(account)})
        if request.method == "DELETE":
            runtime.faults.clear(account)
        return json_response({"faults": runtime.faults.list(account)})
