"""The /_emulator/* control API: health, reset, the clock and fault rules.

Requests take an optional ``account`` (an AccessKeyId, in the JSON body or the query); without one an
action applies to the whole emulator.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from .. import __version__
from ..clock import parse_rfc3339
from ..errors import ImmError
from ..faults import FaultRule
from ..runtime import Runtime
from ..web import error_response, json_response, new_request_id


def control_blueprint(runtime: Runtime) -> Blueprint:
    bp = Blueprint("control", __name__, url_prefix="/_emulator")

    @bp.errorhandler(ImmError)
    def _error(error: ImmError) -> Response:
        return error_response(runtime, error, new_request_id())

    @bp.get("/health")
    def health() -> Response:
        config = runtime.config
        return json_response(
            {"status": "ok", "version": __version__, "region": config.region, "auth": config.auth}
        )

    @bp.post("/reset")
    def reset() -> Response:
        account = runtime.account(_body().get("account") or request.args.get("account"))
        runtime.reset(account)
        return json_response({"reset": True, "account": account})

    @bp.route("/clock", methods=["GET", "POST"])
    def clock() -> Response:
        body = _body() if request.method == "POST" else {}
        account = runtime.account(body.get("account") or request.args.get("account"))
        freeze, set_ns, advance = body.get("freeze"), None, body.get("advance", 0)
        if freeze is not None and not isinstance(freeze, bool):
            raise ImmError("InvalidArgument", "freeze must be true or false.")
        if isinstance(advance, bool) or not isinstance(advance, (int, float)):
            raise ImmError("InvalidArgument", "advance must be a number of seconds.")
        if "set" in body:
            try:
                set_ns = parse_rfc3339(str(body["set"]))
            except ValueError as exc:
                raise ImmError(
                    "InvalidArgument", f"set must be an RFC3339 time, not {body['set']!r}."
                ) from exc
        # freeze, then set, then advance: {"set": T, "freeze": true} stops exactly at T.
        if freeze is not None:
            runtime.clock.freeze(freeze, account)
        if set_ns is not None:
            runtime.clock.set_ns(set_ns, account)
        runtime.clock.advance(advance, account)
        return json_response(runtime.clock.describe(account))

    @bp.route("/faults", methods=["GET", "POST", "DELETE"])
    def faults() -> Response:
        body = _body() if request.method == "POST" else {}
        account = runtime.account(body.get("account") or request.args.get("account"))
        if request.method == "POST":
            try:
                rule = FaultRule.from_dict(body)
            except (TypeError, ValueError) as exc:
                raise ImmError("InvalidArgument", f"Bad fault rule: {exc}") from exc
            runtime.faults.add(rule, account)
        elif request.method == "DELETE":
            runtime.faults.clear(account)
        return json_response({"faults": runtime.faults.list(account)})

    return bp


def _body() -> dict[str, Any]:
    if not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ImmError("InvalidArgument", "The control API takes a JSON object body.")
    return body
