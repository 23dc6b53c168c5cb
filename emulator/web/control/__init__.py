"""The /_emulator/* control API, one module per resource: ``service`` (health, OpenAPI, dashboard),
``keys``, ``clock`` (and reset), ``faults``, ``journal``, ``labels``, ``tasks``, ``notifications``;
``arguments`` reads bodies and queries, ``guard`` decides who may call.

Requests take an optional ``account`` (an AccessKeyId, in the JSON body or the query); without one an
action applies to the whole emulator.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import HTTPException

from ...errors import ImmError
from ...runtime import Runtime
from ..envelopes import error_response, new_request_id
from . import clock, faults, guard, journal, keys, labels, notifications, service, tasks

RESOURCES = (service, keys, clock, faults, journal, labels, tasks, notifications)
_EVERY_METHOD = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"]


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

    for resource in RESOURCES:
        resource.routes(bp, runtime)

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
