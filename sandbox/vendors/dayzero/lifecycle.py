"""DayZero's lifecycle as data and pure functions: which operation each status allows, and
every value derived from a record's stored facts (amounts, statuses, flags).

Kept apart from the backend so that the views, the backend and the tests read the same
definitions; nothing here touches the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sandbox.vendors.dayzero import errors

# What each memo operation accepts, by the memo's current status, and what it says otherwise.
# Unapply is absent: it needs an application to the invoice, and answers 404 without one.
MEMO_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "update": (frozenset({"draft"}), "Only draft credit memos can be updated"),
    "delete": (frozenset({"draft"}), "Only draft credit memos can be deleted"),
    "issue": (frozenset({"draft"}), "Only draft credit memos can be issued"),
    "apply": (
        frozenset({"issued", "partially_applied"}),
        "Only issued or partially applied credit memos can be applied",
    ),
    # DayZero's void page says only "Requires a reason"; its vendor-credit void page allows
    # "unapplied (draft or issued) credits", and the sandbox reads credit memos the same way.
    "void": (
        frozenset({"draft", "issued"}),
        "Only draft or issued credit memos with no applications can be voided",
    ),
}
# Where each operation leaves the stored lifecycle state (the rest is derived from amounts).
MEMO_STATE_AFTER = {"issue": "issued", "void": "void"}

# The invoice operations, likewise.
INVOICE_TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "finalize": (frozenset({"draft"}), errors.INVOICE_NOT_DRAFT),
    # DayZero's invoices guide: "Only open invoices can be voided". Ours: one with credit
    # applied reads partially paid, or paid (see invoice_status), so it is no longer open
    "void": (frozenset({"open"}), errors.INVOICE_NOT_VOIDABLE),
    "receive_credit": (frozenset({"open", "partially_paid"}), errors.INVOICE_NOT_OPEN),
    # the invoices guide: drafts must be finalized before they can be paid; overpaying is
    # allowed (the add-payment reference), so a paid invoice takes more. Ours: a void one none
    "receive_payment": (
        frozenset({"open", "partially_paid", "manual_paid"}),
        errors.INVOICE_NOT_PAYABLE,
    ),
}

REASON_LABELS = {
    "returned_goods": "Returned Goods",
    "damaged_goods": "Damaged Goods",
    "service_issue": "Service Issue",
    "pricing_error": "Pricing Error",
    "billing_adjustment": "Billing Adjustment",
    "goodwill": "Goodwill",
    "duplicate_charge": "Duplicate Charge",
    "refund": "Refund",
    "other": "Other",
}


def memo_amount(memo: Mapping[str, Any]) -> int:
    """The credit is ``amount_cents`` whole: a restocking fee is withheld beside it and
    recognised as income, the gross value reversed being ``amount_cents`` + the fee (DayZero's
    create-credit-memo reference)."""
    return int(memo["amount_cents"])


def memo_applied(memo: Mapping[str, Any]) -> int:
    return sum(int(application["amount"]) for application in memo["applications"])


def memo_remaining(memo: Mapping[str, Any]) -> int:
    return memo_amount(memo) - memo_applied(memo)


def memo_status(memo: Mapping[str, Any], applied: int | None = None) -> str:
    """The memo's status; ``applied``: :func:`memo_applied`, when the caller has it already."""
    if memo["state"] != "issued":
        return str(memo["state"])
    if applied is None:
        applied = memo_applied(memo)
    if applied == 0:
        return "issued"
    return "fully_applied" if applied >= memo_amount(memo) else "partially_applied"


def status_allows(status: str, operation: str) -> bool:
    allowed, _ = MEMO_TRANSITIONS[operation]
    return status in allowed


def memo_allows(memo: Mapping[str, Any], operation: str) -> bool:
    return status_allows(memo_status(memo), operation)


def memo_can_be_applied(memo: Mapping[str, Any]) -> bool:
    return memo_allows(memo, "apply") and memo_remaining(memo) > 0


def memo_last_applied_at(memo: Mapping[str, Any]) -> str | None:
    stamps = [application["applied_at"] for application in memo["applications"]]
    return max(stamps) if stamps else None


def invoice_due(invoice: Mapping[str, Any]) -> int:
    return int(invoice["total"]) - int(invoice["amount_paid"]) - int(invoice["amount_credited"])


def invoice_payments(invoice: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The payments linked to the invoice, oldest first (none on a record stored before
    payments were kept)."""
    return list(invoice.get("payments") or [])


def invoice_balance(invoice: Mapping[str, Any]) -> int:
    """``balance_due`` as DayZero's InvoiceResponse defines it: total less payments, credit not
    counted."""
    return int(invoice["total"]) - int(invoice["amount_paid"])


def invoice_paid_on(invoice: Mapping[str, Any]) -> str | None:
    """**Ours**: when the latest payment was made (by the moment, whatever offset each was sent
    with), once nothing is due; None before."""
    stamps = [str(payment["paid_on"]) for payment in invoice_payments(invoice)]
    if not stamps or invoice_status(invoice) != "manual_paid":
        return None
    return max(stamps, key=_moment)


def _moment(stamp: str) -> datetime:
    """A stamp as an aware moment (UTC when it names no offset; the earliest if unreadable)."""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def invoice_status(invoice: Mapping[str, Any]) -> str:
    """Open invoices follow their amounts; a voided one is ``void``. **Ours:** fully credited
    reads ``manual_paid``."""
    if invoice["state"] != "open":
        return str(invoice["state"])
    if invoice_due(invoice) <= 0:
        return "manual_paid"
    if invoice["amount_paid"] or invoice["amount_credited"]:
        return "partially_paid"
    return "open"


def require(allowed_by: tuple[frozenset[str], str], status: str) -> None:
    allowed, refusal = allowed_by
    if status not in allowed:
        raise errors.StateConflict(refusal)
