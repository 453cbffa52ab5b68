"""Drifts for the drifting proxy (``tests/support/drift_proxy.py``), written from what each vendor
documents, not from the harness's rules: per vendor, a balance off by a minor unit, a refusal
turned into a success, an error body in another shape, a duplicated page, and a derived field
(a status, or where the vendor has none, a subtotal or a link) that disagrees with the amounts;
each vendor fact the sandbox once got wrong, read the wrong way again (DayZero's restocking
fee, Kojo's HTTP 200 for errors, for every error and for some kinds only); a documented argument
a deployment ignores (Kojo's updatedAfter); and COUNT's documented behaviours no rule once saw
broken (a second approve accepted, remove-credit that restores nothing, totalRecords off by one,
``_partnerWarnings`` dropped). Each names the rule, invariant or check that must report it."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from contracts.checks import every_object
from tests.support.drift_proxy import Drift, Exchange

JSON = dict[str, Any]


def _duplicate_last(rows: Any) -> None:
    """The page's last row replaced by its first: one row seen twice, one never."""
    if isinstance(rows, list) and len(rows) >= 2:
        rows[-1] = rows[0]


def _duplicated_page(path: str, rows: str) -> Callable[[Exchange], None]:
    """A list at ``path`` whose page (under ``rows``) repeats its first row in place of its
    last."""

    def rewrite(exchange: Exchange) -> None:
        body = exchange.body
        if exchange.method == "GET" and exchange.path == path and isinstance(body, dict):
            _duplicate_last(body.get(rows))

    return rewrite


def _refusal_accepted(exchange: Exchange, method: str, path: re.Pattern[str], ok: int) -> None:
    if exchange.method == method and path.search(exchange.path) and exchange.status == 400:
        exchange.status, exchange.body = ok, {}


# --- DayZero ----------------------------------------------------------------------------------


def _dz_remaining_off_by_one(exchange: Exchange) -> None:
    for memo in every_object(exchange.body):
        if isinstance(memo.get("amount_remaining"), int) and "amount_applied" in memo:
            memo["amount_remaining"] += 1


def _dz_over_apply_accepted(exchange: Exchange) -> None:
    _refusal_accepted(exchange, "POST", re.compile(r"/credit-memos/[^/]+/apply$"), 201)


def _dz_error_shape(exchange: Exchange) -> None:
    if exchange.status >= 400 and isinstance(exchange.body, dict) and "detail" in exchange.body:
        exchange.body = {"error": {"message": exchange.body["detail"]}}


def _dz_fee_taken_from_credit(exchange: Exchange) -> None:
    """The reading DayZero's reference contradicts: the restocking fee lowers the credit."""
    for memo in every_object(exchange.body):
        breakdown = memo.get("line_items")
        fee = breakdown.get("restocking_fee_cents") if isinstance(breakdown, dict) else None
        if fee and isinstance(memo.get("amount"), int):
            memo["amount"] -= fee


def _dz_status_ignores_amounts(exchange: Exchange) -> None:
    for memo in every_object(exchange.body):
        if memo.get("status") == "partially_applied":
            memo["status"] = "issued"


# --- COUNT ------------------------------------------------------------------------------------


def _count_records(body: Any) -> Iterator[JSON]:
    return (obj for obj in every_object(body) if "invoiceType" in obj and "status" in obj)


def _count_open_balance_off(exchange: Exchange) -> None:
    for record in _count_records(exchange.body):
        if isinstance(record.get("openBalance"), int | float):
            record["openBalance"] = round(record["openBalance"] + 0.01, 2)


def _count_over_apply_accepted(exchange: Exchange) -> None:
    _refusal_accepted(exchange, "PATCH", re.compile(r"/invoices/[^/]+/apply-"), 200)


def _count_error_shape(exchange: Exchange) -> None:
    body = exchange.body
    if exchange.status >= 400 and isinstance(body, dict) and "statusCode" in body:
        exchange.body = {"error": body.get("message")}


def _count_status_ignores_credit(exchange: Exchange) -> None:
    for record in _count_records(exchange.body):
        if record.get("status") == "partial":
            record["status"] = "approved"


class _CountRecordsSeen:
    """The last answer the deployment gave of each COUNT record, for drifts that answer with a
    record as it was."""

    def __init__(self) -> None:
        self.records: dict[str, JSON] = {}

    def remember(self, exchange: Exchange) -> None:
        for record in _count_records(exchange.body):
            if isinstance(record.get("id"), str):
                self.records[record["id"]] = copy.deepcopy(record)

    def answer_as_it_was(self, exchange: Exchange, record_id: str) -> None:
        exchange.status, exchange.body = 200, copy.deepcopy(self.records[record_id])


_APPROVE = re.compile(r"^/partners/invoices/([^/]+)/approve$")
_REMOVE_CREDIT = re.compile(r"^/partners/invoices/([^/]+)/remove-credit$")


def _count_approves_twice() -> Drift:
    """Approving a record the deployment has shown approved answers 200 with the record, where
    the default reading of count.approve-again refuses it (approve only from draft)."""
    seen = _CountRecordsSeen()

    def rewrite(exchange: Exchange) -> None:
        found = _APPROVE.match(exchange.path)
        record = seen.records.get(found[1], {}) if found else {}
        if found and exchange.status == 400 and record.get("isDraft") is False:
            seen.answer_as_it_was(exchange, found[1])
        seen.remember(exchange)

    return Drift(
        "approve-twice-accepted",
        "count",
        "approving an approved record answers 200 with the record",
        rewrite,
        "CT-APPROVE-AGAIN-AS-EXPECTED",
    )


def _count_removes_no_credit() -> Drift:
    """remove-credit of a memo the deployment has shown applied answers 200 with the invoice as it
    was, and never reaches the sandbox: the credit stays applied."""
    seen = _CountRecordsSeen()

    def answers(exchange: Exchange) -> bool:
        found = _REMOVE_CREDIT.match(exchange.path) if exchange.method == "PATCH" else None
        memo = exchange.request.get("memoId") if isinstance(exchange.request, dict) else None
        invoice = seen.records.get(found[1], {}) if found else {}
        if not any(entry.get("memoId") == memo for entry in invoice.get("credits") or []):
            return False
        seen.answer_as_it_was(exchange, invoice["id"])
        return True

    return Drift(
        "remove-credit-restores-nothing",
        "count",
        "remove-credit of applied credit answers 200 and leaves the credit applied",
        seen.remember,
        "CT-REMOVE-CREDIT-RESTORES",
        answers,
    )


def _count_total_records_off(exchange: Exchange) -> None:
    if exchange.method == "GET" and exchange.path == "/partners/invoices":
        for page in every_object(exchange.body):
            if isinstance(page.get("totalRecords"), int):
                page["totalRecords"] += 1


def _count_warnings_dropped(exchange: Exchange) -> None:
    for record in every_object(exchange.body):
        record.pop("_partnerWarnings", None)


# --- Solvimon ---------------------------------------------------------------------------------


def _solvimon_open_amount_off(exchange: Exchange) -> None:
    for invoice in every_object(exchange.body):
        amount = invoice.get("open_invoice_amount")
        if isinstance(amount, dict) and isinstance(amount.get("quantity"), str):
            quantity = Decimal(amount["quantity"])
            amount["quantity"] = str(quantity + Decimal(1).scaleb(quantity.as_tuple().exponent))


def _solvimon_non_final_credited(exchange: Exchange) -> None:
    _refusal_accepted(exchange, "POST", re.compile(r"/invoices/[^/]+/credit$"), 200)


def _solvimon_error_shape(exchange: Exchange) -> None:
    body = exchange.body
    if exchange.status >= 400 and isinstance(body, dict) and "code" in body and "type" in body:
        exchange.body = {"error": body.get("message")}


def _solvimon_credit_unlinked(exchange: Exchange) -> None:
    for invoice in every_object(exchange.body):
        credit = invoice.get("credit")
        if isinstance(credit, dict) and credit.get("original_invoice_id"):
            credit["original_invoice_id"] = None


# --- Kojo -------------------------------------------------------------------------------------


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
        _duplicate_last(data.get("creditMemos"))


def _kojo_subtotal_off(exchange: Exchange) -> None:
    for memo in _kojo_memos(exchange):
        if isinstance(memo.get("subtotal"), int | float):
            memo["subtotal"] = round(memo["subtotal"] + 1, 2)


DRIFTS = [
    Drift(
        "remaining-off-by-one",
        "dayzero",
        "every memo's amount_remaining is one cent more than amount - amount_applied",
        _dz_remaining_off_by_one,
        "dayzero_remaining_is_amount_minus_applied",
    ),
    Drift(
        "over-apply-accepted",
        "dayzero",
        "an apply DayZero refuses with 400 answers 201",
        _dz_over_apply_accepted,
        "DZ-APPLY-OVER-REMAINING",
    ),
    Drift(
        "error-shape",
        "dayzero",
        "error bodies are {error: {message}} instead of {detail}",
        _dz_error_shape,
        "DZ-MEMO-NOT-FOUND-404",
    ),
    Drift(
        "duplicated-page",
        "dayzero",
        "a page of memos repeats its first memo in place of its last",
        _duplicated_page("/api/v1/credit-memos", "items"),
        "DZ-PAGINATION-EXACTLY-ONCE",
    ),
    Drift(
        "fee-taken-from-credit",
        "dayzero",
        "a memo's amount is amount_cents less its restocking fee",
        _dz_fee_taken_from_credit,
        "DZ-RESTOCKING-FEE-WITHHELD",
    ),
    Drift(
        "status-ignores-amounts",
        "dayzero",
        "a partially applied memo says issued",
        _dz_status_ignores_amounts,
        "dayzero_status_agrees_with_amounts",
    ),
    Drift(
        "open-balance-off",
        "count",
        "every record's openBalance is one cent more than total - creditApplied",
        _count_open_balance_off,
        "count_balance_follows_credit",
    ),
    Drift(
        "over-apply-accepted",
        "count",
        "an apply COUNT refuses with 400 answers 200",
        _count_over_apply_accepted,
        "CT-OVER-APPLY-400",
    ),
    Drift(
        "error-shape",
        "count",
        "error bodies are {error} instead of {message, statusCode}",
        _count_error_shape,
        "CT-AUTH-BAD-SIGNATURE",
    ),
    Drift(
        "duplicated-page",
        "count",
        "a page of invoices repeats its first record in place of its last",
        _duplicated_page("/partners/invoices", "invoices"),
        "CT-PAGINATION-EXACTLY-ONCE",
    ),
    Drift(
        "status-ignores-credit",
        "count",
        "a partly credited invoice says approved",
        _count_status_ignores_credit,
        "count_status_agrees_with_raw_fields",
    ),
    _count_approves_twice(),
    _count_removes_no_credit(),
    Drift(
        "total-records-off",
        "count",
        "a list's totalRecords is one more than the records its filter matches",
        _count_total_records_off,
        "CT-LIST-TOTAL-RECORDS",
    ),
    Drift(
        "partner-warnings-dropped",
        "count",
        "a PATCH that sends managed fields answers 200 without _partnerWarnings",
        _count_warnings_dropped,
        "CT-PATCH-MANAGED-FIELDS-WARNED",
    ),
    Drift(
        "open-amount-off",
        "solvimon",
        "every open_invoice_amount is one minor unit more than total - closed",
        _solvimon_open_amount_off,
        "solvimon_open_plus_closed_is_total",
    ),
    Drift(
        "non-final-credited",
        "solvimon",
        "a credit Solvimon refuses with 400 answers 200",
        _solvimon_non_final_credited,
        "SV-CREDIT-NON-FINAL-400",
    ),
    Drift(
        "error-shape",
        "solvimon",
        "error bodies are {error} instead of {type, code, message}",
        _solvimon_error_shape,
        "SV-AUTH-MISSING-KEY-401",
    ),
    Drift(
        "duplicated-page",
        "solvimon",
        "a page of invoices repeats its first invoice in place of its last",
        _duplicated_page("/v1/invoices", "data"),
        "SV-LIST-EXACTLY-ONCE",
    ),
    Drift(
        "credit-unlinked",
        "solvimon",
        "a credit invoice names no original invoice",
        _solvimon_credit_unlinked,
        "solvimon_credit_names_its_original",
    ),
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
