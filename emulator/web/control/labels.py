"""/labels: the labels a task on a matching URI (or glob) answers instead of deriving its own."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...errors import ImmError
from ...imm import video_labels
from ...runtime import Runtime
from ..envelopes import json_response
from . import arguments


def routes(bp: Blueprint, runtime: Runtime) -> None:
    @bp.route("/labels", methods=["GET", "PUT", "DELETE"])
    def labels() -> Response:
        body = arguments.body()
        account = runtime.account(arguments.account(body))
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
