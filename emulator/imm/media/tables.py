"""Lookup tables, shipped as JSON package data in ``data/``, so mapping rules stay data, not if-chains."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def table(name: str) -> dict[str, Any]:
    """The parsed ``data/<name>.json`` (cached: tables are read once per process)."""
    text = resources.files(__package__).joinpath("data", f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)


def codec_long_name(codec: str | None) -> str | None:
    return table("ffmpeg_names")["codecs"].get(codec) if codec else None


def demuxer_long_name(demuxer: str | None) -> str | None:
    return table("ffmpeg_names")["demuxers"].get(demuxer) if demuxer else None
