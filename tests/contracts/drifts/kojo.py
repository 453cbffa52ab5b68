"""Kojo's drifts: see the package's docstring."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, build_schema, get_named_type

from contracts.checks import every_object
from specs import spec_path
from tests.contracts.drifts.common import JSON, answers_unchanged, duplicate_last
from tests.support.drift_proxy import Drift, Exchange
from tests.support.traceability import page_rows


def _kojo_memos(exchange: Exchange) -> Iterator[JSON]:
    data = exchange.body.get("data") if isinstance(exchange.body, dict) else None
    return (obj for obj in every_object(data) if "totalDue" in obj or "subtotal" in obj)


def _kojo_total_due_off(exchange: Exchange) -> None:
    for memo in _kojo_memos(exchange):
        if isinstance(memo.get("totalDue"), int | float):
            memo["totalDue"] = round(memo["totalDue"] + 0.01, 2)


def _kojo_limit_cut(exchange: Exchange) -> None:
    body = exchange.body
    errors = body.get("errors") if isinstance(body, dict) else None
    if errors and any("limit" in str(error.get("message", "")).lower() for error in errors):
        exchange.body = {"data": {"creditMemos": []}}


def _kojo_error_shape(exchange: Exchange) -> None:
    body = exchange.body
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        body["errors"] = [{"message": error.get("message")} for error in body["errors"]]


def _kojo_errors_as_http_400(exchange: Exchange) -> None:
    """The REST habit Kojo documents against: a GraphQL result with errors sent as HTTP 400."""
    body = exchange.body
    if exchange.path == "/graphql" and isinstance(body, dict) and body.get("errors"):
        exchange.status = 400


def _kojo_errors_as_http_400_when(*codes: str) -> Callable[[Exchange], None]:
    """Only errors of ``codes`` (their ``extensions.code``) sent with HTTP 400: a server that
    answers some kinds of GraphQL error the REST way and the others with 200."""

    def rewrite(exchange: Exchange) -> None:
        body = exchange.body
        errors = body.get("errors") if isinstance(body, dict) else None
        if exchange.path != "/graphql" or not isinstance(errors, list):
            return
        if any((error.get("extensions") or {}).get("code") in codes for error in errors):
            exchange.status = 400

    return rewrite


_UPDATED_AFTER = re.compile(r'\bupdatedAfter\s*:\s*("(?:[^"\\]|\\.)*"|\$\w+)\s*,?')


def _kojo_updated_after_stripped(request: Any) -> Any:
    """A request as a deployment that ignores ``updatedAfter`` reads it: without it."""
    if isinstance(request, dict) and isinstance(request.get("query"), str):
        request = {**request, "query": _UPDATED_AFTER.sub("", request["query"])}
    return request


def _kojo_duplicated_page(exchange: Exchange) -> None:
    data = exchange.body.get("data") if isinstance(exchange.body, dict) else None
    if isinstance(data, dict):
        duplicate_last(data.get("creditMemos"))


def _kojo_subtotal_off(exchange: Exchange) -> None:
    for memo in _kojo_memos(exchange):
        if isinstance(memo.get("subtotal"), int | float):
            memo["subtotal"] = round(memo["subtotal"] + 1, 2)


# The keys under which Kojo's answers hold objects of each type (a query's own field names).
_TYPE_KEYS = {
    "CreditMemo": ("creditMemos", "creditMemo"),
    "CreditMemoItem": ("creditMemoItems",),
    "Invoice": ("invoices", "invoice"),
}


@cache
def _sdl_field_types() -> dict[tuple[str, str], Any]:
    schema = build_schema(spec_path("kojo.graphql").read_text(encoding="utf-8"))
    return {
        (name, field): definition.type
        for name in _TYPE_KEYS
        if isinstance(type_ := schema.get_type(name), GraphQLObjectType)
        for field, definition in type_.fields.items()
    }


def _wrong_value(type_: Any) -> Any:
    """A value no field of ``type_`` (an SDL output type) may have."""
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    if isinstance(inner, GraphQLList):
        return "not a list"
    named = get_named_type(inner)
    if isinstance(named, GraphQLObjectType):
        return "not an object"
    return "12.5" if named.name in ("Int", "Float") else 125


def _objects_of(type_name: str, data: Any) -> Iterator[JSON]:
    for obj in every_object(data):
        for key in _TYPE_KEYS[type_name]:
            value = obj.get(key)
            rows = value if isinstance(value, list) else [value]
            yield from (row for row in rows if isinstance(row, dict))


def _wrong_type(type_name: str, field: str) -> Callable[[Exchange], None]:
    """Every ``type_name`` object's ``field`` in every answer set to a value of another type."""
    wrong = _wrong_value(_sdl_field_types()[(type_name, field)])

    def rewrite(exchange: Exchange) -> None:
        data = exchange.body.get("data") if isinstance(exchange.body, dict) else None
        for obj in list(_objects_of(type_name, data)):
            if field in obj:
                obj[field] = wrong

    return rewrite


_FIELD_ROW = re.compile(r"^`(CreditMemo|CreditMemoItem)\.(\w+)`")
TYPES_CHECK = "kojo_fields_have_their_sdl_types"


def _field_type_drifts() -> list[Drift]:
    """One drift per row of docs/traceability.md that states a field's type (`CreditMemo.x`,
    `CreditMemoItem.x`): that field of the wrong type in every answer."""
    drifts = []
    for row in page_rows():
        found = _FIELD_ROW.match(row.cells.get("statement", ""))
        if not found or not row.specs or row.specs[0] != "kojo":
            continue
        type_name, field = found.groups()
        rows = (row.id, "K1") if field == "id" else (row.id,)
        drifts.append(
            Drift(
                f"{type_name}-{field}-wrong-type",
                "kojo",
                f"{type_name}.{field} comes as a value of another type than the SDL's",
                _wrong_type(type_name, field),
                TYPES_CHECK,
                rows=rows,
            )
        )
    return drifts


def _kojo_memo_without_tax(exchange: Exchange) -> None:
    for memo in _kojo_memos(exchange):
        memo.pop("tax", None)


def _kojo_data_unwrapped(exchange: Exchange) -> None:
    """Results sent REST-style: what is under ``data``, as the whole body."""
    body = exchange.body
    if (
        exchange.path == "/graphql"
        and isinstance(body, dict)
        and isinstance(body.get("data"), dict)
    ):
        exchange.body = body["data"]


def _kojo_auth_not_required(exchange: Exchange) -> None:
    body = exchange.body
    errors = body.get("errors") if isinstance(body, dict) else None
    if isinstance(errors, list) and any(
        (error.get("extensions") or {}).get("code") == "UNAUTHENTICATED" for error in errors
    ):
        exchange.body = {"data": {"creditMemos": [{"id": "cm_anyone"}]}}


def _kojo_token_for_a_day(exchange: Exchange) -> None:
    body = exchange.body
    if exchange.path == "/oauth2/token" and isinstance(body, dict) and "expires_in" in body:
        body["expires_in"] = 86400


_ONE_MEMO = re.compile(r"^\{\s*creditMemos\(limit: 1\)\s*\{\s*id\s*\}\s*\}$")


def _kojo_one_memo_refused(exchange: Exchange) -> None:
    """A deployment that refuses the key a query came with: its answer, an expired token's."""
    query = exchange.request.get("query") if isinstance(exchange.request, dict) else None
    body = exchange.body
    answered = isinstance(body, dict) and body.get("data")
    if isinstance(query, str) and _ONE_MEMO.match(query) and answered:
        expired = {"code": "UNAUTHENTICATED"}
        exchange.body = {
            "errors": [
                {"message": "The token has expired", "requestId": "r", "extensions": expired}
            ]
        }


def _kojo_reversed_by_total_due(exchange: Exchange) -> None:
    """Lists ordered by totalDue come in the other direction."""
    query = exchange.request.get("query") if isinstance(exchange.request, dict) else None
    data = exchange.body.get("data") if isinstance(exchange.body, dict) else None
    memos = data.get("creditMemos") if isinstance(data, dict) else None
    if isinstance(query, str) and "orderBy: totalDue" in query and isinstance(memos, list):
        memos.reverse()


_DIRECTION = re.compile(r"\bdirection\s*:\s*DESC\s*,?")


def _kojo_direction_stripped(request: Any) -> Any:
    """A request as a deployment that ignores ``direction: DESC`` reads it: without it."""
    if isinstance(request, dict) and isinstance(request.get("query"), str):
        request = {**request, "query": _DIRECTION.sub("", request["query"])}
    return request


_RATE_LIMITED = {
    "code": "RATE_LIMIT_EXCEEDED",
    "error": "Too Many Requests",
    "message": "Rate limit exceeded; retry in 1 s",
    "retryAfter": 1,
    "resetAt": "2030-01-01T00:00:01.000Z",
}


def _asks(exchange: Exchange, operation: str) -> bool:
    query = exchange.request.get("query") if isinstance(exchange.request, dict) else None
    return exchange.path == "/graphql" and isinstance(query, str) and operation in query


def _kojo_rate_limited_as_200(exchange: Exchange) -> bool:
    """The rate-limit probe's queries refused for the rate limit, as a GraphQL error with HTTP
    200."""
    if not _asks(exchange, "RateLimitProbe"):
        return False
    error = {"message": _RATE_LIMITED["message"], "requestId": "r", "extensions": _RATE_LIMITED}
    exchange.status, exchange.body = 200, {"errors": [error]}
    return True


def _kojo_rate_limited_in_another_shape(exchange: Exchange) -> bool:
    """The rate-limit probe's queries refused with a 429 whose body is a GraphQL error's."""
    if not _asks(exchange, "RateLimitProbe"):
        return False
    error = {"message": "Too many requests", "requestId": "r"}
    exchange.status, exchange.body = 429, {"errors": [error]}
    return True


def _kojo_limited_at(per_second: int) -> Callable[[Exchange], bool]:
    """A deployment that limits the rate-limit probe's queries to ``per_second`` a second."""
    arrivals: list[float] = []

    def answers(exchange: Exchange) -> bool:
        if not _asks(exchange, "RateLimitProbe"):
            return False
        now = time.monotonic()
        arrivals[:] = [arrival for arrival in arrivals if now - arrival < 1] + [now]
        if len(arrivals) <= per_second:
            return False
        # the per-second window's refusal: it resets within the second
        reset = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
        reset_at = reset.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        exchange.status, exchange.body = 429, {**_RATE_LIMITED, "resetAt": reset_at}
        return True

    return answers


def _kojo_hour_told_as_the_second(exchange: Exchange) -> None:
    """The hourly-limit probe's 429 says the per-second window: it resets within the second."""
    if _asks(exchange, "HourlyLimitProbe") and exchange.status == 429:
        reset = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
        reset_at = reset.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        exchange.body = {**_RATE_LIMITED, "resetAt": reset_at}


DRIFTS = [
    Drift(
        "total-due-off",
        "kojo",
        "every totalDue is one cent more than its parts",
        _kojo_total_due_off,
        "kojo_total_due_follows_its_parts",
        rows=("K13",),
    ),
    Drift(
        "limit-silently-cut",
        "kojo",
        "a limit above 100 answers data instead of an error",
        _kojo_limit_cut,
        "KJ-LIMIT-MAX-100",
        rows=("P-K12", "P-K13a"),
    ),
    Drift(
        "error-shape",
        "kojo",
        "errors come without their requestId",
        _kojo_error_shape,
        "kojo_errors_carry_request_ids",
        rows=("P-K6",),
    ),
    Drift(
        "errors-as-http-400",
        "kojo",
        "a GraphQL result with errors is sent with HTTP 400 instead of 200",
        _kojo_errors_as_http_400,
        "KJ-ERROR-SHAPE",
        rows=("P-K5",),
    ),
    Drift(
        "bad-input-as-http-400",
        "kojo",
        "errors in argument values (a limit over 100) are sent with HTTP 400, others with 200",
        _kojo_errors_as_http_400_when("BAD_USER_INPUT"),
        "KJ-ERRORS-HTTP-200",
        rows=("P-K5",),
    ),
    Drift(
        "invalid-query-as-http-400",
        "kojo",
        "a query that does not parse or validate gets its errors with HTTP 400, as Apollo's",
        _kojo_errors_as_http_400_when("GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"),
        "kojo_graphql_errors_come_with_http_200",
        rows=("P-K5",),
    ),
    Drift(
        "updated-after-ignored",
        "kojo",
        "lists ignore updatedAfter: the unfiltered list comes back",
        answers_unchanged,
        "KJ-UPDATED-AFTER",
        rewrite_request=_kojo_updated_after_stripped,
        rows=("P-K16",),
    ),
    Drift(
        "duplicated-page",
        "kojo",
        "a page of credit memos repeats its first memo in place of its last",
        _kojo_duplicated_page,
        "KJ-PAGINATION-EXACTLY-ONCE",
        rows=("P-K11", "P-K13"),
    ),
    Drift(
        "subtotal-off",
        "kojo",
        "a credit memo's subtotal is one more than its items sum to",
        _kojo_subtotal_off,
        "kojo_subtotal_is_sum_of_items",
        rows=("K11",),
    ),
    Drift(
        "memo-without-tax",
        "kojo",
        "credit memos come without their tax, even when it is asked for",
        _kojo_memo_without_tax,
        "KJ-MEMO-ARITHMETIC",
        rows=("K3",),
    ),
    Drift(
        "results-not-graphql",
        "kojo",
        "results come REST-style: what belongs under data is the whole body",
        _kojo_data_unwrapped,
        "KJ-LEGACY-API-KEY",
        rows=("P-K1",),
    ),
    Drift(
        "auth-not-required",
        "kojo",
        "a query without a valid token gets data instead of errors",
        _kojo_auth_not_required,
        "KJ-AUTH-REQUIRED",
        rows=("P-K2",),
    ),
    Drift(
        "token-for-a-day",
        "kojo",
        "the token endpoint's tokens are valid a day, not 3600 seconds",
        _kojo_token_for_a_day,
        "KJ-TOKEN-CLIENT-CREDENTIALS",
        rows=("P-K3",),
    ),
    Drift(
        "legacy-key-refused",
        "kojo",
        "the one-memo query the legacy key sends is refused as an expired token",
        _kojo_one_memo_refused,
        "KJ-LEGACY-API-KEY",
        rows=("P-K4",),
    ),
    Drift(
        "order-by-total-due-reversed",
        "kojo",
        "credit memos ordered by totalDue come in the other direction",
        _kojo_reversed_by_total_due,
        "KJ-ORDER-BY-ANY-SCALAR",
        rows=("P-K14",),
    ),
    Drift(
        "direction-ignored",
        "kojo",
        "lists ignore direction: DESC, and come in ascending order",
        answers_unchanged,
        "KJ-ORDER-DIRECTION",
        rewrite_request=_kojo_direction_stripped,
        rows=("P-K15",),
    ),
    Drift(
        "rate-limited-as-http-200",
        "kojo",
        "a rate-limit refusal comes as a GraphQL error with HTTP 200, not 429",
        answers_unchanged,
        "kojo_rate_limits_come_as_documented",
        answers=_kojo_rate_limited_as_200,
        rows=("P-K7",),
    ),
    Drift(
        "rate-limit-body-reshaped",
        "kojo",
        "a 429 comes with a GraphQL errors body instead of Kojo's documented rate-limit body",
        answers_unchanged,
        "kojo_rate_limits_come_as_documented",
        answers=_kojo_rate_limited_in_another_shape,
        rows=("P-K10",),
    ),
    Drift(
        "rate-limit-5-a-second",
        "kojo",
        "queries are refused with 429 past 5 a second, not the documented 20",
        answers_unchanged,
        "KJ-RATE-LIMIT-20-A-SECOND",
        answers=_kojo_limited_at(5),
        rows=("P-K8",),
    ),
    Drift(
        "hour-told-as-the-second",
        "kojo",
        "the hour's 429 says its window resets within the second",
        _kojo_hour_told_as_the_second,
        "KJ-RATE-LIMIT-HOURLY",
        rows=("P-K9",),
    ),
    Drift(
        "invoice-number-wrong-type",
        "kojo",
        "Invoice.invoiceNumber comes as a number, not the SDL's String",
        _wrong_type("Invoice", "invoiceNumber"),
        TYPES_CHECK,
        rows=("P-K17",),
    ),
    Drift(
        "invoice-category-wrong-type",
        "kojo",
        "Invoice.category comes as a number, not a string as an enum's values are",
        _wrong_type("Invoice", "category"),
        TYPES_CHECK,
        rows=("P-K18",),
    ),
    Drift(
        "invoice-approved-by-wrong-type",
        "kojo",
        "Invoice.approvedById comes as a number, not the SDL's ID",
        _wrong_type("Invoice", "approvedById"),
        TYPES_CHECK,
        rows=("P-K19",),
    ),
]
# made from the page, one per field row: make test runs a sample (see the package)
GENERATED = _field_type_drifts()

# Behaviour rows of docs/traceability.md that no drift breaks yet (tests/test_traceability.py).
PENDING_ROWS: frozenset[str] = frozenset()
