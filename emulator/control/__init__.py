"""The /_emulator/* control API: health, reset, the clock, fault rules, tasks and notifications.

Requests take an optional ``account`` (an AccessKeyId, in the JSON body or the query); without one an
action applies to the whole emulator.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict
from importlib import resources
from typing import Any

from flask import Blueprint, Response, current_app, request
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from werkzeug.exceptions import HTTPException

from .. import __version__
from ..clock import NS, parse_rfc3339
from ..config import AccessKey
from ..errors import ImmError, ascii_int
from ..faults import FaultRule
from ..imm import notifications, tasks, video_labels
from ..protocol.params import strict_json
from ..runtime import Runtime
from ..web import error_response, json_response, new_request_id, read_body
from . import guard
from .ui import render_dashboard

MAX_CONTROL_BODY = 1 << 20
MAX_WAIT = 10.0  # seconds one GET /notifications may wait (clients ask again to wait longer)
LATEST_NS = 253402300799 * NS  # 9999-12-31T23:59:59Z
OPENAPI = (resources.files("imm_emulator.control") / "openapi.json").read_text(encoding="utf-8")
_BODIES = {  # (OpenAPI path, method) -> the validator of its JSON body: the document is the contract
    (path, method.upper()): Draft202012Validator(op["requestBody"]["content"]["application/json"]["schema"])
    for path, ops in json.loads(OPENAPI)["paths"].items()
    for method, op in ops.items()
    if isinstance(op, dict) and "requestBody" in op
}


def control_blueprint(runtime: Runtime) -> Blueprint:
    bp = Blueprint("control", __name__, url_prefix="/_emulator")

    @bp.errorhandler(ImmError)
    def _error(error: ImmError) -> Response:
        return error_response(runtime, error, new_request_id())

    @bp.before_request
    def _guard() -> None:
        if request.endpoint == "control.unserved":  # answers 404/405 and touches nothing
            return
        guard.check(
            runtime.config, request.method, request.path, request.headers.get, request.args.get("token")
        )

    @bp.get("/openapi.json")
    def openapi() -> Response:
        return Response(OPENAPI, mimetype="application/json")

    @bp.get("/ui")
    def ui() -> Response:
        return render_dashboard(runtime)

    @bp.get("/health")
    def health() -> Response:
        config = runtime.config
        return json_response(
            {"status": "ok", "version": __version__, "region": config.region, "auth": config.auth}
        )

    @bp.route("/keys", methods=["GET", "POST"])
    def keys() -> Response:
        """Which account a key belongs to (GET ?access_key_id=); register a key (POST), e.g. one per test
        worker sharing a server with strict auth."""
        if request.method == "POST":
            body = _body()
            try:
                key = AccessKey(
                    str(body.get("access_key_id", "")),
                    str(body.get("secret", "")),
                    body.get("security_token"),
                    str(body.get("account_id") or ""),
                )
            except ValueError as exc:
                raise ImmError("InvalidArgument", str(exc)) from exc
            joins = "account_id" in body and key.account_id in runtime.auth.accounts()
            if joins and not guard.token_given(
                runtime.config, request.headers.get("Authorization", ""), request.args.get("token")
            ):
                raise ImmError(
                    "Forbidden.Account",
                    f"Account {key.account_id} exists: a key joins an existing account only with the "
                    "control token (--control-token). Leave account_id out for an account of its own.",
                    403,
                )
            runtime.register_key(key)
            access_key_id = key.access_key_id
        else:
            access_key_id = request.args.get("access_key_id", "")
            if not access_key_id:
                raise ImmError("InvalidArgument", "Give access_key_id.")
        known = runtime.auth.key(access_key_id) is not None
        return json_response(
            {
                "access_key_id": access_key_id,
                "account": runtime.auth.account_of(access_key_id),
                "registered": known,
            }
        )

    @bp.post("/reset")
    def reset() -> Response:
        account = runtime.account(_account(_body()))
        runtime.reset(account)
        return json_response({"reset": True, "account": account})

    @bp.route("/clock", methods=["GET", "POST"])
    def clock() -> Response:
        body = _body()
        account = runtime.account(_account(body))
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

    @bp.route("/faults", methods=["GET", "POST", "DELETE"])
    def faults() -> Response:
        body = _body()
        account = runtime.account(_account(body))
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

    @bp.route("/requests", methods=["GET", "DELETE"])
    def requests_journal() -> Response:
        account = runtime.account(_account(_body()))
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
            since=int(_float_arg("since", 0, 0, 1e18)),
            limit=_int_arg("limit", 0, 0, 1_000_000) or None,
        )
        return json_response({"size": runtime.journal.size, "requests": entries})

    @bp.put("/test")
    def current_test() -> Response:
        """The pytest plugin names the test that runs, so journal entries can be found by test."""
        body = _body()
        account = runtime.account(_account(body))
        name = body.get("name")
        if name is not None and not isinstance(name, str):
            raise ImmError("InvalidArgument", "name must be a string or null.")
        runtime.journal.set_test(name, account)
        return json_response({"test": name, "account": account})

    @bp.route("/labels", methods=["GET", "PUT", "DELETE"])
    def labels() -> Response:
        body = _body()
        account = runtime.account(_account(body))
        if request.method == "PUT":
            pattern, given = body.get("uri"), body.get("labels")
            if not isinstance(pattern, str) or not isinstance(given, list):
                raise ImmError(
                    "InvalidArgument", 'Send {"uri": "oss://bucket/key-or-glob*", "labels": [...]}.'
                )
            video_labels.set_override(runtime.services, account, pattern, given)
        elif request.method == "DELETE":
            video_labels.clear_overrides(runtime.services, account)
        return json_response({"labels": video_labels.list_overrides(runtime.services, account)})

    @bp.post("/tasks/<task_id>/<action>")
    def end_task(task_id: str, action: str) -> Response:
        body = _body()
        account = runtime.account(_account(body))
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
        body = _body()
        account = runtime.account(_account(body))
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

    @bp.route("/notifications", methods=["GET", "DELETE"])
    def notification_outbox() -> Response:
        account = runtime.account(_account(_body()))
        owners = [account] if account else runtime.store.accounts(notifications.KIND)
        if request.method == "DELETE":
            for owner in owners:
                notifications.clear(runtime.services.context(owner))
            return json_response({"notifications": []})
        wait = _float_arg("wait", 0.0, 0.0, MAX_WAIT)
        count = _int_arg("count", 1, 1, 10_000)
        filters = {"task_id": request.args.get("task_id"), "channel": request.args.get("channel")}

        def collect() -> list[dict]:
            found = []
            for owner in runtime.store.accounts(notifications.KIND) if account is None else owners:
                found += notifications.outbox(runtime.services.context(owner), **filters)
            return sorted(found, key=lambda e: e["created"])

        if wait:
            notifications.wait_until(runtime.services, lambda: len(collect()) >= count, wait)
        return json_response({"notifications": collect()})

    @bp.route("/", defaults={"_rest": ""}, methods=_EVERY_METHOD)
    @bp.route("/<path:_rest>", methods=_EVERY_METHOD)
    def unserved(_rest: str) -> Response:
        """Without this, OSS's catch-all route would take /_emulator/... as a bucket."""
        raise unserved_error(request.path, request.method)

    @bp.after_request
    def _options(response: Response) -> Response:
        if request.method == "OPTIONS":  # Flask's Allow would count the catch-all's methods too
            response.headers["Allow"] = ", ".join(_served_methods(request.path))
        return response

    return bp


def unserved_error(path: str, method: str) -> ImmError:
    """A control path with a method it does not serve (405, naming those it does), or no such path
    (404)."""
    allowed = _served_methods(path)
    if allowed:
        return ImmError(
            "MethodNotAllowed",
            f"{method} is not served on {path}; use {', '.join(allowed)}.",
            405,
            {"Allow": ", ".join(allowed)},
        )
    return ImmError(
        "InvalidApi.NotFound",
        f"Specified api is not found, please check your url and method. {path} is not part of the "
        "control API (see /_emulator/openapi.json).",
    )


def _served_methods(path: str) -> list[str]:
    """The methods the control API serves on ``path`` (none: no such path)."""
    adapter = current_app.url_map.bind("localhost")
    served = []
    for method in _EVERY_METHOD:
        try:
            endpoint, _ = adapter.match(path, method=method)
        except HTTPException:
            continue
        if endpoint.startswith("control.") and endpoint != "control.unserved":
            served.append(method)
    return served


_EVERY_METHOD = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]


def _account(body: dict[str, Any]) -> str | None:
    """The AccessKeyId a call names (body, then query), or None for the whole emulator."""
    value = body.get("account")
    value = request.args.get("account") if value is None or value == "" else value
    if value is not None and not isinstance(value, str):
        raise ImmError("InvalidArgument", "account must be an AccessKeyId (a string).")
    return value or None


def _float_arg(name: str, default: float, low: float, high: float) -> float:
    text = request.args.get(name)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ImmError("InvalidArgument", f"{name} must be a number from {low:g} to {high:g}.")
    return value


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    value = _float_arg(name, default, low, high)
    if not float(value).is_integer():
        raise ImmError("InvalidArgument", f"{name} must be an integer from {low} to {high}.")
    return int(value)


def _body() -> dict[str, Any]:
    data = read_body(MAX_CONTROL_BODY)
    if data is None:
        raise ImmError(
            "InvalidArgument", f"The control API takes bodies up to {MAX_CONTROL_BODY} bytes.", 413
        )
    if not data:
        return {}
    try:
        body = strict_json(data.decode("utf-8")) if request.is_json else None
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise ImmError("InvalidArgument", "The control API takes a JSON object body (application/json).")
    rule = request.url_rule.rule if request.url_rule else ""
    validator = _BODIES.get((re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule), request.method))
    problem = best_match(validator.iter_errors(body)) if validator else None
    if problem is not None:
        where = "".join(f"[{p!r}]" for p in problem.absolute_path) or "the body"
        raise ImmError(
            "InvalidArgument",
            f"The body does not match the control API's schema (/_emulator/openapi.json) at {where}: "
            f"{problem.message[:300]}",
        )
    return body
