"""The compiled validator that waves valid requests through never takes a value that the
schema's Python validator refuses, for any schema a spec serves; what it refuses is explained
by the Python validator as before."""

from __future__ import annotations

from typing import Any

from connexion.middleware.request_validation import RequestValidationMiddleware

from sandbox.app import create_app
from sandbox.validation import (
    BodySchemaValidator,
    ParameterSchemaValidator,
    accepts,
    compiled,
)
from tests.support.clients import dayzero_client

SAMPLES: tuple[Any, ...] = (
    None,
    {"reason": None},
    {"customer_id": None, "amount_cents": 100},
    {"invoice_id": None, "amount_cents": 1, "description": None},
    True,
    False,
    0,
    1,
    -1,
    1.0,
    1.5,
    10**30,
    "",
    "a",
    "a\n",
    "x" * 300,
    "2024-01-31",
    "2024-02-30",
    "2024-01-31T10:00:00Z",
    "2024-01-31t10:00:00z",
    "2024-01-31 10:00:00",
    "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "ap@example.com",
    "USD",
    "DRAFT",
    "memo",
    "issued",
    "Bearer x",
    [],
    ["a"],
    [1, 2],
    {},
    {"amount_cents": 100},
    {"amount_cents": "100"},
    {"customer_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "amount_cents": 100},
    {"customer_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "amount_cents": 1.0},
    {"invoice_id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "amount_cents": 1},
    {"customer_id": "x", "amount_cents": -5, "extra": True},
)


def _served_schemas() -> list[tuple[type, Any]]:
    """Every parameter and JSON body schema of every operation the sandbox serves."""
    app = next(iter(create_app(None)._apps.values()))
    validation = next(
        layer
        for layer in app.middleware.middleware_stack
        if isinstance(layer, RequestValidationMiddleware)
    )
    schemas: list[tuple[type, Any]] = []
    for apis in validation.apis.values():
        for api in apis:
            for operation in api.operations.values():
                spec = operation._operation
                for parameter in spec.parameters:
                    schemas.append((ParameterSchemaValidator, parameter.get("schema", parameter)))
                body = spec.body_schema("application/json")
                if body:
                    schemas.append((BodySchemaValidator, body))
    return schemas


def test_no_value_the_python_validator_refuses_is_accepted_by_the_compiled_one() -> None:
    schemas = _served_schemas()
    assert len(schemas) > 250
    checked = accepted = 0
    wrongly_accepted = []
    for kind, schema in schemas:
        for value in SAMPLES:
            checked += 1
            if accepts(schema, value, openapi_nullable=kind is BodySchemaValidator):
                accepted += 1
                errors = [e.message for e in compiled(kind, schema).iter_errors(value)]
                if errors:
                    wrongly_accepted.append((schema, value, errors))
    assert wrongly_accepted == []
    # the compiled validator does the work for most valid values: it is really in use
    assert accepted > checked // 10


def test_the_compiled_validator_reads_openapis_nullable_as_the_request_validator_does() -> None:
    plain = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}
    assert accepts(plain, {"n": 1})
    assert not accepts(plain, {"n": "1"})
    nullable = {
        "type": "object",
        "properties": {
            "n": {"type": "integer", "nullable": True},
            "kind": {"type": "string", "enum": ["a", "b"], "x-nullable": True},
            "whole": {"nullable": True, "allOf": [{"type": "object"}]},
        },
    }
    assert accepts(nullable, {"n": None, "kind": None}, openapi_nullable=True)
    assert not accepts(nullable, {"n": "1"}, openapi_nullable=True)
    assert not accepts(nullable, {"kind": "c"}, openapi_nullable=True)
    # as in Connexion's validator, nullable lets null past the schema's own type and enum only
    assert not accepts(nullable, {"whole": None}, openapi_nullable=True)
    assert BodySchemaValidator(nullable).is_valid({"n": None, "kind": None})
    assert not BodySchemaValidator(nullable).is_valid({"whole": None})
    # parameters are validated as plain JSON Schema, where nullable means nothing
    assert not accepts(nullable, {"n": None})
    anchored = {"type": "string", "pattern": "^[A-Z]{3}$"}
    assert accepts(anchored, "USD")
    assert not accepts(anchored, "USD\n")  # `$` is the end of the string, as in the Python one


def test_a_value_it_refuses_is_still_explained_issue_by_issue(client: Any) -> None:
    dayzero = dayzero_client(client)
    refused = dayzero.call(
        "POST", "/credit-memos", json={"customer_id": "not-a-uuid", "amount_cents": "ten"}
    )
    assert refused.status_code == 422
    issues = {tuple(issue["loc"]): issue["type"] for issue in refused.json()["detail"]}
    assert issues[("body", "amount_cents")] == "int_type"
