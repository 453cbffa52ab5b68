"""COUNT's transactions recorded by hand, and the payments they make invoices.

A transaction is stored as COUNT's client creates it (``COUNT_create_transaction``), its amount
positive and its sign read from its type. Assigning it to invoices
(``POST /partners/transactions/{uuid}/assign-to-bills-invoices``) writes one payment entry per
invoice paid, in the table the invoice's balance and status read
(:data:`sandbox.vendors.count.invoices.PAYMENTS`); removing the transaction from an invoice
(``PATCH /partners/invoices/{uuid}/remove-transaction``) deletes its entries there. What a
transaction has left to pay is its amount less its entries, so it can never pay more than it
holds, nor an invoice more than it owes.

Where the sandbox differs from COUNT: no chart of accounts (``accUuid`` is any non-empty string
and no category is kept, so the part of a transaction no invoice takes is not split off and
categorised as COUNT does with ``parentCategoryAccountUuid``; ``customerUuid`` is kept as sent,
unchecked), no bills (``matchingType`` is ``invoice`` only), no bank feeds or Stripe (every
payment link is manual and removable), and ``withCaution`` changes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tinydb import Query

from sandbox import clock
from sandbox.store import Database, Document, Store
from sandbox.vendors.count import errors, lifecycle
from sandbox.vendors.count.invoices import (
    DEFAULT_CURRENCY,
    PAYMENTS,
    InvoiceBackend,
    RecordView,
    payments_by,
)
from sandbox.vendors.count.models import to_cents
from sandbox.vendors.count.scope import Workspace

TRANSACTIONS = "count_transactions"
# COUNT's four types, and the lower-case aliases its client says are normalised
TYPES = {name.lower(): name for name in ("Income", "Expense", "Transfer", "Journal Entry")}
# ours: COUNT infers the type from the category, which the sandbox does not keep
DEFAULT_TYPE = "Income"


@dataclass(frozen=True)
class TransactionView:
    """A transaction with the payments it makes."""

    transaction: Document
    payments: list[dict[str, Any]]


class TransactionBackend:
    """Transactions and their payments; invoices are read and located through ``invoices``, so
    an invoice UUID gets the same 404 and the same 409 while legacy duplicates share it.

    A few checks are methods, so that a subclass can change a rule as a drifted deployment would
    (the tests' ``sandbox.seams`` stand-ins)."""

    def __init__(self, store: Store, invoices: InvoiceBackend) -> None:
        self._store = store
        self._invoices = invoices

    def create(self, ws: Workspace, fields: Mapping[str, Any]) -> TransactionView:
        kind = TYPES[str(fields.get("type") or DEFAULT_TYPE).lower()]
        stamp = clock.timestamp()
        record = {
            "id": str(uuid.uuid4()),
            "workspace_id": ws.workspace_id,
            "account": fields["accUuid"],
            "amount": to_cents(fields["amount"]),
            "type": kind,
            "posted_date": fields.get("postedDate") or fields["date"],
            "description": fields.get("description"),
            "currency": fields.get("currency") or DEFAULT_CURRENCY,
            "customer_id": fields.get("customerUuid"),
            "notes": fields.get("notes"),
            "created_at": stamp,
            "updated_at": stamp,
        }
        with self._store.transaction(ws.tenant_id) as db:
            return TransactionView(Document(record, db.table(TRANSACTIONS).insert(record)), [])

    def get(self, ws: Workspace, transaction_id: str) -> TransactionView:
        with self._store.transaction(ws.tenant_id) as db:
            return self._view(db, self._find(db, ws, transaction_id))

    def assign(
        self, ws: Workspace, transaction_id: str, records: list[Mapping[str, Any]]
    ) -> TransactionView:
        """Pay each invoice of ``records`` its ``paymentAmount``: every record is checked before
        any is written, against what the invoice still owes and the transaction still has."""
        with self._store.transaction(ws.tenant_id) as db:
            transaction = self._find(db, ws, transaction_id)
            self._require_income(transaction)
            left = self.unassigned(db, transaction)
            owed: dict[str, int] = {}
            planned: list[tuple[Document, int, Any]] = []
            for line in records:
                invoice = self._invoice_named(db, ws, str(line["id"]))
                self._require_payable(db, transaction, invoice)
                amount = to_cents(line["paymentAmount"])
                owed.setdefault(invoice["id"], self._invoices.open_balance(db, invoice))
                owed[invoice["id"]] -= amount
                left -= amount
                if owed[invoice["id"]] < 0:
                    raise errors.BadRequest(errors.PAYMENT_OVER_OPEN_BALANCE)
                if left < 0:
                    self._over_transaction()
                planned.append((invoice, amount, line.get("notes")))
            stamp = clock.timestamp()
            for invoice, amount, notes in planned:
                db.table(PAYMENTS).insert(
                    {
                        "workspace_id": ws.workspace_id,
                        "transaction_id": transaction["id"],
                        "invoice_id": invoice["id"],
                        "amount": amount,
                        "notes": notes,
                        "paid_at": stamp,
                    }
                )
                change = {"transactionId": transaction["id"], "amount": amount}
                self._invoices.record_change(db, ws, invoice["id"], "assign_transaction", change)
            return self._view(db, self._touch(db, transaction, stamp))

    def remove_from_invoice(
        self, ws: Workspace, invoice_id: str, transaction_id: str
    ) -> RecordView:
        """Unlink every payment ``transaction_id`` made the invoice; 404 when it made none."""
        with self._store.transaction(ws.tenant_id) as db:
            invoice = self._invoices.locate(db, ws, invoice_id)
            pair = (Query().invoice_id == invoice["id"]) & (
                Query().transaction_id == transaction_id
            )
            found = db.table(PAYMENTS).search(pair & (Query().workspace_id == ws.workspace_id))
            if not found:
                raise errors.NotFound(errors.TRANSACTION_NOT_ASSIGNED)
            db.table(PAYMENTS).remove(doc_ids=[payment.doc_id for payment in found])
            amount = lifecycle.paid(found)
            change = {"transactionId": transaction_id, "amount": amount}
            self._invoices.record_change(db, ws, invoice["id"], "remove_transaction", change)
            transaction = db.table(TRANSACTIONS).get(
                (Query().id == transaction_id) & (Query().workspace_id == ws.workspace_id)
            )
            if isinstance(transaction, Document):
                self._touch(db, transaction, clock.timestamp())
            return self._invoices.view(db, ws, self._invoices.locate(db, ws, invoice_id))

    # the rules a drifted deployment might bend -------------------------------------------------

    def _require_income(self, transaction: Mapping[str, Any]) -> None:
        """COUNT's client: invoices need an Income transaction (refunds use Expense)."""
        if transaction["type"] != "Income":
            raise errors.BadRequest(errors.INCOME_PAYS_INVOICES)

    def _require_payable(
        self, db: Database, transaction: Mapping[str, Any], invoice: Mapping[str, Any]
    ) -> None:
        """An invoice (not a memo or estimate) in the transaction's currency, approved and not
        paid in full."""
        if invoice["invoice_type"] != "invoice":
            raise errors.BadRequest(errors.PAYS_INVOICES_ONLY)
        status, _ = self._invoices.status_of(db, invoice)
        lifecycle.require("receive_payment", status, self._invoices.transitions)
        if invoice["currency"] != transaction["currency"]:
            raise errors.BadRequest(errors.PAYMENT_CURRENCY_MISMATCH)

    def _over_transaction(self) -> None:
        """Payments beyond what the transaction has left are refused."""
        raise errors.BadRequest(errors.OVER_TRANSACTION)

    # helpers ------------------------------------------------------------------------------------

    def unassigned(self, db: Database, transaction: Mapping[str, Any]) -> int:
        """What the transaction has left to pay invoices: its amount less its payments."""
        return int(transaction["amount"]) - lifecycle.paid(
            payments_by(db, "transaction_id", transaction)
        )

    def _invoice_named(self, db: Database, ws: Workspace, invoice_id: str) -> Document:
        """An invoice a body names: 400 when there is none (the path names the transaction, so
        a 404 would say the transaction is missing), 409 while the UUID is ambiguous."""
        try:
            return self._invoices.locate(db, ws, invoice_id)
        except errors.NotFound as missing:
            raise errors.BadRequest(missing.message) from missing

    def _find(self, db: Database, ws: Workspace, transaction_id: str) -> Document:
        found = db.table(TRANSACTIONS).get(
            (Query().id == transaction_id) & (Query().workspace_id == ws.workspace_id)
        )
        if not isinstance(found, Document):
            raise errors.NotFound(errors.TRANSACTION_NOT_FOUND)
        return found

    def _view(self, db: Database, transaction: Document) -> TransactionView:
        payments = [dict(payment) for payment in payments_by(db, "transaction_id", transaction)]
        return TransactionView(transaction, payments)

    def _touch(self, db: Database, transaction: Document, stamp: str) -> Document:
        updated = {**transaction, "updated_at": stamp}
        db.table(TRANSACTIONS).update(updated, doc_ids=[transaction.doc_id])
        return Document(updated, transaction.doc_id)
