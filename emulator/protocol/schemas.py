"""The JSON Schemas shipped in ``imm_emulator.schemas``, loaded once and compiled on first use."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from jsonschema import Draft202012Validator


@cache
def load(name: str) -> dict:
    """``load("CreateProject.request")`` -> the schema dict; KeyError if there is none."""
    path = resources.files("imm_emulator.schemas") / f"{name}.json"
    if not path.is_file():
        raise KeyError(name)
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(load(name))


def operations() -> tuple[str, ...]:
    names = (p.name for p in resources.files("imm_emulator.schemas").iterdir())
    return tuple(sorted(n.removesuffix(".request.json") for n in names if n.endswith(".request.json")))
