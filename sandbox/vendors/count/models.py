"""COUNT's state and operations. This part: the customers and products invoices reference.

Records are scoped to the workspace of the partner token; another workspace's records are 404.
Money is stored in cents and converted to COUNT's decimal numbers only in the views.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tinydb import Query

from sandbox import clock
from sandbox.store import Database, Document, Store
from sandbox.vendors.count import errors
from sandbox.vendors.count.scope import Workspace

CUSTOMERS = "count_customers"
PRODUCTS = "count_products"


def to_cents(amount: float | int | str) -> int:
    """An amount as COUNT takes it (a number, or a decimal string as its client sends) in
    cents."""
    return int((Decimal(str(amount)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class PageOf:
    items: list[Document]
    total: int
    page: int
    limit: int


class CountBackend:
    """COUNT's operations. Raises :mod:`errors` types; never shapes HTTP."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # customers ----------------------------------------------------------------------------

    def create_customer(self, ws: Workspace, fields: Mapping[str, Any]) -> Document:
        record = _new_record(ws, _customer_fields(fields))
        with self._store.transaction(ws.tenant_id) as db:
            self._refuse_duplicate_email(db, ws, record["email"], None)
            return Document(record, db.table(CUSTOMERS).insert(record))

    def bulk_create_customers(
        self, ws: Workspace, rows: list[Mapping[str, Any]]
    ) -> list[tuple[int, Document | str]]:
        """Each row created on its own (COUNT's client: one row failing never rolls back
        another): the customer, or why the row was refused, in row order."""
        results: list[tuple[int, Document | str]] = []
        for index, row in enumerate(rows):
            try:
                results.append((index, self.create_customer(ws, row)))
            except errors.CountError as refused:
                results.append((index, refused.message))
        return results

    def get_customer(self, ws: Workspace, customer_id: str) -> Document:
        with self._store.transaction(ws.tenant_id) as db:
            return _one(db, CUSTOMERS, ws, customer_id, errors.CUSTOMER_NOT_FOUND)

    def list_customers(
        self,
        ws: Workspace,
        page: int,
        limit: int,
        search: str | None,
        order_by: str = "customer",
        direction: str = "ASC",
    ) -> PageOf:
        """COUNT's list: by name ascending unless asked otherwise; search over name, email and
        main phone. Ties keep creation order, so a page never repeats or skips a customer."""
        needle = (search or "").lower()
        with self._store.transaction(ws.tenant_id) as db:
            found = [
                customer
                for customer in db.table(CUSTOMERS).search(Query().workspace_id == ws.workspace_id)
                if any(
                    needle in (customer.get(field) or "").lower()
                    for field in ("customer", "email", "main_phone")
                )
            ]
        field = _CUSTOMER_ORDER[order_by]
        found.sort(key=lambda c: c.doc_id)
        found.sort(key=lambda c: (c.get(field) or "").lower(), reverse=direction == "DESC")
        start = (page - 1) * limit
        return PageOf(found[start : start + limit], len(found), page, limit)

    def update_customer(
        self, ws: Workspace, customer_id: str, fields: Mapping[str, Any]
    ) -> Document:
        with self._store.transaction(ws.tenant_id) as db:
            customer = _one(db, CUSTOMERS, ws, customer_id, errors.CUSTOMER_NOT_FOUND)
            changes = _customer_fields(fields)
            self._refuse_duplicate_email(db, ws, changes["email"], customer_id)
            return _update(db, CUSTOMERS, customer, changes)

    def delete_customer(self, ws: Workspace, customer_id: str) -> None:
        with self._store.transaction(ws.tenant_id) as db:
            customer = _one(db, CUSTOMERS, ws, customer_id, errors.CUSTOMER_NOT_FOUND)
            db.table(CUSTOMERS).remove(doc_ids=[customer.doc_id])

    def _refuse_duplicate_email(
        self, db: Database, ws: Workspace, email: str | None, own_id: str | None
    ) -> None:
        if not email:
            return
        same = Query().workspace_id == ws.workspace_id
        for customer in db.table(CUSTOMERS).search(same):
            if (customer["email"] or "").lower() == email.lower() and customer["id"] != own_id:
                raise errors.Conflict(errors.DUPLICATE_EMAIL)

    # products -----------------------------------------------------------------------------

    def create_product(self, ws: Workspace, fields: Mapping[str, Any]) -> Document:
        record = _new_record(ws, _product_fields(fields))
        with self._store.transaction(ws.tenant_id) as db:
            return Document(record, db.table(PRODUCTS).insert(record))

    def get_product(self, ws: Workspace, product_id: str) -> Document:
        with self._store.transaction(ws.tenant_id) as db:
            return _one(db, PRODUCTS, ws, product_id, errors.PRODUCT_NOT_FOUND)

    def list_products(self, ws: Workspace, page: int, limit: int) -> PageOf:
        with self._store.transaction(ws.tenant_id) as db:
            found = db.table(PRODUCTS).search(Query().workspace_id == ws.workspace_id)
        return _page(found, page, limit)

    def update_product(self, ws: Workspace, product_id: str, fields: Mapping[str, Any]) -> Document:
        with self._store.transaction(ws.tenant_id) as db:
            product = _one(db, PRODUCTS, ws, product_id, errors.PRODUCT_NOT_FOUND)
            return _update(db, PRODUCTS, product, _product_fields(fields))

    def delete_product(self, ws: Workspace, product_id: str) -> None:
        with self._store.transaction(ws.tenant_id) as db:
            product = _one(db, PRODUCTS, ws, product_id, errors.PRODUCT_NOT_FOUND)
            db.table(PRODUCTS).remove(doc_ids=[product.doc_id])


def _new_record(ws: Workspace, fields: Mapping[str, Any]) -> dict[str, Any]:
    """A new record of the workspace: a fresh UUID, the fields, both timestamps now."""
    stamp = clock.timestamp()
    return {
        "id": str(uuid.uuid4()),
        "workspace_id": ws.workspace_id,
        **fields,
        "created_at": stamp,
        "updated_at": stamp,
    }


# the list's orderBy → the stored field
_CUSTOMER_ORDER = {
    "customer": "customer",
    "email": "email",
    "createdAt": "created_at",
    "updatedAt": "updated_at",
}
ADDRESS_FIELDS = ("street", "city", "state", "zipCode", "country")


def _address(address: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if address is None:
        return None
    return {field: address.get(field) for field in ADDRESS_FIELDS}


def _customer_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    contacts = [
        {
            "name": contact.get("name"),
            "email": contact.get("email"),
            "phone": contact.get("phone"),
            "is_primary": bool(contact.get("isPrimary")),
        }
        for contact in fields.get("contacts") or []
    ]
    if sum(contact["is_primary"] for contact in contacts) > 1:
        raise errors.BadRequest(errors.ONE_PRIMARY_CONTACT)
    return {
        "customer": fields["customer"],
        "email": fields.get("email"),
        "main_phone": fields.get("mainPhone"),
        "website": fields.get("website"),
        "payment_term": fields.get("paymentTerm"),
        "tax_number": fields.get("taxNumber"),
        "status": fields.get("status") or "active",
        "billing_address": _address(fields.get("billingAddress")),
        "shipping_address": _address(fields.get("shippingAddress")),
        "contacts": contacts,
    }


def _product_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "name": fields["name"],
        "description": fields.get("description"),
        "unit_price": to_cents(fields.get("unitPrice") or 0),
    }


def _one(db: Database, table: str, ws: Workspace, record_id: str, missing: str) -> Document:
    query = (Query().id == record_id) & (Query().workspace_id == ws.workspace_id)
    found = db.table(table).get(query)
    if not isinstance(found, Document):
        raise errors.NotFound(missing)
    return found


def _update(db: Database, table: str, record: Document, changes: Mapping[str, Any]) -> Document:
    updated = {**record, **changes, "updated_at": clock.timestamp()}
    db.table(table).update(updated, doc_ids=[record.doc_id])
    return Document(updated, record.doc_id)


def _page(found: list[Document], page: int, limit: int) -> PageOf:
    """COUNT pages by number, newest first."""
    ordered = sorted(found, key=lambda doc: doc.doc_id, reverse=True)
    start = (page - 1) * limit
    return PageOf(ordered[start : start + limit], len(ordered), page, limit)
