"""DayZero's drifts: see the package's docstring."""

from __future__ import annotations

import re

from contracts.checks import every_object
from tests.contracts.drifts.common import duplicated_page, refusal_accepted
from tests.support.drift_proxy import Drift, Exchange


def _dz_remaining_off_by_one(exchange: Exchange) -> None:
    for memo in every_object(exchange.body):
        if isinstance(memo.get("amount_remaining"), int) and "amount_applied" in memo:
            memo["amount_remaining"] += 1


def _dz_over_apply_accepted(exchange: Exchange) -> None:
    refusal_accepted(exchange, "POST", re.compile(r"/credit-memos/[^/]+/apply$"), 201)


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
        duplicated_page("/api/v1/credit-memos", "items"),
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
]

# Behaviour rows of docs/traceability.md that no drift breaks yet (tests/test_traceability.py).
PENDING_ROWS: frozenset[str] = frozenset(
    {
        "D1",
        "D2",
        "D3",
        "D4",
        "D5",
        "D6",
        "D7",
        "D8",
        "D14",
        "D18",
        "D20",
        "D38",
        "D40",
        "D41",
        "D42",
        "D43",
        "D44",
        "D45",
        "L1",
        "L2",
        "L3",
        "L4",
        "L5",
        "L6",
        "L7",
        "L8",
        "L9",
        "L10",
        "L11",
        "L12",
        "L13",
        "L14",
        "L15",
        "L16",
        "L17",
        "L18",
        "P-D1",
        "P-D2",
        "P-D3",
        "P-D4",
        "P-D5",
        "P-D6",
        "P-D7",
        "P-D8",
        "P-D9",
        "P-D10",
        "P-D11",
        "P-D12",
        "P-D13",
        "P-D14",
        "P-D15",
        "P-D16",
        "P-D17",
        "P-D18",
        "P-D19",
        "P-D20",
        "P-D21",
        "P-D22",
        "P-D23",
        "P-D24",
        "P-D25",
        "P-D26",
        "P-D27",
        "P-D28",
        "P-D29",
        "P-D30",
        "P-D31",
        "P-D32",
        "P-D33",
        "P-D34",
        "P-D35",
        "P-D36",
    }
)
