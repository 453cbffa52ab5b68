"""Kojo's derived values as pure functions: every amount and quantity computed from a record's
stored facts, so that the models (seeding's checks) and the views (the answer) read one
definition. Nothing here touches the store.

Stored facts are quantities (decimal strings) and unit prices, tax, shipping and payments in
cents; an item's extended price, a record's subtotal and total due, and the quantity credited
per invoice item are derived on read. Kojo's public API changes no record (its credit memos are
seeded through the control API), so unlike the REST vendors' lifecycles there is no transition
table here: only the derived values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


def ext_cents(item: Mapping[str, Any]) -> int:
    """quantity * unit price, rounded half-up to the cent."""
    exact = Decimal(item["quantity"]) * item["unit_price_cents"]
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def money_fields(document: Mapping[str, Any]) -> dict[str, int]:
    subtotal = sum(ext_cents(item) for item in document["items"])
    tax, shipping, payments = (
        document["tax_cents"],
        document["shipping_cents"],
        document["payments_cents"],
    )
    return {
        "subtotal": subtotal,
        "tax": tax,
        "shipping": shipping,
        "payments": payments,
        "total_due": subtotal + tax + shipping - payments,
    }


def credited_quantities(memos: Iterable[Mapping[str, Any]]) -> dict[str, Decimal]:
    """Quantity credited so far per invoice item, over the memos of one invoice."""
    credited: dict[str, Decimal] = {}
    for memo in memos:
        for item in memo["items"]:
            key = item["invoiceItemId"]
            credited[key] = credited.get(key, Decimal(0)) + Decimal(item["quantity"])
    return credited
