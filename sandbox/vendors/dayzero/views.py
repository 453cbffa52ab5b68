"""DayZero's JSON: cents plus ``*_in_dollars`` strings, derived fields computed from the facts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.money import cents_to_dollars
from sandbox.pagination import Page
from sandbox.vendors.dayzero import lifecycle
from sandbox.vendors.dayzero.models import MemoView


def customer_json(customer: Mapping[str, Any]) -> dict[str, Any]:
    fields = ("id", "business_id", "name", "email", "phone", "address", "credit_limit_cents")
    return {
        **{field: customer[field] for field in fields},
        "created_at": customer["created_at"],
        "updated_at": customer["updated_at"],
    }


def invoice_json(invoice: Mapping[str, Any], customer_name: str | None) -> dict[str, Any]:
    due = lifecycle.invoice_due(invoice)
    return {
        "id": invoice["id"],
        "business_id": invoice["business_id"],
        "customer_id": invoice["customer_id"],
        "customer_name": customer_name,
        "number": invoice["number"],
        "status": lifecycle.invoice_status(invoice),
        "currency": invoice["currency"],
        "due_date": invoice["due_date"],
        "line_items": invoice["line_items"],
        "total": invoice["total"],
        "total_in_dollars": cents_to_dollars(invoice["total"]),
        "amount_paid": invoice["amount_paid"],
        "amount_paid_in_dollars": cents_to_dollars(invoice["amount_paid"]),
        "amount_credited": invoice["amount_credited"],
        "amount_credited_in_dollars": cents_to_dollars(invoice["amount_credited"]),
        "amount_due": due,
        "amount_due_in_dollars": cents_to_dollars(due),
        "total_paid": invoice["amount_paid"],
        "balance_due": lifecycle.invoice_balance(invoice),
        "paid_on": lifecycle.invoice_paid_on(invoice),
        "payments": [payment_json(payment) for payment in lifecycle.invoice_payments(invoice)],
        "finalized_at": invoice["finalized_at"],
        "created_at": invoice["created_at"],
        "updated_at": invoice["updated_at"],
    }


def payment_json(payment: Mapping[str, Any]) -> dict[str, Any]:
    """DayZero's ``InvoicePaymentResponse`` (without the transaction summary, which DayZero
    includes only when listing payments)."""
    fields = ("id", "invoice_id", "transaction_id", "amount", "currency", "paid_on")
    return {field: payment[field] for field in (*fields, "created_at", "updated_at", "business_id")}


def transaction_json(transaction: Mapping[str, Any]) -> dict[str, Any]:
    fields = ("id", "business_id", "amount", "currency", "datetime", "description", "source")
    return {
        **{field: transaction[field] for field in fields},
        "reconciled": transaction["reconciled"],
        "created_at": transaction["created_at"],
        "updated_at": transaction["updated_at"],
    }


# DayZero's answer to a payment removed: no resource, the same in every reading of the envelope
PAYMENT_REMOVED = {"success": True, "message": "Payment removed", "code": "success"}


def application_json(
    application: Mapping[str, Any], credit_memo_id: str, invoice_number: str | None
) -> dict[str, Any]:
    return {
        "id": application["id"],
        "credit_memo_id": credit_memo_id,
        "invoice_id": application["invoice_id"],
        "invoice_number": invoice_number,
        "amount_applied": application["amount"],
        "amount_applied_dollars": cents_to_dollars(application["amount"]),
        "applied_at": application["applied_at"],
        "applied_by_user_id": application.get("applied_by_user_id"),
    }


def unapply_json(view: MemoView, invoice_id: str, cents: int, at: str) -> dict[str, Any]:
    """DayZero's ``CreditMemoUnapplyResponse``. Its reference page names the schema but not its
    fields (ours): what was unapplied, mirroring the application's own fields, and the memo as
    it stands afterwards."""
    return {
        "credit_memo_id": view.memo["id"],
        "invoice_id": invoice_id,
        "amount_unapplied": cents,
        "amount_unapplied_dollars": cents_to_dollars(cents),
        "unapplied_at": at,
        "credit_memo": memo_json(view),
    }


def memo_json(view: MemoView) -> dict[str, Any]:
    memo = view.memo
    amount = lifecycle.memo_amount(memo)
    applied = lifecycle.memo_applied(memo)
    remaining = amount - applied
    status = lifecycle.memo_status(memo, applied)  # once: every can_be_* below reads it
    line_items = None
    if memo["line_items"] is not None or memo["restocking_fee_cents"]:
        line_items = {
            "items": memo["line_items"] or [],
            "restocking_fee_cents": memo["restocking_fee_cents"],
        }
    return {
        "id": memo["id"],
        "business_id": memo["business_id"],
        "customer_id": memo["customer_id"],
        "invoice_id": memo["invoice_id"],
        "number": memo["number"],
        "status": status,
        "currency": memo["currency"],
        "amount": amount,
        "amount_in_dollars": cents_to_dollars(amount),
        "amount_applied": applied,
        "amount_applied_in_dollars": cents_to_dollars(applied),
        "amount_remaining": remaining,
        "amount_remaining_in_dollars": cents_to_dollars(remaining),
        "issue_date": memo["issue_date"],
        "applied_date": lifecycle.memo_last_applied_at(memo),
        "created_at": memo["created_at"],
        "updated_at": memo["updated_at"],
        "reason": memo["reason"],
        "reason_display": lifecycle.REASON_LABELS.get(memo["reason"], memo["reason"]),
        "description": memo["description"],
        "internal_notes": memo["internal_notes"],
        "line_items": line_items,
        "voided_at": memo["voided_at"],
        "voided_reason": memo["voided_reason"],
        "customer_name": view.customer_name,
        "invoice_number": view.invoice_numbers.get(memo["invoice_id"])
        if memo["invoice_id"]
        else None,
        "applications": [
            application_json(
                application, memo["id"], view.invoice_numbers.get(application["invoice_id"])
            )
            for application in memo["applications"]
        ],
        "can_be_applied": lifecycle.status_allows(status, "apply") and remaining > 0,
        "can_be_voided": lifecycle.status_allows(status, "void"),
        "can_be_deleted": lifecycle.status_allows(status, "delete"),
        "has_applications": bool(memo["applications"]),
    }


def page_json(
    page: Page[Any],
    items: list[dict[str, Any]],
    include_total: bool = False,
    backwards: bool = False,
) -> dict[str, Any]:
    """A page as DayZero's list pages show it: ``total`` only when asked for (null "when not
    calculated for performance"), ``has_more`` as its pagination guide shows it beside
    ``has_next``/``has_prev``."""
    return {
        "items": items,
        "total": page.total if include_total else None,
        "limit": page.limit,
        "next_cursor": page.next_cursor,
        "prev_cursor": page.prev_cursor,
        "has_next": page.has_next,
        "has_prev": page.has_prev,
        "has_more": page.has_prev if backwards else page.has_next,
    }


def success_envelope(body: Any) -> dict[str, Any]:
    """The envelope of DayZero's rendered reference (reading ``wrapped`` of ``dayzero.envelope``).
    Its pages name no values for ``message`` and ``code``: these are ours."""
    return {"success": True, "message": "OK", "code": "success", "data": body}
