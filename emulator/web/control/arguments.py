"""What a control request gives: its JSON body (checked against the OpenAPI document, the contract), the
account it names, and bounded query numbers."""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

from flask import request
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from ...errors import ImmError
from ...protocol.params import strict_json
from ..envelopes import read_body

MAX_CONTROL_BODY = 1 << 20
OPENAPI = (resources.files("imm_emulator.web.control") / "openapi.json").read_text(encoding="utf-8")
_BODIES = {  # (OpenAPI path, method) -> the validator of its JSON body: the document is the contract
    (path, method.upper()): Draft202012Validator(op["requestBody"]["content"]["application/json"]["schema"])
    for path, ops in json.loads(OPENAPI)["paths"].items()
    for method, op in ops.items()
    if isinstance(op, dict) and "requestBody" in op
}


def body() -> dict[str, Any]:
    data = read_body(MAX_CONTROL_BODY)
    if data is None:
        raise ImmError(
            "InvalidArgument", f"The control API takes bodies up to {MAX_CONTROL_BODY} bytes.", 413
        )
    if not data:
        return {}
    try:
        parsed = strict_json(data.decode("utf-8")) if request.is_json else None
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict):
        raise ImmError("InvalidArgument", "The control API takes a JSON object body (application/json).")
    rule = request.url_rule.rule if request.url_rule else ""
    validator = _BODIES.get((re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule), request.method))
    problem = best_match(validator.iter_errors(parsed)) if validator else None
    if problem is not None:
        where = "".join(f"[{p!r}]" for p in problem.absolute_path) or "the body"
        raise ImmError(
            "InvalidArgument",
            f"The body does not match the control API's schema (/_emulator/openapi.json) at {where}: "
            f"{problem.message[:300]}",
        )
    return parsed


def account(given: dict[str, Any]) -> str | None:
    """The AccessKeyId a call names (body, then query), or None for the whole emulator."""
    value = given.get("account")
    value = request.args.get("account") if value is None or value == "" else value
    if value is not None and not isinstance(value, str):
        raise ImmError("InvalidArgument", "account must be an AccessKeyId (a string).")
    return value or None


def float_arg(name: str, default: float, low: float, high: float) -> float:
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


def int_arg(name: str, default: int, low: int, high: int) -> int:
    value = float_arg(name, default, low, high)
    if not float(value).is_integer():
        raise ImmError("InvalidArgument", f"{name} must be an integer from {low} to {high}.")
    return int(value)
