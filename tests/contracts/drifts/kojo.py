"""Kojo's drifts: see the package's docstring."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from contracts.checks import every_object
from tests.contracts.drifts.common import JSON, duplicate_last
from tests.support.drift_proxy import Drift, Exchange


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


def _answers_unchanged(exchange: Exchange) -> None:
    """The answer as the deployment gives it (a drift of how requests are read)."""


def _kojo_duplicated_page(exchange: Exchange) -> None:
    data = exchange.body.get("data") if isinstance(exchange.body, dict) else None
    if isinstance(data, dict):
        duplicate_last(data.get("creditMemos"))


def _kojo_subtotal_off(exchange: Exchange) -> None:
    for memo in _kojo_memos(exchange):
        if isinstance(memo.get("subtotal"), int | float):
            memo["subtotal"] = round(memo["subtotal"] + 1, 2)


DRIFTS = [
    Drift(
        "total-due-off",
        "kojo",
        "every totalDue is one cent more than its parts",
        _kojo_total_due_off,
        "kojo_total_due_follows_its_parts",
    ),
    Drift(
        "limit-silently-cut",
        "kojo",
        "a limit above 100 answers data instead of an error",
        _kojo_limit_cut,
        "KJ-LIMIT-MAX-100",
    ),
    Drift(
        "error-shape",
        "kojo",
        "errors come without their requestId",
        _kojo_error_shape,
        "kojo_errors_carry_request_ids",
    ),
    Drift(
        "errors-as-http-400",
        "kojo",
        "a GraphQL result with errors is sent with HTTP 400 instead of 200",
        _kojo_errors_as_http_400,
        "KJ-ERROR-SHAPE",
    ),
    Drift(
        "bad-input-as-http-400",
        "kojo",
        "errors in argument values (a limit over 100) are sent with HTTP 400, others with 200",
        _kojo_errors_as_http_400_when("BAD_USER_INPUT"),
        "KJ-ERRORS-HTTP-200",
    ),
    Drift(
        "invalid-query-as-http-400",
        "kojo",
        "a query that does not parse or validate gets its errors with HTTP 400, as Apollo's",
        _kojo_errors_as_http_400_when("GRAPHQL_VALIDATION_FAILED", "GRAPHQL_PARSE_FAILED"),
        "kojo_graphql_errors_come_with_http_200",
    ),
    Drift(
        "updated-after-ignored",
        "kojo",
        "lists ignore updatedAfter: the unfiltered list comes back",
        _answers_unchanged,
        "KJ-UPDATED-AFTER",
        rewrite_request=_kojo_updated_after_stripped,
    ),
    Drift(
        "duplicated-page",
        "kojo",
        "a page of credit memos repeats its first memo in place of its last",
        _kojo_duplicated_page,
        "KJ-PAGINATION-EXACTLY-ONCE",
    ),
    Drift(
        "subtotal-off",
        "kojo",
        "a credit memo's subtotal is one more than its items sum to",
        _kojo_subtotal_off,
        "kojo_subtotal_is_sum_of_items",
    ),
]

# Behaviour rows of docs/traceability.md that no drift breaks yet (tests/test_traceability.py).
PENDING_ROWS: frozenset[str] = frozenset(
    {
        "K1",
        "K2",
        "K3",
        "K4",
        "K5",
        "K6",
        "K7",
        "K8",
        "K9",
        "K10",
        "K11",
        "K12",
        "K13",
        "K14",
        "K15",
        "K16",
        "K17",
        "K18",
        "K19",
        "K20",
        "K21",
        "K22",
        "K23",
        "K24",
        "K25",
        "K26",
        "K27",
        "P-K1",
        "P-K2",
        "P-K3",
        "P-K4",
        "P-K5",
        "P-K6",
        "P-K7",
        "P-K8",
        "P-K9",
        "P-K10",
        "P-K11",
        "P-K12",
        "P-K13",
        "P-K14",
        "P-K15",
        "P-K16",
        "P-K17",
        "P-K18",
        "P-K19",
        "P-K20",
        "P-K13a",
    }
)
