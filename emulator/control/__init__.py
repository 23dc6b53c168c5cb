"""The /_emulator/* control API: health, reset and the clock.

Requests take an optional ``account`` (an AccessKeyId, in the JSON body or the query); without one an
action applies to the whole emulator.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request

from .. import __version__
from ..clock import parse_rfc3339
from ..errors import ImmError
from ..responses import error_response, json_response, new_request_id
from ..runtime import Runtime


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
        if "advance" in body:
            seconds = body["advance"]
            if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
                raise ImmError("InvalidArgument", "advance must be a number of seconds.")
            runtime.clock.advance(seconds, account)
        if "set" in body:
            try:
                runtime.clock.set(parse_rfc3339(str(body["set"])) / 1e9, account)
            except ValueError as exc:
                raise ImmError(
                    "InvalidArgument", f"set must be an RFC3339 time, not {body['set']!r}."
                ) from exc
        if "freeze" in body:
            if not isinstance(body["freeze"], bool):
                raise ImmError("InvalidArgument", "freeze must be true or false.")
            runtime.clock.freeze(body["freeze"], account)
        return json_response(runtime.clock.describe(account))

    return bp


def _body() -> dict[str, Any]:
    if not request.get_data(cache=True):
        return {}
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ImmError("InvalidArgument", "The control API takes a JSON object body.")
    return body
