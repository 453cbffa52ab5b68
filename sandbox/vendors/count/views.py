"""COUNT's JSON: camelCase, decimal money, ``id`` equal to the record's UUID."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox import clock
from sandbox.vendors.count import lifecycle
from sandbox.vendors.count.invoices import RecordView
from sandbox.vendors.count.models import PageOf
from sandbox.vendors.count.transactions import TransactionView


def dollars(cents: int) -> float:
    return round(cents / 100, 2)


def customer_json(customer: Mapping[str, Any]) -> dict[str, Any]:
    """A customer as COUNT's customers pages describe it (records stored before a field existed
    read it as null, or active for ``status``)."""
    return {
        "id": customer["id"],
        "customer": customer["customer"],
        "email": customer.get("email"),
        "mainPhone": customer.get("main_phone"),
        "website": customer.get("website"),
        "paymentTerm": customer.get("payment_term"),
        "taxNumber": customer.get("tax_number"),
        "status": customer.get("status") or "active",
        "billingAddress": customer.get("billing_address"),
        "shippingAddress": customer.get("shipping_address"),
        "contacts": [
            {
                "name": contact.get("name"),
                "email": contact.get("email"),
                "phone": contact.get("phone"),
                "isPrimary": bool(contact.get("is_primary", contact.get("isPrimary"))),
            }
            for contact in customer.get("contacts") or []
        ],
        "createdAt": customer["created_at"],
        "updatedAt": customer["updated_at"],
    }


def product_json(product: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": product["id"],
        "name": product["name"],
        "description": product["description"],
        "unitPrice": dollars(product["unit_price"]),
        "createdAt": product["created_at"],
        "updatedAt": product["updated_at"],
    }


def page_json(key: str, page: PageOf, items: list[dict[str, Any]]) -> dict[str, Any]:
    return {key: items, "totalRecords": page.total, "page": page.page, "limit": page.limit}


def lines_json(lines: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "productUuid": line["product_id"],
            "name": line["name"],
            "description": line["description"],
            "quantity": line["quantity"],
            "unitPrice": dollars(line["unit_price"]),
            "total": dollars(line["total"]),
        }
        for line in lines
    ]


def credit_json(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "invoiceId": entry["invoice_id"],
        "memoId": entry["memo_id"],
        "amount": dollars(entry["amount"]),
        "appliedAt": entry["applied_at"],
    }


def payment_json(payment: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "transactionId": payment["transaction_id"],
        "invoiceId": payment["invoice_id"],
        "paymentAmount": dollars(payment["amount"]),
        "notes": payment.get("notes"),
        "paidAt": payment["paid_at"],
    }


def transaction_json(view: TransactionView) -> dict[str, Any]:
    """A transaction: ``amount`` signed by its type (ours: an Expense negative, as COUNT's client
    says the server applies the sign), and what it pays (ours: COUNT's pages show no fields for
    it)."""
    transaction = view.transaction
    amount = int(transaction["amount"])
    assigned = lifecycle.paid(view.payments)
    return {
        "id": transaction["id"],
        "accUuid": transaction["account"],
        "amount": dollars(-amount if transaction["type"] == "Expense" else amount),
        "type": transaction["type"],
        "postedDate": transaction["posted_date"],
        "description": transaction["description"],
        "currency": transaction["currency"],
        "customerUuid": transaction["customer_id"],
        "notes": transaction["notes"],
        "assignedAmount": dollars(assigned),
        "unassignedAmount": dollars(amount - assigned),
        "payments": [payment_json(payment) for payment in view.payments],
        "teamId": transaction["workspace_id"],
        "createdAt": transaction["created_at"],
        "updatedAt": transaction["updated_at"],
    }


def record_json(view: RecordView, warnings: list[dict[str, str]] | None = None) -> dict[str, Any]:
    record, credits = view.record, view.credits
    total = lifecycle.total(record)
    used = lifecycle.credited(credits)
    paid = lifecycle.paid(view.payments)
    body: dict[str, Any] = {
        "id": record["id"],
        "invoiceType": record["invoice_type"],
        "invoiceNumber": record["invoice_number"],
        "customerUuid": record["customer_id"],
        "customer": {"id": record["customer_id"], "customer": view.customer_name},
        "date": record["date"],
        "dueDate": record["due_date"],
        "currency": record["currency"],
        "products": lines_json(record["lines"]),
        "discount": dollars(record["discount"]),
        "discountDescription": record["discount_description"],
        "notes": record["notes"],
        "tagUuids": record["tag_uuids"],
        "isDraft": record["is_draft"],
        "isSent": record["is_sent"],
        "approved": record["approved"],
        "paymentStatus": lifecycle.payment_status(record, credits, paid),
        "status": lifecycle.status(record, credits, clock.today(), paid),
        "total": dollars(total),
        "appliedToInvoiceUuid": record["applied_to_invoice_id"],
        "credits": [credit_json(entry) for entry in credits],
        "teamId": record["workspace_id"],
        "createdAt": record["created_at"],
        "updatedAt": record["updated_at"],
    }
    if record["invoice_type"] == "memo":
        body.update(appliedAmount=dollars(used), remainingCredit=dollars(total - used))
    else:
        body.update(
            creditApplied=dollars(used),
            openBalance=dollars(total - used - paid),
            amountPaid=dollars(paid),
            payments=[payment_json(payment) for payment in view.payments],
        )
    if warnings:
        body["_partnerWarnings"] = warnings
    return body


def audit_json(record_id: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": record_id,
        "auditLog": [
            {
                "action": entry["action"],
                "actor": entry["actor"],
                "at": entry["at"],
                "changes": _camel(entry["changes"]),
            }
            for entry in entries
        ],
    }


def _camel(changes: Mapping[str, Any]) -> dict[str, Any]:
    return {key: dollars(value) if key == "amount" else value for key, value in changes.items()}


def template_json(template: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": template["id"],
        "invoiceType": "invoice",
        "customerUuid": template["customer_id"],
        "date": template["date"],
        "dueDate": template["due_date"],
        "currency": template["currency"],
        "products": lines_json(template["lines"]),
        "notes": template["notes"],
        "total": dollars(lifecycle.total(template)),
        "isDraft": template["is_draft"],
        "paused": template["paused"],
        "recurrencePattern": template["recurrence_pattern"],
        "recurrenceInterval": template["recurrence_interval"],
        "inAdvanceCreationDays": template["in_advance_creation_days"],
        "teamId": template["workspace_id"],
        "createdAt": template["created_at"],
        "updatedAt": template["updated_at"],
    }


def attachment_json(attachment: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": attachment["id"],
        "kind": attachment["kind"],
        "title": attachment["title"],
        "url": attachment["url"],
        "fileName": attachment["file_name"],
        "contentType": attachment["content_type"],
        "size": attachment["size"],
        "createdAt": attachment["created_at"],
    }


def public_json(
    view: RecordView, status: str, balance: int, attachments: list[Any]
) -> dict[str, Any]:
    full = record_json(view)
    body = {
        key: full[key]
        for key in (
            "invoiceType",
            "invoiceNumber",
            "date",
            "dueDate",
            "currency",
            "products",
            "total",
        )
    }
    body.update(customer=view.customer_name, status=status)
    body["remainingCredit" if full["invoiceType"] == "memo" else "openBalance"] = dollars(balance)
    body["attachments"] = [attachment_json(a) for a in attachments]
    return body


def success_envelope(body: Any) -> dict[str, Any]:
    """COUNT's REST reference envelope (reading ``wrapped`` of ``count.envelope``). Its pages
    show ``message`` as free text ("Success on exchanging access token."); this one is ours."""
    return {"status": "success", "message": "Success", "data": body}


def token_json(tokens: dict[str, Any], message: str) -> dict[str, Any]:
    """A token exchange's answer, as COUNT's reference example and its client both read it:
    ``{status, message, data: {result: {accessToken, refreshToken, …ExpiresAt, workspaceId,
    workspaceName}}}``, in every reading of ``count.envelope``."""
    return {"status": "success", "message": message, "data": {"result": tokens}}


def bulk_customers_json(results: list[tuple[int, Any]]) -> dict[str, Any]:
    """A bulk create's answer, as COUNT's client reads it: the counts, then each row's outcome."""
    rows = [
        {"index": index, "success": True, "customer": customer_json(outcome)}
        if isinstance(outcome, Mapping)
        else {"index": index, "success": False, "error": str(outcome)}
        for index, outcome in results
    ]
    succeeded = sum(1 for row in rows if row["success"])
    return {"successCount": succeeded, "errorCount": len(rows) - succeeded, "results": rows}


def tag_json(tag: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": tag["id"],
        "name": tag["name"],
        "color": tag["color"],
        "createdAt": tag["created_at"],
        "updatedAt": tag["updated_at"],
    }
