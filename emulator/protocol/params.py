"""Wire strings -> typed parameters, driven by the operation's request schema.

Integers and booleans are parsed (booleans case-insensitively: the Python SDK sends ``True``);
``x-imm-style: json`` parameters are decoded from their JSON text (compact from the current SDK,
spaced from the legacy one) or, for arrays, gathered from the flattened ``Name.N.Field`` form. The
decoded request is then validated against the whole schema, and every violation becomes the IMM error
the gateway or the service would give. Parameters the schema does not name are ignored, as the real
gateway ignores them.
"""

from __future__ import annotations

import functools
import json
import math
import re
from typing import Any

from jsonschema.exceptions import ValidationError, best_match

from ..errors import ImmError, invalid, invalid_argument, missing
from . import schemas

_INT = re.compile(r"^[+-]?\d{1,20}$")
_FLAT = re.compile(r"^(?P<name>[A-Za-z]+)\.(?P<index>\d{1,4})(?:\.(?P<field>[A-Za-z]+))?$")


def typed_params(operation: str, raw: dict[str, str]) -> dict[str, Any]:
    """The operation's parameters from ``raw`` (query and form strings), typed and validated. A client
    sends the same parameters again and again (GetTask polling): small sets are remembered."""
    properties: dict[str, dict] = schemas.load(f"{operation}.request").get("properties", {})
    # only these names are read (a flattened array's are Name.N[.Field]): nonces and signatures are not
    wire = tuple((name, value) for name, value in raw.items() if name in properties or "." in name)
    if sum(len(name) + len(value) for name, value in wire) > MEMO_CHARS:
        return _typed(operation, wire)
    return _copied(_remembered(operation, wire))


MEMO_CHARS = 4096  # the largest parameter set remembered (the memo holds at most 1024)


@functools.lru_cache(maxsize=1024)
def _remembered(operation: str, wire: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return _typed(operation, wire)  # an ImmError is raised again each time, never remembered


def _copied(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copied(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copied(item) for item in value]
    return value


def _typed(operation: str, wire: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    raw = dict(wire)
    schema = schemas.load(f"{operation}.request")
    properties: dict[str, dict] = schema.get("properties", {})
    flattened = _gather_flattened(raw, properties)
    out: dict[str, Any] = {}
    for name, prop in properties.items():
        if name in raw:
            value = _convert(name, raw[name], prop)
            if value is not None:
                out[name] = value
        elif name in flattened:
            out[name] = flattened[name]
    for name in schema.get("required", []):
        if name not in out or out[name] == "":
            raise missing(name)
    errors = list(schemas.validator(f"{operation}.request").iter_errors(out))
    if errors:
        raise _to_imm_error(best_match(errors))
    return out


def _convert(name: str, text: str, prop: dict) -> Any:
    kind = prop.get("type")
    if prop.get("x-imm-style") == "json":
        if text.strip() == "":
            return None
        try:
            return strict_json(text)
        except UnusableValue as exc:
            raise invalid_argument(f"The parameter {name} is invalid: {exc}.") from None
        except (ValueError, RecursionError) as exc:
            position = f" at position {exc.pos}" if isinstance(exc, json.JSONDecodeError) else ""
            raise ImmError(
                "InvalidJSON", f"Array parsing error, {name} is not valid JSON{position}."
            ) from exc
    if kind == "string" or kind is None:
        return text
    if text == "":
        return None  # the SDK sends unset optional values as empty strings
    if kind == "integer":
        if not _INT.match(text.strip()):
            raise invalid(name, f"{text!r} is not an integer.")
        return int(text)
    if kind == "number":
        try:
            number = float(text)
        except ValueError as exc:
            raise invalid(name, f"{text!r} is not a number.") from exc
        if not math.isfinite(number):
            raise invalid(name, f"{text!r} is not a finite number.")
        return number
    if kind == "boolean":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise invalid(name, f"{text!r} is not a boolean (true or false).")
        return lowered == "true"
    return text


class UnusableValue(ValueError):
    """JSON that parses but that no answer, journal or store can carry."""


def strict_json(text: str) -> Any:
    """``json.loads`` without Python's extensions: no NaN or Infinity (nor numbers that overflow to
    it), and no lone UTF-16 surrogates (a ``\\udfff`` escape), which no UTF-8 answer can encode."""
    value = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and _SURROGATE.search(item):
            raise UnusableValue("it holds a lone UTF-16 surrogate (\\ud800-\\udfff)")
    return value


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _no_constant(name: str) -> Any:
    raise UnusableValue(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UnusableValue(f"{text} is out of range")
    return value


def _gather_flattened(raw: dict[str, str], properties: dict[str, dict]) -> dict[str, list]:
    """``Tag.1.Key=k&Tag.1.Value=v`` -> ``{"Tag": [{"Key": "k", "Value": "v"}]}`` for array params."""
    found: dict[str, dict[int, Any]] = {}
    for key, value in raw.items():
        match = _FLAT.match(key)
        if not match or properties.get(match["name"], {}).get("type") != "array":
            continue
        slot = found.setdefault(match["name"], {})
        index = int(match["index"])
        if match["field"]:
            entry = slot.setdefault(index, {})
            if isinstance(entry, dict):
                entry[match["field"]] = value
        else:
            slot[index] = value
    return {name: [slot[i] for i in sorted(slot)] for name, slot in found.items()}


def _to_imm_error(error: ValidationError) -> ImmError:
    path = list(error.absolute_path)
    name = str(path[0]) if path else ""
    where = name + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path[1:])
    if error.validator == "type" or (error.validator == "required" and not path):
        return invalid(name or "Parameters", f"{where or 'The request'}: {error.message}.")
    if error.validator == "required":
        return invalid_argument(f"The parameter {where} is invalid: {error.message}.")
    return invalid_argument(f"The parameter {where} is invalid: {_describe(error)}.")


def _describe(error: ValidationError) -> str:
    value, limit = error.instance, error.validator_value
    return {
        "minimum": f"{value!r} is less than the minimum of {limit}",
        "maximum": f"{value!r} is greater than the maximum of {limit}",
        "minLength": f"it must be at least {limit} characters long",
        "maxLength": f"it must be at most {limit} characters long",
        "pattern": f"{value!r} does not match the pattern {limit}",
        "enum": f"{value!r} is not one of {limit}",
    }.get(str(error.validator), error.message)
