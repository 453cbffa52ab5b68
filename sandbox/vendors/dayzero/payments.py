"""DayZero's bank transactions and the invoice payments they make: every rule of linking a
transaction to an invoice and unlinking it.

A payment is stored on its invoice (``payments``), as an application is on its memo, and the
invoice keeps their sum in ``amount_paid``; a transaction keeps in ``allocated`` the sum of the
payments it makes, so that what it has left is read without scanning every invoice. Both sums
change only in the store transaction that adds or removes the payment.

Where the sandbox differs from DayZero: transactions are only those recorded by hand (no bank
feed, no Stripe), and a transaction's response holds the fields the sandbox keeps, not all 29 of
DayZero's ``TransactionResponse``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sandbox import clock
from sandbox.store import Database, Document, Store
from sandbox.vendors.dayzero import errors
from sandbox.vendors.dayzero.lifecycle import (
    INVOICE_TRANSITIONS,
    invoice_payments,
    invoice_status,
    require,
)
from sandbox.vendors.dayzero.models import (
    DEFAULT_CURRENCY,
    INVOICES,
    TRANSACTIONS,
    record_of,
    updated_record,
)
from sandbox.vendors.dayzero.scope import BusinessScope


def unallocated(transaction: Mapping[str, Any]) -> int:
    """What the transaction can still pay: a deposit less what it already pays; a withdrawal
    (a negative amount) pays nothing."""
    return max(0, int(transaction["amount"])) - int(transaction["allocated"])


class DayZeroPayments:
    """Transactions and invoice payments. Raises :mod:`errors` types; never shapes HTTP."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def create_transaction(self, scope: BusinessScope, fields: Mapping[str, Any]) -> Document:
        stamp = clock.timestamp()
        record = {
            "id": str(uuid.uuid4()),
            "business_id": scope.business_id,
            "amount": int(fields["amount"]),
            "currency": fields.get("currency") or DEFAULT_CURRENCY,
            "datetime": fields.get("datetime") or clock.today().isoformat(),
            "description": fields.get("description"),
            "source": "manual",
            "reconciled": False,
            "allocated": 0,
            "created_at": stamp,
            "updated_at": stamp,
        }
        with self._store.transaction(scope.tenant_id) as db:
            doc_id = db.table(TRANSACTIONS).insert(record)
            return Document(record, doc_id)

    def add_payment(
        self, scope: BusinessScope, invoice_id: str, fields: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Link ``amount`` cents of the transaction to the invoice; the payment record."""
        amount = int(fields["amount"])
        with self._store.transaction(scope.tenant_id) as db:
            invoice = record_of(db, INVOICES, scope, invoice_id)
            require(INVOICE_TRANSITIONS["receive_payment"], invoice_status(invoice))
            # the body names it, the path the invoice: 400 (see models._check_memo_fields)
            transaction = record_of(
                db, TRANSACTIONS, scope, fields["transaction_id"], errors.BadRequest
            )
            if transaction["currency"] != invoice["currency"]:
                raise errors.BadRequest(errors.TRANSACTION_CURRENCY_MISMATCH)
            if amount > unallocated(transaction):
                raise errors.BadRequest(errors.EXCEEDS_TRANSACTION_UNALLOCATED)
            stamp = clock.timestamp()
            payment = {
                "id": str(uuid.uuid4()),
                "invoice_id": invoice["id"],
                "transaction_id": transaction["id"],
                "amount": amount,
                "currency": invoice["currency"],
                "paid_on": fields.get("paid_on") or f"{transaction['datetime']}T00:00:00Z",
                "created_at": stamp,
                "updated_at": stamp,
                "business_id": scope.business_id,
            }
            self._settle(db, invoice, [*invoice_payments(invoice), payment], stamp)
            self._allocate(db, transaction, amount, stamp)
            return payment

    def remove_payment(self, scope: BusinessScope, invoice_id: str, payment_id: str) -> None:
        """Unlink the payment: the invoice owes it again and the transaction may pay it again."""
        with self._store.transaction(scope.tenant_id) as db:
            invoice = record_of(db, INVOICES, scope, invoice_id)
            payments = invoice_payments(invoice)
            removed = [payment for payment in payments if payment["id"] == payment_id]
            if not removed:
                raise errors.NotFound(errors.PAYMENT_NOT_FOUND)
            stamp = clock.timestamp()
            kept = [payment for payment in payments if payment["id"] != payment_id]
            self._settle(db, invoice, kept, stamp)
            transaction = record_of(db, TRANSACTIONS, scope, str(removed[0]["transaction_id"]))
            self._allocate(db, transaction, -int(removed[0]["amount"]), stamp)

    def _settle(
        self, db: Database, invoice: Document, payments: list[Mapping[str, Any]], stamp: str
    ) -> None:
        paid = sum(int(payment["amount"]) for payment in payments)
        updated_record(db, INVOICES, invoice, {"payments": payments, "amount_paid": paid}, stamp)

    def _allocate(self, db: Database, transaction: Document, cents: int, stamp: str) -> None:
        allocated = {"allocated": int(transaction["allocated"]) + cents}
        updated_record(db, TRANSACTIONS, transaction, allocated, stamp)
