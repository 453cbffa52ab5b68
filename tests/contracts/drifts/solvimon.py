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
