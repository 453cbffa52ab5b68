"""Solvimon's JSON for invoices and pages, every derived amount computed from stored facts.

A view needs the invoice and the other invoices of its platform it links to (its credit
invoices, its original, its copy), passed in as ``book`` (id → stored invoice).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from sandbox.vendors.solvimon import lifecycle
from sandbox.vendors.solvimon.amounts import amount

Book = Mapping[str, Mapping[str, Any]]


def credits_of(invoice: Mapping[str, Any], book: Book) -> list[Mapping[str, Any]]:
    """The credit invoices made for ``invoice`` (an original), from its links."""
    return [
        book[link["id"]]
        for link in invoice.get("links", [])
        if link["link_type"] == lifecycle.CREDIT_INVOICE and link["id"] in book
    ]


def credited_total(invoice: Mapping[str, Any], book: Book) -> int:
    return sum(lifecycle.credited_by_line(credits_of(invoice, book)).values())


def _line_json(line: Mapping[str, Any], currency: str) -> dict[str, Any]:
    money = amount(line["amount"], currency)
    return {
        "id": line["id"],
        "line_order": line["line_order"],
        "description": line.get("description"),
        "type": "REVENUE",
        "amount_excluding_tax": money,
        "amount_including_tax": money,
    }


def _group_json(group: Mapping[str, Any], currency: str, include_lines: bool) -> dict[str, Any]:
    money = amount(sum(line["amount"] for line in group["lines"]), currency)
    return {
        "group_order": group["group_order"],
        "description": group.get("description"),
        "amount_excluding_tax": money,
        "amount_including_tax": money,
        "start_at": group.get("start_at"),
        "end_at": group.get("end_at"),
        "lines": [_line_json(line, currency) for line in group["lines"]] if include_lines else None,
    }


def _period_json(period: Mapping[str, Any], currency: str, include_lines: bool) -> dict[str, Any]:
    cents = sum(line["amount"] for group in period["groups"] for line in group["lines"])
    return {
        "period_order": period["period_order"],
        "start_at": period["start_at"],
        "end_at": period["end_at"],
        "amount_excluding_tax": amount(cents, currency),
        "amount_including_tax": amount(cents, currency),
        "groups": [_group_json(group, currency, include_lines) for group in period["groups"]],
    }


def _linked_json(link: Mapping[str, Any], book: Book) -> dict[str, Any] | None:
    other = book.get(link["id"])
    if other is None:
        return None
    credit = other.get("credit") or {}
    return {
        "id": other["id"],
        "link_type": link["link_type"],
        "note": credit.get("note"),
        "invoice_number": other["invoice_number"],
        "amount": amount(lifecycle.total(other), other["currency"]),
        "invoice_date": other["invoice_date"],
    }


def _credit_json(invoice: Mapping[str, Any]) -> dict[str, Any] | None:
    credit = invoice.get("credit")
    if not credit:
        return None
    return {
        "original_invoice_id": credit["original_invoice_id"],
        "original_invoice_info": {
            "id": credit["original_invoice_id"],
            "invoice_number": credit["original_invoice_number"],
        },
        "note": credit.get("note"),
        "credit_details_source": credit.get("credit_details_source") or "CURRENT",
    }


# Fields of Solvimon's invoice for things the sandbox does not model (tax, pricing plans,
# dunning, e-invoicing, custom fields...): present, with the value an invoice without them has.
_NOT_MODELLED: dict[str, Any] = {
    "sales_tax_percentage": None,
    "customer": None,
    "billing_entity": None,
    "billing_period_date": None,
    "timezone": "UTC",
    "billing_period": None,
    "pricing_plan_subscription_ids": [],
    "closed_periods": [],
    "tax_categories": [],
    "tax_summary": None,
    "dunning_actions": [],
    "payment_actions": [],
    "custom_fields": [],
    "other_custom_fields": [],
    "e_invoices": [],
    "used_exchange_rates": [],
    "processing_only_customers": [],
    "meter_values": [],
    "credit_types": [],
    "display_invoice_sub_lines_per_processing_only_customer": False,
    "forwarded_from_customers": [],
    "validation_result": [],
    "reprocess": {},
    "used_tax_registration": None,
    "footnote": None,
    "has_usage_based_pricing": False,
    "coupons": [],
    "promotion_codes": [],
    "linked_integrations": [],
    "billing_type": "DEFAULT",
    "auto_rescues": [],
    "to_be_reprocessed": False,
    "to_be_reprocessed_at": None,
}


_NOT_MODELLED_JSON = orjson.dumps(_NOT_MODELLED)


def _not_modelled() -> dict[str, Any]:
    """A fresh copy of :data:`_NOT_MODELLED` for one invoice's view (its lists are the view's
    own): parsed from its JSON, a tenth of the time of a deep copy, on every invoice shown."""
    fresh: dict[str, Any] = orjson.loads(_NOT_MODELLED_JSON)
    return fresh


def invoice_json(
    invoice: Mapping[str, Any],
    book: Book,
    *,
    include_periods: bool = True,
    include_lines: bool = True,
) -> dict[str, Any]:
    currency = invoice["currency"]
    credited = credited_total(invoice, book)
    sums = lifecycle.balances(invoice, credited)
    payment = lifecycle.payment_status(invoice, credited)
    linked = [_linked_json(link, book) for link in invoice.get("links", [])]
    credit = _credit_json(invoice)
    # a ONE_OFF_CREDIT's originals: the invoices it links to as their credit invoice
    originals = [
        link["id"]
        for link in invoice.get("links", [])
        if link["link_type"] == lifecycle.ORIGINAL_INVOICE
    ]
    periods = invoice["periods"] if include_periods else []
    return {
        "object_type": "INVOICE",
        "id": invoice["id"],
        "invoice_number": invoice["invoice_number"],
        "purchase_order_number": invoice.get("purchase_order_number"),
        "platform_id": invoice["platform_id"],
        "customer_id": invoice.get("customer_id"),
        "customer_reference": invoice.get("customer_reference"),
        **_not_modelled(),
        "status": invoice["status"],
        "on_hold": invoice["on_hold"],
        "type": invoice["type"],
        "created_at": invoice["created_at"],
        "updated_at": invoice["updated_at"],
        "invoice_date": invoice["invoice_date"],
        "delivery_date": invoice.get("delivery_date"),
        "due_date": invoice.get("due_date"),
        "billing_currency": currency,
        "invoice_amount_including_tax": amount(sums["total"], currency),
        "open_invoice_amount": amount(sums["open"], currency),
        "closed_invoice_amount": amount(sums["closed"], currency),
        "paid_invoice_amount": amount(sums["paid"], currency),
        "pricing_amount_type": "EXCLUDING_TAX",
        "periods": [_period_json(p, currency, include_lines) for p in periods],
        "notes": list(invoice.get("notes") or []),
        "payment_acceptor_ids": [],
        "linked_invoices": [entry for entry in linked if entry is not None],
        "linked_invoices_ids": originals if invoice["type"] == "ONE_OFF_CREDIT" else [],
        "credit": credit,
        "approval_status": None,
        "updated_to_final_at": invoice.get("updated_to_final_at"),
        "payment_status": payment,
        "paid": None if payment is None else payment in ("PAID", "OVERPAID"),
        # ours: Solvimon's invoice has no refund field; a refunded credit invoice says when
        "refunded_at": invoice.get("refunded_at"),
    }


def page_json(
    items: list[dict[str, Any]], total: int, page: int, limit: int, url: Any
) -> dict[str, Any]:
    """Solvimon's page wrapper; ``url`` is the request's URL (a Starlette ``URL``)."""
    pages = (total + limit - 1) // limit

    def link(number: int | None) -> str | None:
        if number is None:
            return None
        return str(url.include_query_params(page=number, limit=limit))

    return {
        "data": items,
        "page": page,
        "limit": limit,
        "total_number_of_pages": pages,
        "links": {
            "first": link(1),
            "previous": link(page - 1) if 1 < page <= pages + 1 else None,
            "current": link(page),
            "next": link(page + 1) if page < pages else None,
        },
    }
