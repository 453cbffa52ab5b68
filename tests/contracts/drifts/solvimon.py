"""Solvimon's drifts: see the package's docstring."""

from __future__ import annotations

import re
from decimal import Decimal

from contracts.checks import every_object
from tests.contracts.drifts.common import duplicated_page, refusal_accepted
from tests.support.drift_proxy import Drift, Exchange


def _solvimon_open_amount_off(exchange: Exchange) -> None:
    for invoice in every_object(exchange.body):
        amount = invoice.get("open_invoice_amount")
        if isinstance(amount, dict) and isinstance(amount.get("quantity"), str):
            quantity = Decimal(amount["quantity"])
            amount["quantity"] = str(quantity + Decimal(1).scaleb(quantity.as_tuple().exponent))


def _solvimon_non_final_credited(exchange: Exchange) -> None:
    refusal_accepted(exchange, "POST", re.compile(r"/invoices/[^/]+/credit$"), 200)


def _solvimon_error_shape(exchange: Exchange) -> None:
    body = exchange.body
    if exchange.status >= 400 and isinstance(body, dict) and "code" in body and "type" in body:
        exchange.body = {"error": body.get("message")}


def _solvimon_credit_unlinked(exchange: Exchange) -> None:
    for invoice in every_object(exchange.body):
        credit = invoice.get("credit")
        if isinstance(credit, dict) and credit.get("original_invoice_id"):
            credit["original_invoice_id"] = None


DRIFTS = [
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
        duplicated_page("/v1/invoices", "data"),
        "SV-LIST-EXACTLY-ONCE",
    ),
    Drift(
        "credit-unlinked",
        "solvimon",
        "a credit invoice names no original invoice",
        _solvimon_credit_unlinked,
        "solvimon_credit_names_its_original",
    ),
]

# Behaviour rows of docs/traceability.md that no drift breaks yet (tests/test_traceability.py).
PENDING_ROWS: frozenset[str] = frozenset(
    {
        "P-S1",
        "P-S2",
        "P-S3",
        "P-S4",
        "P-S5",
        "P-S6",
        "P-S7",
        "P-S8",
        "P-S9",
        "P-S10",
        "P-S11",
        "P-S12",
        "P-S13",
        "P-S14",
        "P-S15",
        "P-S16",
        "P-S17",
        "P-S18",
        "P-S19",
        "P-S20",
        "S1",
        "S2",
        "S3",
        "S4",
        "S5",
        "S6",
        "S7",
        "S8",
        "S9",
        "S10",
        "S11",
        "S12",
        "S13",
        "S14",
        "S15",
        "S16",
        "S17",
        "S18",
        "S19",
        "S20",
        "S21",
        "S22",
        "S23",
        "S24",
        "S25",
        "S26",
        "S27",
        "S28",
        "S29",
        "S30",
        "S31",
        "S32",
        "S33",
        "S34",
        "S35",
        "S36",
        "S37",
        "S38",
        "S39",
        "S40",
        "S41",
        "S42",
        "S43",
        "S44",
        "S45",
        "S46",
        "S47",
        "S48",
        "S49",
        "S50",
        "S51",
        "S52",
        "S53",
        "S54",
        "S55",
        "S56",
        "S57",
        "S58",
        "S59",
        "S60",
        "S61",
        "S62",
        "S63",
    }
)
