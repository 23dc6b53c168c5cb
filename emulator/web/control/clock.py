"""/reset and /clock: forget state; read, freeze, set or advance the emulated clock (of one account)."""

from __future__ import annotations

import math

from flask import Blueprint, Response

from ...clock import NS, parse_rfc3339
from ...errors import ImmError
from ...imm import tasks
from ...runtime import Runtime
from ..envelopes import json_response
from . import arguments

LATEST_NS = 253402300799 * NS  # 9999-12-31T23:59:59Z


def routes(bp: Blueprint, runtime: Runtime) -> None:
    @bp.post("/reset")
    def reset() -> Response:
        account = runtime.account(arguments.account(arguments.body()))
        runtime.reset(account)
        return json_response({"reset": True, "account": account})

    @bp.route("/clock", methods=["GET", "POST"])
    def clock() -> Response:
        body = arguments.body()
        account = runtime.account(arguments.account(body))
        freeze, set_ns, advance = body.get("freeze"), None, body.get("advance", 0)
        if freeze is not None and not isinstance(freeze, bool):
            raise ImmError("InvalidArgument", "freeze must be true or false.")
        if (
            isinstance(advance, bool)
            or not isinstance(advance, (int, float))
            or not math.isfinite(advance)
            or abs(advance) > 1e11
        ):
            raise ImmError("InvalidArgument", "advance must be a number of seconds.")
        if "set" in body:
            try:
                set_ns = parse_rfc3339(str(body["set"]))
            except ValueError as exc:
                raise ImmError(
                    "InvalidArgument", f"set must be an RFC3339 time, not {body['set']!r}."
                ) from exc
        landing = (set_ns if set_ns is not None else runtime.clock.now_ns(account)) + round(advance * NS)
        if not 0 <= landing <= LATEST_NS:
            raise ImmError(  # depends on where the clock is now, not on the request alone: a conflict
                "ClockOutOfRange",
                "The emulated clock must stay between 1970 and 9999; this change would take it outside.",
                409,
            )
        # freeze, then set, then advance: {"set": T, "freeze": true} stops exactly at T.
        if freeze is not None:
            runtime.clock.freeze(freeze, account)
        if set_ns is not None:
            runtime.clock.set_ns(set_ns, account)
        runtime.clock.advance(advance, account)
        tasks.tick(runtime.services)  # tasks due at the new time end now, not at the next tick
        return json_response(runtime.clock.describe(account))
