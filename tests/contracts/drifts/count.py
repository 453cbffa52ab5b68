"""COUNT's drifts: see the package's docstring."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

from contracts.checks import every_object
from tests.contracts.drifts.common import JSON, duplicated_page, refusal_accepted
from tests.support.drift_proxy import Drift, Exchange


def _count_records(body: Any) -> Iterator[JSON]:
    return (obj for obj in every_object(body) if "invoiceType" in obj and "status" in obj)


def _count_open_balance_off(exchange: Exchange) -> None:
    for record in _count_records(exchange.body):
        if isinstance(record.get("openBalance"), int | float):
            record["openBalance"] = round(record["openBalance"] + 0.01, 2)


def _count_over_apply_accepted(exchange: Exchange) -> None:
    refusal_accepted(exchange, "PATCH", re.compile(r"/invoices/[^/]+/apply-"), 200)


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


DRIFTS = [
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
        duplicated_page("/partners/invoices", "invoices"),
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
]

# Behaviour rows of docs/traceability.md that no drift breaks yet (tests/test_traceability.py).
PENDING_ROWS: frozenset[str] = frozenset(
    {
        "C1",
        "C3",
        "C4",
        "C5",
        "C6",
        "C7",
        "C8",
        "C9",
        "C10",
        "C11",
        "C12",
        "C13",
        "C14",
        "C15",
        "C16",
        "C17",
        "C18",
        "C19",
        "C20",
        "C21",
        "C22",
        "C23",
        "C24",
        "C25",
        "C27",
        "C28",
        "C29",
        "C30",
        "C31",
        "C32",
        "C33",
        "C34",
        "C35",
        "C36",
        "C37",
        "C38",
        "C39",
        "C40",
        "C41",
        "C42",
        "C43",
        "C44",
        "C47",
        "C48",
        "C49",
        "P-C1",
        "P-C2",
        "P-C3",
        "P-C4",
        "P-C5",
        "P-C6",
        "P-C7",
        "P-C8",
        "P-C9",
        "P-C10",
        "P-C11",
        "P-C12",
        "P-C13",
        "P-C14",
        "P-C15",
        "P-C16",
        "P-C17",
        "P-C18",
        "P-C19",
        "P-C20",
        "P-C21",
        "P-C22",
        "P-C23",
        "P-C24",
        "P-C25",
        "P-C26",
        "P-C27",
        "P-C28",
        "P-C29",
        "P-C30",
        "P-C31",
        "P-C32",
        "P-C33",
        "P-C34",
        "P-C35",
        "P-C36",
        "P-C37",
        "P-C38",
        "P-C39",
        "P-C40",
        "P-C41",
        "P-C42",
        "P-C43",
        "P-C44",
        "P-C45",
        "P-C46",
        "P-C47",
        "P-C48",
        "P-C49",
        "P-C50",
        "P-C51",
        "P-C52",
        "P-C53",
        "P-C54",
        "P-C55",
        "P-C56",
        "P-C57",
        "P-C58",
        "P-C59",
        "P-C60",
    }
)
