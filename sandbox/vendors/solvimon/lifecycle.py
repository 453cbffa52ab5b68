"""Solvimon's invoice lifecycle in one place: statuses, which invoices can be credited, created
through the API or refunded, what a credit is called, and every amount derived from the stored
lines, payments and credits.

Stored facts: each line's amount (minor units), the amount paid, and the credit invoices linked
to an invoice. Everything else (group, period and invoice totals, what each line still has to
credit, open and closed amounts, payment status) is computed here on read, so they cannot
disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any

from sandbox.vendors.solvimon import errors

STATUSES = ("DRAFT", "OPEN", "FINAL", "VOID")
CREDIT_TYPE = {"STANDARD": "CREDIT", "ONE_OFF": "ONE_OFF_CREDIT"}
CREDIT_TYPES = frozenset(CREDIT_TYPE.values())
# What POST /invoices creates (STANDARD and CREDIT invoices come from subscriptions and crediting)
ONE_OFF_TYPES = ("ONE_OFF", "ONE_OFF_CREDIT")
# Which statuses each action accepts. Solvimon's lifecycle: FINAL is immutable and corrected only
# by crediting it.
ACTIONS = {"credit": frozenset({"FINAL"})}

# Link types (free strings in Solvimon's schema; these are the sandbox's)
CREDIT_INVOICE, COPY = "CREDIT_INVOICE", "COPY"
ORIGINAL_INVOICE, COPIED_FROM = "ORIGINAL_INVOICE", "COPIED_FROM"

# A DRAFT invoice not on hold becomes FINAL when its grace period ends: Solvimon's default is
# 8 hours (a seeded invoice may say otherwise); the transition follows the tenant's test clock.
GRACE_PERIOD = timedelta(hours=8)

LineKey = tuple[int, int, int]  # (period_order, group_order, line_order)
Invoice = Mapping[str, Any]


def finalise_at(created: datetime, grace: timedelta = GRACE_PERIOD) -> str:
    """When a draft made at ``created`` turns FINAL, as Solvimon stamps times (whole seconds)."""
    return (created + grace).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def as_of(invoice: Invoice, now: str) -> dict[str, Any]:
    """The invoice as it stands at ``now``: a draft past its grace period and not on hold is
    FINAL, finalised at the end of the grace period. Stored drafts are never rewritten for
    this; every read derives it, so advancing a tenant's clock takes effect at once."""
    due = invoice.get("finalise_at")
    if invoice["status"] != "DRAFT" or invoice["on_hold"] or not due or due > now:
        return dict(invoice)
    return {**invoice, "status": "FINAL", "updated_to_final_at": due}


def require(action: str, invoice: Invoice) -> None:
    if invoice["type"] in CREDIT_TYPES:
        raise errors.InvalidOperation(
            "A credit invoice cannot be credited",
            resource_id=invoice["id"],
            resource_type=errors.INVOICE,
        )
    if invoice["status"] not in ACTIONS[action]:
        raise errors.InvalidOperation(
            errors.NOT_FINAL.format(status=invoice["status"]),
            resource_id=invoice["id"],
            resource_type=errors.INVOICE,
        )


def require_one_off(kind: str) -> None:
    """Only one-off invoices are created through the API (ours: Solvimon's schema lists every
    type in the request's enum and says nothing of the others)."""
    if kind not in ONE_OFF_TYPES:
        raise errors.InvalidField(errors.NOT_ONE_OFF.format(kind=kind), field="type")


def require_refundable(invoice: Invoice) -> None:
    """Only a credit invoice can be refunded ("Refund a credit invoice via the original
    payment"), and only once (ours: Solvimon states no precondition)."""
    if invoice["type"] not in CREDIT_TYPES:
        raise errors.InvalidOperation(
            errors.NOT_A_CREDIT.format(kind=invoice["type"]),
            resource_id=invoice["id"],
            resource_type=errors.INVOICE,
        )
    if invoice.get("refunded_at"):
        raise errors.InvalidOperation(
            errors.ALREADY_REFUNDED.format(at=invoice["refunded_at"]),
            resource_id=invoice["id"],
            resource_type=errors.INVOICE,
        )


def lines(invoice: Invoice) -> Iterator[tuple[LineKey, Mapping[str, Any]]]:
    for period in invoice["periods"]:
        for group in period["groups"]:
            for line in group["lines"]:
                yield (period["period_order"], group["group_order"], line["line_order"]), line


def total(invoice: Invoice) -> int:
    return sum(line["amount"] for _, line in lines(invoice))


def credited_by_line(credit_invoices: Iterable[Invoice]) -> dict[LineKey, int]:
    """How much of each line of an original the given credit invoices credit (positive)."""
    credited: dict[LineKey, int] = {}
    for credit in credit_invoices:
        for key, line in lines(credit):
            credited[key] = credited.get(key, 0) - line["amount"]
    return credited


def creditable_by_line(invoice: Invoice, credited: Mapping[LineKey, int]) -> dict[LineKey, int]:
    """What each line of ``invoice`` still has to credit, in the invoice's line order."""
    return {key: line["amount"] - credited.get(key, 0) for key, line in lines(invoice)}


def balances(invoice: Invoice, credited_total: int) -> dict[str, int]:
    """``total``, ``paid``, ``closed`` and ``open`` (open + closed = total, always).

    An original's closed amount is what was paid plus what was credited; a credit invoice is
    settled against its original when it is made, so all of it is closed.
    """
    amount = total(invoice)
    if invoice["type"] in CREDIT_TYPES:
        return {"total": amount, "paid": 0, "closed": amount, "open": 0}
    closed = invoice.get("paid", 0) + credited_total
    return {
        "total": amount,
        "paid": invoice.get("paid", 0),
        "closed": closed,
        "open": amount - closed,
    }


def payment_status(invoice: Invoice, credited_total: int) -> str | None:
    """Payments against what is due after credits; ``None`` for credit invoices.

    Nothing left due and nothing paid (a fully credited invoice) counts as PAID.
    """
    if invoice["type"] in CREDIT_TYPES:
        return None
    due, paid = total(invoice) - credited_total, invoice.get("paid", 0)
    if paid > due:
        return "OVERPAID"
    if paid == due:
        return "PAID"
    return "PARTIALLY_PAID" if paid > 0 else "UNPAID"
