"""Kojo's invoices and credit memos: seeding (control API) and reading (GraphQL).

Kojo has no public mutation for credit memos, so data comes in through the sandbox's control
API, which keeps the rules a real Kojo account keeps: a credit memo item credits an item of the
memo's own invoice, and the quantity credited per invoice item never exceeds the quantity
invoiced. Stored facts are quantities (decimal strings) and prices, tax, shipping and payments in
cents; every extended price, subtotal, total due and quantity credited is derived on read
(``lifecycle``). Kojo's backend takes the tenant a token names and nothing more: Kojo has no
business or workspace to act for, so it has no scope type.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sandbox import clock
from sandbox.store import Database, Store
from sandbox.vendors.kojo.ids import cuid
from sandbox.vendors.kojo.lifecycle import credited_quantities

INVOICES = "kojo_invoices"
MEMOS = "kojo_credit_memos"

Json = dict[str, Any]


def stamp() -> str:
    """Kojo's timestamps: ISO 8601 in UTC with milliseconds (``2021-03-24T17:26:46.983Z``)."""
    return clock.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")


class SeedError(ValueError):
    """The data cannot be seeded; the message says why."""


def cents(value: Any, field: str) -> int:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise SeedError(f"{field}: {value!r} is not a number") from None
    if not amount.is_finite():
        raise SeedError(f"{field}: {value!r} is not a number")
    return int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def quantity(value: Any, field: str) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise SeedError(f"{field}: {value!r} is not a number") from None
    if not amount.is_finite() or amount <= 0:
        raise SeedError(f"{field}: the quantity must be more than 0")
    return str(amount.normalize())


@dataclass
class KojoBook:
    """A tenant's Kojo data as one request reads it: invoices and memos by id."""

    invoices: dict[str, Json]
    memos: dict[str, Json]

    def invoice_item(self, invoice_id: str, item_id: str) -> Json | None:
        invoice = self.invoices.get(invoice_id)
        if invoice is None:
            return None
        return next((item for item in invoice["items"] if item["id"] == item_id), None)

    def memos_of(self, invoice_id: str) -> list[Json]:
        return [memo for memo in self.memos.values() if memo["invoiceId"] == invoice_id]

    def credited(self, invoice_id: str) -> dict[str, Decimal]:
        """Quantity credited so far per item of the invoice."""
        return credited_quantities(self.memos_of(invoice_id))


def _book(db: Database) -> KojoBook:
    invoices = {doc["id"]: dict(doc) for doc in db.table(INVOICES).all()}
    memos = {doc["id"]: dict(doc) for doc in db.table(MEMOS).all()}
    return KojoBook(invoices, memos)


# Kojo's Invoice fields about who did what (https://docs.kojo.tech/docs/graphql-api-reference/invoices),
# kept as seeded
PEOPLE_AND_FLAGS = (
    "approvedById",
    "paidById",
    "flaggedAt",
    "flaggedById",
    "flagMessage",
    "rejectedAt",
    "rejectedById",
    "rejectedReason",
    "salesperson",
)
# who created an invoice seeded without a createdById (ours: Kojo's createdById is never null)
SEEDING_USER_ID = "ckojosandboxseedinguser00"


class KojoBackend:
    def __init__(self, store: Store) -> None:
        self._store = store

    def book(self, tenant_id: str) -> KojoBook:
        with self._store.transaction(tenant_id) as db:
            return _book(db)

    def seed_invoice(self, tenant_id: str, fields: Mapping[str, Any]) -> Json:
        now = stamp()
        invoice: Json = {
            "id": cuid(),
            "createdAt": now,
            "updatedAt": now,
            "deletedAt": None,
            "title": fields.get("title"),
            "invoiceNumber": fields.get("invoiceNumber"),
            "invoiceDate": fields.get("invoiceDate"),
            "dueDate": fields.get("dueDate"),
            "approvedAt": fields.get("approvedAt"),
            "paidAt": fields.get("paidAt"),
            "category": fields.get("category"),
            "createdById": fields.get("createdById") or SEEDING_USER_ID,
            **{field: fields.get(field) for field in PEOPLE_AND_FLAGS},
            "exceptions": list(fields.get("exceptions") or []),
            "payments_cents": cents(fields.get("payments") or 0, "payments"),
            "tax_cents": cents(fields.get("tax") or 0, "tax"),
            "shipping_cents": cents(fields.get("shippingCost") or 0, "shippingCost"),
            "items": [
                {
                    "id": cuid(),
                    "createdAt": now,
                    "updatedAt": now,
                    "lineNumber": number,
                    "description": item.get("description"),
                    "quantity": quantity(item["quantity"], f"items.{number - 1}.quantity"),
                    "unit_price_cents": cents(item["unitPrice"], f"items.{number - 1}.unitPrice"),
                    "unitsOfMeasure": item.get("unitsOfMeasure"),
                }
                for number, item in enumerate(fields["items"], start=1)
            ],
        }
        with self._store.transaction(tenant_id) as db:
            db.table(INVOICES).insert(invoice)
        return invoice

    def seed_credit_memo(self, tenant_id: str, fields: Mapping[str, Any]) -> Json:
        now = stamp()
        with self._store.transaction(tenant_id) as db:
            book = _book(db)
            invoice = book.invoices.get(fields["invoiceId"])
            if invoice is None:
                raise SeedError(f"invoiceId: no invoice {fields['invoiceId']!r} in this tenant")
            items = list(self._memo_items(book, invoice, fields["items"], now))
            memo: Json = {
                "id": cuid(),
                "createdAt": now,
                "updatedAt": now,
                "creditMemoNumber": fields.get("creditMemoNumber"),
                "invoiceId": invoice["id"],
                "payments_cents": cents(fields.get("payments") or 0, "payments"),
                "tax_cents": cents(fields.get("tax") or 0, "tax"),
                "shipping_cents": cents(fields.get("shippingCost") or 0, "shippingCost"),
                "items": items,
            }
            db.table(MEMOS).insert(memo)
        return memo

    def _memo_items(
        self, book: KojoBook, invoice: Json, asked: Iterable[Mapping[str, Any]], now: str
    ) -> Iterable[Json]:
        credited = book.credited(invoice["id"])
        by_id = {item["id"]: item for item in invoice["items"]}
        for number, item in enumerate(asked, start=1):
            where = f"items.{number - 1}"
            invoiced = by_id.get(item["invoiceItemId"])
            if invoiced is None:
                raise SeedError(
                    f"{where}.invoiceItemId: {item['invoiceItemId']!r} is not an item of "
                    f"invoice {invoice['id']}"
                )
            amount = quantity(item["quantity"], f"{where}.quantity")
            total = credited.get(invoiced["id"], Decimal(0)) + Decimal(amount)
            if total > Decimal(invoiced["quantity"]):
                left = Decimal(invoiced["quantity"]) - credited.get(invoiced["id"], Decimal(0))
                raise SeedError(
                    f"{where}.quantity: invoice item {invoiced['id']} was invoiced "
                    f"{invoiced['quantity']}; only {left.normalize()} is left to credit"
                )
            credited[invoiced["id"]] = total
            price = item.get("unitPrice")
            yield {
                "id": cuid(),
                "createdAt": now,
                "updatedAt": now,
                "lineNumber": number,
                "invoiceItemId": invoiced["id"],
                "quantity": amount,
                "unit_price_cents": invoiced["unit_price_cents"]
                if price is None
                else cents(price, f"{where}.unitPrice"),
                "unitsOfMeasure": item.get("unitsOfMeasure") or invoiced.get("unitsOfMeasure"),
            }
