"""Drifts made from docs/traceability.md, one per response field the page holds to its type: for
each row whose contract cell names `response_schema_conformance` and whose spec cell names a
field of a response schema as `` `Schema.field` ``, a deployment that answers that field in a type
the spec does not allow (a number where a string belongs, a string for an amount, a list for an
object), in every object of that schema it sends. Schemathesis' response-schema check, which the
harness also runs on the rules' own responses, must report each as ``ST108``.

An object is taken for an instance of a schema when it carries every property the schema
requires (or, for a schema that requires none, the field itself); a field the answers never
carry is put in, so an optional field drifts as surely as a required one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

import yaml

from contracts.checks import every_object
from specs import spec_path
from tests.support.drift_proxy import Drift, Exchange
from tests.support.traceability import Row, page_rows, schemathesis_checks

JSON = dict[str, Any]
_FIELD = re.compile(r"`([A-Z]\w*)\.(\w+)`")
# A value of each JSON type; a drift sends the first whose type the field does not allow.
_WRONG_VALUES: tuple[tuple[str, Any], ...] = (
    ("integer", 12345),
    ("string", "drifted"),
    ("boolean", True),
    ("array", ["drifted"]),
    ("object", {"drifted": True}),
)


@functools.cache
def _spec(vendor: str) -> JSON:
    loaded: JSON = yaml.safe_load(spec_path(f"{vendor}.yaml").read_text(encoding="utf-8"))
    return loaded


def _resolved(spec: JSON, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _types(spec: JSON, node: Any) -> set[str] | None:
    """The JSON types a schema allows; None when it does not constrain them."""
    node = _resolved(spec, node)
    if not isinstance(node, dict):
        return None
    if "type" in node:
        types = {node["type"]} if isinstance(node["type"], str) else set(node["type"])
        if "number" in types:
            types.add("integer")
        return types | ({"null"} if node.get("nullable") else set())
    for combined in ("anyOf", "oneOf"):
        if combined in node:
            found: set[str] = set()
            for option in node[combined]:
                option_types = _types(spec, option)
                if option_types is None:
                    return None
                found |= option_types
            return found
    if "allOf" in node:
        constrained = [_types(spec, part) for part in node["allOf"]]
        known = [types for types in constrained if types is not None]
        return set.intersection(*known) if known else None
    if "enum" in node:
        return {_json_type(value) for value in node["enum"]}
    return None


def _json_type(value: Any) -> str:
    for name, kind in (("boolean", bool), ("integer", int), ("number", float), ("string", str)):
        if isinstance(value, kind):
            return name
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "null"


@functools.cache
def _response_schemas(vendor: str) -> frozenset[str]:
    """The schemas any response of the spec carries, at any depth."""
    spec = _spec(vendor)
    seen: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[-1]
                if name not in seen:
                    seen.add(name)
                    walk(spec["components"]["schemas"][name])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict):
                walk(operation.get("responses", {}))
    walk(spec.get("components", {}).get("responses", {}))
    return frozenset(seen)


def _instances(body: Any, required: frozenset[str], field: str) -> Iterator[JSON]:
    keys = required or frozenset({field})
    return (obj for obj in every_object(body) if keys <= obj.keys())


def _retyped(vendor: str, schema: str, field: str) -> tuple[Any, frozenset[str]] | None:
    """The wrong value for ``schema.field`` and the properties that mark an instance; None when
    the field is no property of a response schema or takes any type."""
    spec = _spec(vendor)
    definition = spec.get("components", {}).get("schemas", {}).get(schema)
    if definition is None or schema not in _response_schemas(vendor):
        return None
    definition = _resolved(spec, definition)
    prop = definition.get("properties", {}).get(field)
    allowed = _types(spec, prop) if prop is not None else None
    if allowed is None:
        return None
    wrong = next((value for kind, value in _WRONG_VALUES if kind not in allowed), None)
    return wrong, frozenset(definition.get("required", ()))


def _drift(vendor: str, schema: str, field: str, rows: tuple[str, ...]) -> Drift | None:
    retyped = _retyped(vendor, schema, field)
    if retyped is None:
        return None
    wrong, required = retyped

    def rewrite(exchange: Exchange) -> None:
        for obj in _instances(exchange.body, required, field):
            obj[field] = wrong

    return Drift(
        f"type-of-{schema}.{field}",
        vendor,
        f"{schema}.{field} comes as {wrong!r}, a type the spec does not allow",
        rewrite,
        "ST108",
        rows=rows,
    )


def _field_rows(rows: list[Row]) -> dict[tuple[str, str, str], list[str]]:
    """(vendor, schema, field) -> the rows that hold that field to its type."""
    found: dict[tuple[str, str, str], list[str]] = {}
    for row in rows:
        if not row.specs or "response_schema_conformance" not in schemathesis_checks(row.contract):
            continue
        vendor = row.specs[0]
        if not spec_path(f"{vendor}.yaml").is_file():
            continue
        for schema, field in _FIELD.findall(row.cells.get("spec", "")):
            found.setdefault((vendor, schema, field), []).append(row.id)
    return found


def schema_field_drifts() -> list[Drift]:
    drifts = (
        _drift(vendor, schema, field, tuple(rows))
        for (vendor, schema, field), rows in sorted(_field_rows(page_rows()).items())
    )
    return [drift for drift in drifts if drift is not None]


DRIFTS = schema_field_drifts()
