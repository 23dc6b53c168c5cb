"""/health, /openapi.json and /ui: what the emulator is, its control contract, and its dashboard."""

from __future__ import annotations

from flask import Blueprint, Response

from ... import __version__
from ...runtime import Runtime
from ..envelopes import json_response
from .arguments import OPENAPI
from .ui import render_dashboard


def routes(bp: Blueprint, runtime: Runtime) -> None:
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
