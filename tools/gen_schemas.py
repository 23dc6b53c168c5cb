"""Generate schemas/<Action>.{request,response}.json from Alibaba Cloud's IMM API metadata.

The metadata is vendored in ``emulator/imm/metadata/`` (Alibaba Cloud's api-docs.json for IMM 2020-09-30
as the MIT-licensed dew-serverless/acs-sdk-php repository distributes it; the LICENSE beside it says
which commit). What the metadata lacks or gets wrong is corrected
by ``tools/schema_patches.json`` (merged at JSON-pointer-like paths), the way LocalStack patches
botocore specs.

    python tools/gen_schemas.py [--metadata PATH] [--out schemas] [--check]
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path

from imm_emulator.imm.catalog import EMULATED

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_METADATA = ROOT / "emulator" / "imm" / "metadata" / "imm-2020-09-30-api-docs.json"
PATCHES = ROOT / "tools" / "schema_patches.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_BASE = "https://imm-emulator.dev/schemas/"

OPERATIONS = EMULATED  # the catalogue's: schemas for what the emulator answers

# Structural keywords carried over from the metadata; prose, examples and titles are dropped.
_KEEP = ("type", "enum", "minimum", "maximum", "minLength", "maxLength", "pattern", "minItems", "maxItems")


def convert(node: dict, refs: set[str]) -> dict:
    """One metadata schema node -> JSON Schema; property-level ``required`` becomes a parent list."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        refs.add(name)
        return {"$ref": f"#/$defs/{name}"}
    out = {k: node[k] for k in _KEEP if k in node}
    if node.get("type") == "integer" and node.get("format") == "int32":
        out.update(minimum=-(2**31), maximum=2**31 - 1)
    if "items" in node:
        out["items"] = convert(node["items"], refs)
    if "properties" in node:
        out["properties"] = {name: convert(sub, refs) for name, sub in node["properties"].items()}
        required = [name for name, sub in node["properties"].items() if sub.get("required") is True]
        if required:
            out["required"] = required
    if "additionalProperties" in node and isinstance(node["additionalProperties"], dict):
        out["additionalProperties"] = convert(node["additionalProperties"], refs)
    return out


def collect_defs(components: dict, refs: set[str]) -> dict:
    defs: dict[str, dict] = {}
    pending = sorted(refs)
    while pending:
        name = pending.pop()
        if name in defs:
            continue
        found: set[str] = set()
        defs[name] = convert(components[name], found)
        pending.extend(sorted(found - defs.keys()))
    return dict(sorted(defs.items()))


def request_schema(op: str, api: dict, components: dict) -> dict:
    refs: set[str] = set()
    props: dict[str, dict] = {}
    required: list[str] = []
    for param in api["parameters"]:
        prop = convert(param["schema"], refs)
        if param.get("style") == "json":
            # Travels as one JSON text in a query/form parameter; the schema describes the decoded value.
            prop["x-imm-style"] = "json"
        props[param["name"]] = prop
        if param["schema"].get("required") is True:
            required.append(param["name"])
    schema = {
        "$schema": DIALECT,
        "$id": f"{SCHEMA_BASE}{op}.request.json",
        "title": f"{op} request parameters (decoded)",
        "type": "object",
        "properties": props,
        "required": required,
    }
    if refs:
        schema["$defs"] = collect_defs(components, refs)
    return schema


def response_schema(op: str, api: dict, components: dict) -> dict:
    refs: set[str] = set()
    body = convert(api["responses"]["200"]["schema"], refs)
    schema: dict = {"$schema": DIALECT, "$id": f"{SCHEMA_BASE}{op}.response.json", "title": f"{op} response"}
    schema.update(body)
    schema.setdefault("required", [])
    if "RequestId" not in schema["required"]:
        schema["required"].insert(0, "RequestId")
    if refs:
        schema["$defs"] = collect_defs(components, refs)
    return schema


def apply_patch(schema: dict, patch: dict) -> None:
    """Each key is a '/'-separated path to a node; its keys are merged into that node (null deletes)."""
    for path, changes in patch.items():
        target = schema
        for part in filter(None, path.split("/")):
            target = target.setdefault(part, {})
        for key, value in changes.items():
            if value is None:
                target.pop(key, None)
            else:
                target[key] = copy.deepcopy(value)


def close_objects(node: object) -> None:
    """Strict answers name no field the schema does not: every object with properties is closed
    (free-form maps such as Tags have no properties and stay open)."""
    if isinstance(node, dict):
        if "properties" in node and node.get("type") == "object":
            node.setdefault("additionalProperties", False)
        for value in node.values():
            close_objects(value)
    elif isinstance(node, list):
        for value in node:
            close_objects(value)


def generate(metadata: dict, patches: dict) -> dict[str, dict]:
    """Published schemas (``<name>.json``: what the real service may send) and, for answers, the
    emulator's own stricter contract (``strict/<name>.json``: enums, formats, required fields, closed)."""
    components = metadata["components"]["schemas"]
    out: dict[str, dict] = {}
    for op in OPERATIONS:
        api = metadata["apis"][op]
        out[f"{op}.request.json"] = request_schema(op, api, components)
        out[f"{op}.response.json"] = response_schema(op, api, components)
    for name, schema in patches.get("_extra", {}).items():
        out[f"{name}.json"] = copy.deepcopy(schema)
    for name, schema in list(out.items()):
        apply_patch(schema, patches.get(name.removesuffix(".json"), {}))
    for name in [n for n in out if not n.endswith(".request.json")]:
        strict = copy.deepcopy(out[name])
        strict["$id"] = strict["$id"].replace("/schemas/", "/schemas/strict/")
        apply_patch(strict, patches.get("strict:" + name.removesuffix(".json"), {}))
        close_objects(strict)
        out[f"strict/{name}"] = strict
    return out


def render(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--metadata", type=Path, default=DEFAULT_METADATA)
    parser.add_argument("--out", type=Path, default=ROOT / "schemas")
    parser.add_argument("--check", action="store_true", help="fail if the committed schemas drift")
    args = parser.parse_args(argv)
    schemas = generate(json.loads(args.metadata.read_text()), json.loads(PATCHES.read_text()))
    drift = []
    (args.out / "strict").mkdir(exist_ok=True)
    for name, schema in schemas.items():
        path = args.out / name
        text = render(schema)
        if args.check:
            if not path.exists() or path.read_text() != text:
                drift.append(name)
        else:
            path.write_text(text)
    if drift:
        print("schemas drifted from the generator: " + ", ".join(drift), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
