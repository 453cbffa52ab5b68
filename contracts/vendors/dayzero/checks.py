"""DayZero invariants every response must keep, whatever the request was.

Each check is a plain function over one JSON object that raises ``AssertionError`` with a precise
message, its docstring the statement; :data:`INVARIANTS` names them. :func:`objects_in` finds
the memos and invoices inside any DayZero response (a memo, a page of them, a customer's credits).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from contracts.checks import JSON, Invariants, expected, unwrapped

_DOLLARS = re.compile(r"^-?\d+\.\d{2}$")


def _label(obj: JSON) -> str:
    return f"{obj.get('number') or obj.get('id') or '<no id>'}"


def _dollars_match(obj: JSON, cents_field: str, dollars_field: str) -> None:
    if cents_field not in obj or dollars_field not in obj:
        return
    cents, dollars = obj[cents_field], obj[dollars_field]
    assert isinstance(dollars, str) and _DOLLARS.match(dollars), (
        f"{_label(obj)}: {dollars_field}={dollars!r} is not a dollar string with two decimals"
    )
    assert Decimal(dollars) * 100 == Decimal(cents), (
        f"{_label(obj)}: {dollars_field}={dollars!r} does not equal {cents_field}={cents}"
    )


# --- the envelope (disputed point dayzero.envelope) ----------------------------------------

ENVELOPE = "dayzero.envelope"
ENVELOPE_KEYS = {"success", "message", "code", "data"}


def _is_envelope(body: Any) -> bool:
    return isinstance(body, dict) and {"success", "data"} <= body.keys()


def resource(body: Any) -> Any:
    """What a 2xx body carries, read in the expected reading of ``dayzero.envelope``."""
    return unwrapped(ENVELOPE, _is_envelope, body)


_ISSUE = "seeds/001_434e80bb61e1accb.txt (CreditMemoResponse)"
_INVOICES = "vendor-facts.md, DayZero: invoices"
_INVOICE_RESPONSE = (
    "https://ondayzero.com/docs/reference/invoices/generate-invoice-journal-entry "
    "(InvoiceResponse: total_paid, balance_due = total - total_paid, payments)"
)
INVARIANTS = Invariants("dayzero", __name__)


def _found(kind: str) -> Callable[[Any], Iterator[JSON]]:
    return lambda body: (obj for found, obj in objects_in(resource(body)) if found == kind)


memo_check = INVARIANTS.over("memo", _found("memo"), _label)
invoice_check = INVARIANTS.over("invoice", _found("invoice"), _label)

# --- credit memos ---------------------------------------------------------------------------


@memo_check(source=f"{_ISSUE}: amount, amount_applied, amount_remaining")
def remaining_is_amount_minus_applied(memo: JSON) -> None:
    """amount_remaining = amount - amount_applied on every memo"""
    amount, applied, remaining = memo["amount"], memo["amount_applied"], memo["amount_remaining"]
    assert remaining == amount - applied, (
        f"{_label(memo)}: amount_remaining={remaining} but amount - amount_applied = "
        f"{amount} - {applied} = {amount - applied}"
    )


@memo_check(source=f"{_ISSUE}: amount_in_dollars and siblings")
def dollar_strings_equal_cents(memo: JSON) -> None:
    """Every *_in_dollars string has two decimals and equals its cents"""
    for field in ("amount", "amount_applied", "amount_remaining"):
        _dollars_match(memo, field, f"{field}_in_dollars")
    for application in memo.get("applications") or []:
        _dollars_match(application, "amount_applied", "amount_applied_dollars")


@memo_check(source=f"{_ISSUE}: status")
def status_agrees_with_amounts(memo: JSON) -> None:
    """The status agrees with the amounts applied"""
    status, amount, applied = memo["status"], memo["amount"], memo["amount_applied"]
    expected = {
        "draft": applied == 0,
        "issued": applied == 0,
        "void": applied == 0,
        "partially_applied": 0 < applied < amount,
        "fully_applied": applied == amount and amount > 0,
    }
    assert status in expected, f"{_label(memo)}: unknown status {status!r}"
    assert expected[status], (
        f"{_label(memo)}: status {status!r} disagrees with amount={amount}, "
        f"amount_applied={applied}"
    )


@memo_check(source=f"{_ISSUE}: can_be_deleted (drafts only)")
def can_be_deleted_iff_draft(memo: JSON) -> None:
    """can_be_deleted is true exactly for drafts"""
    assert memo["can_be_deleted"] == (memo["status"] == "draft"), (
        f"{_label(memo)}: can_be_deleted={memo['can_be_deleted']} with status {memo['status']!r}"
        " (only drafts can be deleted)"
    )


@memo_check(source=f"{_ISSUE}: has_applications, applications")
def has_applications_iff_applications(memo: JSON) -> bool | None:
    """has_applications is true exactly when applications are listed"""
    if "applications" not in memo:
        return False
    listed = bool(memo["applications"])
    assert memo["has_applications"] == listed, (
        f"{_label(memo)}: has_applications={memo['has_applications']} but "
        f"{len(memo['applications'])} application(s) listed"
    )
    return True


@memo_check(source=f"{_ISSUE}: applications, amount_applied")
def applications_sum_to_amount_applied(memo: JSON) -> bool | None:
    """The applications add up to amount_applied"""
    if "applications" not in memo:
        return False
    total = sum(application["amount_applied"] for application in memo["applications"])
    assert total == memo["amount_applied"], (
        f"{_label(memo)}: applications sum to {total} but amount_applied={memo['amount_applied']}"
    )
    return True


# --- invoices -------------------------------------------------------------------------------


@invoice_check(source=_INVOICES)
def invoice_due_is_total_minus_paid_and_credited(invoice: JSON) -> bool | None:
    """An invoice's amount_due = total - amount_paid - amount_credited (not judged on a void
    invoice: voiding reverses the receivable, and no source says what its amount_due reads)"""
    if invoice.get("status") == "void" or not invoice.keys() >= _INVOICE_FIELDS:
        return False
    total, paid, credited = invoice["total"], invoice["amount_paid"], invoice["amount_credited"]
    assert invoice["amount_due"] == total - paid - credited, (
        f"{_label(invoice)}: amount_due={invoice['amount_due']} but total - amount_paid - "
        f"amount_credited = {total} - {paid} - {credited} = {total - paid - credited}"
    )
    return True


@invoice_check(source=_INVOICE_RESPONSE)
def invoice_balance_is_total_minus_total_paid(invoice: JSON) -> bool | None:
    """An invoice's balance_due = total - total_paid (credit applied does not count)"""
    if not invoice.keys() >= _DOCUMENTED_INVOICE_FIELDS:
        return False
    total, paid = invoice["total"], invoice["total_paid"]
    assert invoice["balance_due"] == total - paid, (
        f"{_label(invoice)}: balance_due={invoice['balance_due']} but total - total_paid = "
        f"{total} - {paid} = {total - paid}"
    )
    return True


@invoice_check(source=_INVOICE_RESPONSE)
def invoice_payments_sum_to_total_paid(invoice: JSON) -> bool | None:
    """The payments an invoice lists add up to its total_paid"""
    payments = invoice.get("payments")
    if not isinstance(payments, list) or "total_paid" not in invoice:
        return False
    paid = sum(payment["amount"] for payment in payments)
    assert paid == invoice["total_paid"], (
        f"{_label(invoice)}: {len(payments)} payment(s) add up to {paid} but "
        f"total_paid={invoice['total_paid']}"
    )
    return True


@invoice_check(source=_INVOICES)
def invoice_dollar_strings_equal_cents(invoice: JSON) -> None:
    """An invoice's dollar strings equal its cents"""
    for field in ("total", "amount_paid", "amount_credited", "amount_due"):
        _dollars_match(invoice, field, f"{field}_in_dollars")


@INVARIANTS.body(
    source="specs/disputed-points.yaml dayzero.envelope: seeds 001/004 and DayZero's OpenAPI"
    " slices (bare); https://ondayzero.com/docs/reference/credit-memos/create-credit-memo"
    " (wrapped)"
)
def envelope_as_expected(body: Any) -> int:
    """Every 2xx body is in the expected reading of dayzero.envelope (bare by default); an
    answer that carries no resource ({success, message, code}, a payment removed) is the same
    in both"""
    if isinstance(body, dict) and set(body) == ENVELOPE_KEYS - {"data"}:
        return 0
    if expected(ENVELOPE) == "wrapped":
        assert isinstance(body, dict) and body.keys() >= ENVELOPE_KEYS, (
            f"the body is not in the envelope {{success, message, code, data}} that the reading "
            f"'wrapped' expects: keys {sorted(body) if isinstance(body, dict) else type(body)}"
        )
        assert body["success"] is True, f"envelope success={body['success']!r} on a 2xx"
        for field in ("message", "code"):
            assert isinstance(body[field], str), f"envelope {field}={body[field]!r}: not a string"
    else:
        assert not _is_envelope(body), (
            "the body is wrapped in {success, message, code, data}, but the reading 'bare' "
            "expects the resource itself"
        )
    return 1


_MEMO_FIELDS = {"amount", "amount_applied", "amount_remaining", "status", "can_be_deleted"}
_INVOICE_FIELDS = {"total", "amount_paid", "amount_credited", "amount_due"}
# an invoice as DayZero's InvoiceResponse documents it (the sandbox's has both sets)
_DOCUMENTED_INVOICE_FIELDS = {"total", "total_paid", "balance_due"}


def objects_in(body: Any) -> Iterator[tuple[str, JSON]]:
    """Yield ``("memo", obj)`` and ``("invoice", obj)`` for every memo or invoice in a body."""
    if isinstance(body, list):
        for item in body:
            yield from objects_in(item)
        return
    if not isinstance(body, dict):
        return
    if body.keys() >= _MEMO_FIELDS:
        yield "memo", body
    elif body.keys() >= _INVOICE_FIELDS or body.keys() >= _DOCUMENTED_INVOICE_FIELDS:
        yield "invoice", body
    for key in ("items", "credit_memos"):
        if isinstance(body.get(key), list):
            yield from objects_in(body[key])
    if isinstance(body.get("credit_memo"), dict):  # an unapply's CreditMemoUnapplyResponse
        yield from objects_in(body["credit_memo"])
