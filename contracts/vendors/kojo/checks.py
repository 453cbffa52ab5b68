"""Kojo invariants every GraphQL response must keep, on whatever fields the query selected:
every value has its field's type in the SDL, extended prices, subtotals and totals add up, line
numbers run 1…n, nested objects are the ones their ids name, and (judged on responses of every
status) every error carries a request id and a result with errors comes with HTTP 200."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    build_schema,
    get_named_type,
)

from contracts.checks import JSON, Invariants, every_object
from specs import spec_path

CENT = 0.005
ITEM_LISTS = ("creditMemoItems", "invoiceItems")


def _label(obj: JSON) -> str:
    return str(
        obj.get("creditMemoNumber") or obj.get("invoiceNumber") or obj.get("id") or "<no id>"
    )


def _close(a: float, b: float) -> bool:
    return abs(a - b) < CENT


_SEED = "seeds/002_7688847675900ee0.txt (Credit Memos)"
_FACTS = "vendor-facts.md, Kojo"
INVARIANTS = Invariants("kojo", __name__)
# every object under the result's data, whatever fields the query selected
object_check = INVARIANTS.over(
    "object",
    lambda body: every_object(body.get("data") if isinstance(body, dict) else None),
    _label,
)


@cache
def sdl() -> GraphQLSchema:
    """Kojo's SDL, ``specs/kojo.graphql``, as graphql-core reads it."""
    return build_schema(spec_path("kojo.graphql").read_text(encoding="utf-8"))


def _object_types() -> list[GraphQLObjectType]:
    return [
        type_
        for name, type_ in sdl().type_map.items()
        if isinstance(type_, GraphQLObjectType) and not name.startswith("__")
    ]


def _objects(value: Any) -> Iterator[JSON]:
    """The objects in a field's value: the value itself, or a list's (at any depth)."""
    if isinstance(value, dict):
        yield value
    elif isinstance(value, list):
        for inner in value:
            yield from _objects(inner)


def _recognised(obj: JSON) -> GraphQLObjectType | None:
    """The one object type of the SDL whose fields include every key of ``obj``, if only one does
    (an object under an alias, whose type its key cannot name)."""
    keys = set(obj) - {"__typename"}
    if isinstance(obj.get("__typename"), str):
        named = sdl().get_type(obj["__typename"])
        return named if isinstance(named, GraphQLObjectType) else None
    fitting = [type_ for type_ in _object_types() if keys and keys <= set(type_.fields)]
    return fitting[0] if len(fitting) == 1 else None


def typed_objects(body: Any) -> Iterator[tuple[GraphQLObjectType, JSON]]:
    """Every object under a result's ``data`` with its SDL type: from ``Query`` down, each field's
    value of the field's type; an object under a key no field of its parent is named (an alias)
    by its own fields, when they name one type."""

    def walk(type_: GraphQLObjectType, obj: JSON) -> Iterator[tuple[GraphQLObjectType, JSON]]:
        yield type_, obj
        for key, value in obj.items():
            field = type_.fields.get(key)
            inner = get_named_type(field.type) if field else None
            for nested in _objects(value):
                if isinstance(inner, GraphQLObjectType):
                    yield from walk(inner, nested)
                elif field is None and (recognised := _recognised(nested)) is not None:
                    yield from walk(recognised, nested)

    data = body.get("data") if isinstance(body, dict) else None
    query = sdl().query_type
    if isinstance(data, dict) and query is not None:
        yield from walk(query, data)


# a date, then its time after a "T" or a space (the seed's own examples use a space)
_DATE_AND_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _is_datetime(value: Any) -> bool:
    """A date and time as ISO 8601 writes it, its time after a "T" or a space: the SDL's
    DateTime, e.g. the seed's own example "2021-03-24 17:26:46.983Z"."""
    if not isinstance(value, str) or not _DATE_AND_TIME.match(value):
        return False
    try:
        dt.datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", value.replace("Z", "+00:00")))
    except ValueError:
        return False
    return True


_SCALARS = {
    "ID": lambda value: isinstance(value, str),
    "String": lambda value: isinstance(value, str),
    "Boolean": lambda value: isinstance(value, bool),
    "Int": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "Float": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
    "DateTime": _is_datetime,
}


def type_error(type_: GraphQLOutputType, value: Any, where: str) -> str | None:
    """Why ``value`` is not a value of the SDL type ``type_`` in a response; None if it is."""
    if isinstance(type_, GraphQLNonNull):
        if value is None:
            return f"{where} is null, but its type {type_} is non-null"
        type_ = type_.of_type
    if value is None:
        return None
    if isinstance(type_, GraphQLList):
        if not isinstance(value, list):
            return f"{where} is {value!r}, not a list ({type_})"
        inner = (type_error(type_.of_type, v, f"{where}[{i}]") for i, v in enumerate(value))
        return next((error for error in inner if error), None)
    if isinstance(type_, GraphQLObjectType):
        return None if isinstance(value, dict) else f"{where} is {value!r}, not an object ({type_})"
    if isinstance(type_, GraphQLEnumType):
        return None if value in type_.values else f"{where} is {value!r}, not a {type_} value"
    is_one = _SCALARS.get(getattr(type_, "name", ""))
    if is_one is not None and not is_one(value):
        return f"{where} is {value!r}, not of type {type_}"
    return None


@INVARIANTS.body(source=f"{_SEED}: each field's type and nullability; specs/kojo.graphql")
def fields_have_their_sdl_types(body: Any) -> int:
    """Every field of every object under data (a CreditMemo, a CreditMemoItem, an Invoice, an
    InvoiceItem) has the type the SDL gives it: a non-null field is never null, an ID, String or
    DateTime is a string (a DateTime an ISO 8601 one), an Int an integer, a Float a number, a list
    a list and an object an object"""
    judged = 0
    for type_, obj in typed_objects(body):
        judged += type_ is not sdl().query_type
        for key, value in obj.items():
            field = type_.fields.get(key)
            if field is not None:
                error = type_error(field.type, value, f"{type_.name}.{key} of {_label(obj)}")
                assert error is None, error
    return judged


@object_check(source=f"{_SEED}: CreditMemoItem extPriceFloat, quantity, unitPriceFloat")
def ext_price_is_quantity_times_unit_price(item: JSON) -> bool | None:
    """An item's extPriceFloat is its quantity times its unitPriceFloat"""
    names = ("quantity", "unitPriceFloat", "extPriceFloat")
    if any(item.get(name) is None for name in names):
        return False
    quantity, unit_price, ext_price = (float(item[name]) for name in names)
    assert _close(ext_price, round(quantity * unit_price, 2)), (
        f"item {_label(item)}: extPriceFloat {ext_price} but {quantity} * {unit_price}"
    )
    return True


@object_check(source=f"{_SEED}: subtotal (before other costs such as taxes)")
def subtotal_is_sum_of_items(obj: JSON) -> bool | None:
    """A credit memo's subtotal is the sum of its items' extended prices"""
    items = next((obj[name] for name in ITEM_LISTS if isinstance(obj.get(name), list)), None)
    if items is None or obj.get("subtotal") is None:
        return False
    if any(item.get("extPriceFloat") is None for item in items):
        return False
    summed = sum(float(item["extPriceFloat"]) for item in items)
    assert _close(float(obj["subtotal"]), summed), (
        f"{_label(obj)}: subtotal {obj['subtotal']} but its items sum to {summed:.2f}"
    )
    return True


@object_check(source=f"{_SEED}: totalDue, payments, shippingCostFloat, tax; specs/kojo.graphql")
def total_due_follows_its_parts(obj: JSON) -> bool | None:
    """totalDue = subtotal + tax + shippingCostFloat - payments"""
    parts = ("subtotal", "tax", "shippingCostFloat", "payments", "totalDue")
    if any(obj.get(name) is None for name in parts):
        return False
    subtotal, tax, shipping, payments, total = (float(obj[name]) for name in parts)
    expected = subtotal + tax + shipping - payments
    assert _close(total, expected), (
        f"{_label(obj)}: totalDue {total} but subtotal + tax + shipping - payments = {expected:.2f}"
    )
    return True


@object_check(source=f"{_SEED}: lineNumber (the index of the line item within its credit memo)")
def line_numbers_run_in_order(obj: JSON) -> bool | None:
    """Items' lineNumber runs 1…n in order"""
    items = next((obj[name] for name in ITEM_LISTS if isinstance(obj.get(name), list)), None)
    if not items or any(item.get("lineNumber") is None for item in items):
        return False
    numbers = [item["lineNumber"] for item in items]
    assert numbers == list(range(1, len(items) + 1)), (
        f"{_label(obj)}: lineNumbers {numbers}, expected 1…{len(items)} in order"
    )
    return True


_NESTED = (
    ("invoice", "invoiceId"),
    ("creditMemo", "creditMemoId"),
    ("invoiceItem", "invoiceItemId"),
)


@object_check(
    source=f"{_SEED}: invoiceId/invoice, creditMemoId/creditMemo, invoiceItemId/invoiceItem"
)
def nested_objects_match_their_ids(obj: JSON) -> bool | None:
    """A nested invoice, credit memo or invoice item is the one its id field names"""
    judged = False
    for nested, id_field in _NESTED:
        inner = obj.get(nested)
        if isinstance(inner, dict) and inner.get("id") and obj.get(id_field):
            judged = True
            assert inner["id"] == obj[id_field], (
                f"{_label(obj)}: {id_field} is {obj[id_field]} but {nested}.id is {inner['id']}"
            )
    for name in ITEM_LISTS:
        for item in obj.get(name) or []:
            owner = "creditMemoId" if name == "creditMemoItems" else "invoiceId"
            if isinstance(item, dict) and item.get(owner) and obj.get("id"):
                judged = True
                assert item[owner] == obj["id"], (
                    f"{_label(obj)}: an item of it has {owner} {item[owner]}"
                )
    return judged


@INVARIANTS.response(source=f"{_FACTS}: errors are {{errors: [{{message, requestId}}]}}")
def errors_carry_request_ids(status: int, body: Any) -> int:
    """Every error carries a message and a requestId, whatever the status it comes with"""
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return 0
    for error in body["errors"]:
        assert isinstance(error, dict) and error.get("message"), (
            f"an error without a message: {error}"
        )
        assert error.get("requestId"), f"an error without a requestId: {error}"
    return len(body["errors"])


ERRORS_PAGE = (
    "https://docs.kojo.tech/docs/standards/errors: GraphQL APIs will always return HTTP code 200; "
    "check for the errors key"
)
# Statuses an answer with errors may keep: the rate limit's 429 (Kojo's documented exception,
# https://docs.kojo.tech/docs/getting-started/api-limits), and (ours: Kojo's pages say nothing of
# them) what never reaches the GraphQL server: a path or a method /graphql does not take, a body
# too large or too slow, and 5xx, which a gateway in front of it may answer in any shape.
NOT_GRAPHQL_RESULTS = frozenset({404, 405, 408, 413, 429})


@INVARIANTS.response(source=f"{ERRORS_PAGE}; {_FACTS}: the documented exception is 429")
def graphql_errors_come_with_http_200(status: int, body: Any) -> int:
    """A GraphQL result with errors comes with HTTP 200, as every GraphQL result does (the rate
    limit's 429 excepted; ours: 404, 405, 408, 413 and 5xx are not judged, as answers that never
    reached the GraphQL server)"""
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return 0
    if status in NOT_GRAPHQL_RESULTS or status >= 500:
        return 0
    messages = [str(error.get("message")) for error in body["errors"] if isinstance(error, dict)]
    assert status == 200, (
        f"a GraphQL result with errors came with HTTP {status}, not 200: {messages[:2]}"
    )
    return 1


LIMITS_PAGE = (
    "https://docs.kojo.tech/docs/getting-started/api-limits: 429 "
    "{code: RATE_LIMIT_EXCEEDED, error, message, retryAfter, resetAt}"
)
RATE_LIMITED = "RATE_LIMIT_EXCEEDED"
RATE_LIMIT_FIELDS = ("code", "error", "message", "retryAfter", "resetAt")


def _says_rate_limited(body: Any) -> bool:
    """A body that refuses a request for the rate limit: Kojo's own, or a GraphQL error's code."""
    if not isinstance(body, dict):
        return False
    errors = body.get("errors")
    codes = [body.get("code")] + [
        (error.get("extensions") or {}).get("code") or error.get("code")
        for error in (errors if isinstance(errors, list) else [])
        if isinstance(error, dict)
    ]
    return RATE_LIMITED in codes


@INVARIANTS.response(source=f"{LIMITS_PAGE}; {ERRORS_PAGE} (429 the documented exception)")
def rate_limits_come_as_documented(status: int, body: Any) -> int:
    """A rate-limit refusal comes with HTTP 429 and Kojo's documented body {code:
    RATE_LIMIT_EXCEEDED, error, message, retryAfter, resetAt}: every 429 has that body, and a body
    that says RATE_LIMIT_EXCEEDED comes with 429"""
    if status == 429:
        missing = [
            name for name in RATE_LIMIT_FIELDS if not isinstance(body, dict) or name not in body
        ]
        assert not missing, f"a 429 without {missing} in its body: {str(body)[:200]}"
        assert body["code"] == RATE_LIMITED, f"a 429's code is {body['code']!r}"
        return 1
    assert not _says_rate_limited(body), (
        f"a rate-limit refusal came with HTTP {status}, not 429: {str(body)[:200]}"
    )
    return 0


# The server's documented limits (specs/kojo.graphql, and Kojo's api-limits page for the
# entities): a schema-valid query past them is refused.
LIMIT_REFUSALS = (
    re.compile(r"^The query returns more than \d+ entities\b"),
    re.compile(r"^Query depth \d+ exceeds the limit of \d+$"),
    re.compile(r"^The query returns more than \d+ fields\b"),
)


# Run only on queries Schemathesis generated as valid: a query the schema allows gets data, not
# errors (unless it is past the documented entity limit, or the sandbox's field and depth
# limits). Stands in for Schemathesis' positive_data_acceptance, which cannot know them.
@INVARIANTS.body(
    source="specs/kojo.graphql (limits); Schemathesis' positive_data_acceptance, limits excepted",
    name="valid_queries_accepted",
    positive=True,
)
def valid_query_accepted(body: Any) -> int:
    """A query the SDL allows gets data, unless it is past the entity, field or depth limit"""
    if not isinstance(body, dict):
        raise AssertionError(f"the response is not a GraphQL result: {str(body)[:200]}")
    others = [
        error
        for error in body.get("errors") or []
        if not any(limit.match(str(error.get("message", ""))) for limit in LIMIT_REFUSALS)
    ]
    assert not others, f"a schema-valid query was refused: {others[:2]}"
    return 1
