"""DetectMediaMeta: probe an ``oss://`` object and answer what the ffprobe-based service would."""

from __future__ import annotations

from ..errors import invalid_argument
from ..oss.source import open_uri
from . import projects
from .media.probe import detect_media_meta
from .media.source import MediaSource
from .registry import Context


def detect(ctx: Context, params: dict) -> dict:
    # Not marked required in the API metadata, so the gateway lets them through and IMM itself objects.
    for name in ("ProjectName", "SourceURI"):
        if not params.get(name):
            raise invalid_argument(f"The parameter {name} is required but not provided.")
    projects.load(ctx, params["ProjectName"])
    return probe(ctx, open_uri(ctx.oss, ctx.account, params["SourceURI"]))


def probe(ctx: Context, source: MediaSource) -> dict:
    """The DetectMediaMeta answer for ``source`` with this emulator's probe workers and time limit."""
    services = ctx.services
    return detect_media_meta(
        source,
        time_limit=ctx.config.probe_timeout,
        pool=services.probes,
        account=ctx.account,
        cache=services.answers,
    )
