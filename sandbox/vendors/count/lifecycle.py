"""COUNT's lifecycle as data and pure functions: derived balances and statuses, allowed
transitions.

A record stores the raw facts COUNT documents (``isDraft``, ``isSent``, ``approved``, lines,
discount); credit lives in its own table, one entry per application, and so do payments, one entry
per invoice a transaction pays. Totals, balances, ``paymentStatus`` and the derived ``status`` are
computed from those facts on every read: payments and credit count alike, so an invoice paid in
part by a transaction and in part by a memo is ``partial`` and then ``paid``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sandbox.vendors.count import errors

# the derived statuses of a record that has been approved
APPROVED = frozenset({"approved", "sent", "partial", "paid", "overdue"})
# operation -> (derived statuses it accepts, the refusal otherwise)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "update": (frozenset({"draft"}), "Only drafts can be updated; this record is approved"),
    "delete": (frozenset({"draft"}), "Only drafts can be deleted; this record is approved"),
    "approve": (frozenset({"draft"}), "Only drafts can be approved"),
    "send": (APPROVED, "Approve the record before sending it"),
    # COUNT's client's invoice_lifecycle: approved, sent, unpaid or partial, not a draft (ours:
    # overdue too, an unpaid invoice past its due date; paid has nothing open to pay)
    "receive_payment": (
        frozenset({"approved", "sent", "partial", "overdue"}),
        "Only approved invoices with something open can be paid; drafts and paid invoices cannot",
    ),
}
# Fields COUNT manages itself: PATCH ignores them and says so in _partnerWarnings.
MANAGED_FIELDS = ("paymentStatus", "isSent", "approved", "total", "isDeleted", "teamId")


def total(record: Mapping[str, Any]) -> int:
    lines = sum(int(line["total"]) for line in record["lines"])
    return max(0, lines - int(record["discount"]))


def credited(entries: Iterable[Mapping[str, Any]]) -> int:
    return sum(int(entry["amount"]) for entry in entries)


def paid(payments: Iterable[Mapping[str, Any]]) -> int:
    """What the payments (transactions assigned to an invoice) add up to."""
    return sum(int(payment["amount"]) for payment in payments)


def balance(record: Mapping[str, Any], entries: Iterable[Mapping[str, Any]], paid: int = 0) -> int:
    """An invoice's open balance (its total less credit and ``paid``), or a memo's remaining
    credit."""
    return total(record) - credited(entries) - paid


def payment_status(
    record: Mapping[str, Any], entries: Iterable[Mapping[str, Any]], paid: int = 0
) -> str:
    """``paid`` once credit and payments reach the total, ``partial`` while something of it is
    paid or credited (COUNT's client's invoice_lifecycle: a full assignment is paid, less is
    partial; credit counts the same, ours: no source sets the two apart)."""
    amount, used = total(record), credited(entries) + paid
    if amount > 0 and used >= amount:
        return "paid"
    return "partial" if used > 0 else "unpaid"


def status(
    record: Mapping[str, Any], entries: Iterable[Mapping[str, Any]], today: dt.date, paid: int = 0
) -> str:
    """COUNT's derived status: draft, approved, sent, paid, partial or overdue."""
    entries = list(entries)
    if record["is_draft"]:
        return "draft"
    settled = payment_status(record, entries, paid)
    if settled in ("paid", "partial"):
        return settled
    due = record.get("due_date")
    if record["invoice_type"] == "invoice" and due and dt.date.fromisoformat(due) < today:
        return "overdue"
    return "sent" if record["is_sent"] else "approved"


def approves_as_it_is(current: str, approve_again: str) -> bool:
    """Whether approve answers a record in status ``current`` as it is, changing nothing: under
    the ``no-op`` reading of the disputed point ``count.approve-again``, a record already approved.
    Otherwise approve goes through ``TRANSITIONS['approve']`` (under ``refused``, the default, an
    approved record is a 400)."""
    return approve_again == "no-op" and current in APPROVED


def require(operation: str, current: str, table: Mapping[str, tuple[frozenset[str], str]]) -> None:
    allowed, refusal = table[operation]
    if current not in allowed:
        raise errors.BadRequest(refusal)
