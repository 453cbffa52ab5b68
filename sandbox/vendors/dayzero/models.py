"""DayZero's state and every business rule: customers, invoices, credit memos, applications.

The stored records hold facts only. Everything that follows from facts is derived on read, never
stored beside them: a memo's ``amount`` (its ``amount_cents``; a restocking fee is withheld
beside the credit, not taken from it), its
``amount_applied`` (the sum of its applications), ``amount_remaining``, its ``status`` once issued
(``issued`` / ``partially_applied`` / ``fully_applied`` follow the amounts), ``can_be_*`` and
``has_applications``; an invoice's ``amount_due`` and its status while open. Those derivations
and the transition tables live in :mod:`lifecycle`.

One denormalisation is kept on purpose: an invoice stores ``amount_credited``, so reading an
invoice does not scan every memo. It changes only in the same transaction as the application
that causes it, and the contract checks verify it against the memos.

Every operation runs inside one store transaction: the checks come first and a refused operation
raises before anything is written; if anything raises midway the whole transaction is undone.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tinydb import Query

from sandbox import clock
from sandbox.money import line_amount
from sandbox.pagination import CREATION, Order, Page, paginate
from sandbox.store import Database, Document, Store
from sandbox.vendors.dayzero import errors
from sandbox.vendors.dayzero.lifecycle import (
    INVOICE_TRANSITIONS,
    MEMO_STATE_AFTER,
    MEMO_TRANSITIONS,
    invoice_due,
    invoice_status,
    memo_can_be_applied,
    memo_remaining,
    memo_status,
    require,
)
from sandbox.vendors.dayzero.scope import BusinessScope

CUSTOMERS = "dayzero_customers"
INVOICES = "dayzero_invoices"
MEMOS = "dayzero_credit_memos"
COUNTERS = "dayzero_counters"
TRANSACTIONS = "dayzero_transactions"  # payments.py keeps them

DEFAULT_CURRENCY = "USD"

# --- the backend --------------------------------------------------------------------------


@dataclass(frozen=True)
class MemoView:
    """A memo with the records its response refers to (customer name, invoice numbers)."""

    memo: Document
    customer_name: str | None
    invoice_numbers: Mapping[str, str | None]


@dataclass(frozen=True)
class Listing:
    """A list request's paging (DayZero's pagination guide): cursor, limit, direction, order."""

    cursor: str | None = None
    limit: int = 50
    order: Order = CREATION
    direction: str | None = None


def _stored(field: str) -> Callable[[Document], Any]:
    return lambda document: document[field]


# sort_by → the stored value it sorts on (created_at: creation order, the document id)
SORTS: dict[str, dict[str, Callable[[Document], Any] | None]] = {
    "memos": {
        "created_at": None,
        "updated_at": _stored("updated_at"),
        "issue_date": _stored("issue_date"),
        "amount": _stored("amount_cents"),
        "number": lambda memo: memo["number"] or "",  # a memo without a number sorts first
    },
    "invoices": {
        "created_at": None,
        "updated_at": _stored("updated_at"),
        "total": _stored("total"),
        # DayZero's invoices guide sorts by due_date; an invoice without one sorts first
        "due_date": lambda invoice: invoice.get("due_date") or "",
    },
    "customers": {"created_at": None, "updated_at": _stored("updated_at"), "name": _stored("name")},
}


def listing(
    kind: str,
    cursor: str | None,
    limit: int,
    sort_by: str = "created_at",
    descending: bool = True,
    direction: str | None = None,
) -> Listing:
    order = Order(sort_by, descending, SORTS[kind][sort_by])
    return Listing(cursor, limit, order, direction)


class DayZeroBackend:
    """All of DayZero's state transitions. Raises :mod:`errors` types; never shapes HTTP.

    The statuses each memo operation accepts are the class's ``memo_transitions``, so a subclass
    can change a rule as a drifted deployment would (the tests' ``sandbox.seams`` stand-ins)."""

    memo_transitions = MEMO_TRANSITIONS

    def __init__(self, store: Store) -> None:
        self._store = store

    # customers ----------------------------------------------------------------------------

    def create_customer(self, scope: BusinessScope, fields: Mapping[str, Any]) -> Document:
        stamp = clock.timestamp()
        record = {
            "id": str(uuid.uuid4()),
            "business_id": scope.business_id,
            "name": fields["name"],
            "email": fields.get("email"),
            "phone": fields.get("phone"),
            "address": fields.get("address"),
            "credit_limit_cents": fields.get("credit_limit_cents"),
            "created_at": stamp,
            "updated_at": stamp,
        }
        with self._store.transaction(scope.tenant_id) as db:
            doc_id = db.table(CUSTOMERS).insert(record)
            return Document(record, doc_id)

    def get_customer(self, scope: BusinessScope, customer_id: str) -> Document:
        with self._store.transaction(scope.tenant_id) as db:
            return record_of(db, CUSTOMERS, scope, customer_id)

    def list_customers(self, scope: BusinessScope, listing: Listing) -> Page[Document]:
        with self._store.transaction(scope.tenant_id) as db:
            found = db.table(CUSTOMERS).select(Query().business_id == scope.business_id)
            return self._page(found, listing)

    # invoices -----------------------------------------------------------------------------

    def create_invoice(self, scope: BusinessScope, fields: Mapping[str, Any]) -> Document:
        lines = [
            {
                "description": line["description"],
                "quantity": line["quantity"],
                "unit_price": line["unit_price"],
                "amount": line_amount(line["quantity"], line["unit_price"]),
            }
            for line in fields["line_items"]
        ]
        total = sum(line["amount"] for line in lines)
        stamp = clock.timestamp()
        record = {
            "id": str(uuid.uuid4()),
            "business_id": scope.business_id,
            "customer_id": fields["customer_id"],
            "number": None,
            "state": "draft",
            "currency": fields.get("currency") or DEFAULT_CURRENCY,
            "due_date": fields.get("due_date"),
            "line_items": lines,
            "total": total,
            "amount_paid": 0,
            "amount_credited": 0,
            "finalized_at": None,
            "created_at": stamp,
            "updated_at": stamp,
        }
        with self._store.transaction(scope.tenant_id) as db:
            # a create: 404 (see _check_memo_fields)
            record_of(db, CUSTOMERS, scope, fields["customer_id"])
            doc_id = db.table(INVOICES).insert(record)
            return Document(record, doc_id)

    def get_invoice(self, scope: BusinessScope, invoice_id: str) -> Document:
        with self._store.transaction(scope.tenant_id) as db:
            return record_of(db, INVOICES, scope, invoice_id)

    def list_invoices(
        self,
        scope: BusinessScope,
        customer_id: str | None,
        status: str | None,
        listing: Listing,
    ) -> Page[Document]:
        with self._store.transaction(scope.tenant_id) as db:
            found: Sequence[Document] = db.table(INVOICES).select(
                Query().business_id == scope.business_id
            )
            if customer_id is not None or status is not None:
                found = [
                    invoice
                    for invoice in found
                    if (customer_id is None or invoice["customer_id"] == customer_id)
                    and (status is None or invoice_status(invoice) == status)
                ]
            return self._page(found, listing)

    def finalize_invoice(self, scope: BusinessScope, invoice_id: str) -> Document:
        with self._store.transaction(scope.tenant_id) as db:
            invoice = record_of(db, INVOICES, scope, invoice_id)
            require(INVOICE_TRANSITIONS["finalize"], invoice_status(invoice))
            stamp = clock.timestamp()
            number = self._next_number(db, scope, "invoice", "INV")
            changes = {"state": "open", "number": number, "finalized_at": stamp}
            return updated_record(db, INVOICES, invoice, changes, stamp)

    def void_invoice(self, scope: BusinessScope, invoice_id: str) -> Document:
        """Void an open invoice (nothing paid or credited on it); it stays, listed as void."""
        with self._store.transaction(scope.tenant_id) as db:
            invoice = record_of(db, INVOICES, scope, invoice_id)
            require(INVOICE_TRANSITIONS["void"], invoice_status(invoice))
            stamp = clock.timestamp()
            return updated_record(db, INVOICES, invoice, {"state": "void"}, stamp)

    def customer_names(self, scope: BusinessScope, customer_ids: Iterable[str]) -> dict[str, str]:
        wanted = set(customer_ids)
        with self._store.transaction(scope.tenant_id) as db:
            found = db.table(CUSTOMERS).search(
                (Query().business_id == scope.business_id) & Query().id.one_of(list(wanted))
            )
        return {customer["id"]: customer["name"] for customer in found}

    # credit memos -------------------------------------------------------------------------

    def create_memo(self, scope: BusinessScope, fields: Mapping[str, Any]) -> MemoView:
        stamp = clock.timestamp()
        record: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "business_id": scope.business_id,
            "customer_id": fields["customer_id"],
            "invoice_id": fields.get("invoice_id"),
            "number": None,
            "state": "draft",
            "currency": DEFAULT_CURRENCY,
            "amount_cents": fields["amount_cents"],
            "restocking_fee_cents": fields.get("restocking_fee_cents") or 0,
            "reason": fields.get("reason") or "other",
            "description": fields.get("description"),
            "internal_notes": fields.get("internal_notes"),
            "line_items": copy.deepcopy(fields.get("line_items")),
            "issue_date": fields.get("issue_date") or clock.today().isoformat(),
            "applications": [],
            "voided_at": None,
            "voided_reason": None,
            "created_at": stamp,
            "updated_at": stamp,
        }
        with self._store.transaction(scope.tenant_id) as db:
            record["currency"] = self._check_memo_fields(db, scope, record, path_names_one=False)
            record["number"] = self._next_number(db, scope, "credit_memo", "CM")
            doc_id = db.table(MEMOS).insert(record)
            return self._view(db, scope, Document(record, doc_id))

    def get_memo(self, scope: BusinessScope, memo_id: str) -> MemoView:
        with self._store.transaction(scope.tenant_id) as db:
            return self._view(db, scope, record_of(db, MEMOS, scope, memo_id))

    def list_memos(
        self,
        scope: BusinessScope,
        *,
        customer_id: str | None,
        status: str | None,
        has_remaining_balance: bool,
        search: str | None,
        listing: Listing,
    ) -> tuple[Page[Document], MemoViews]:
        needle = search.lower() if search else None
        filtered = customer_id or status or has_remaining_balance or needle is not None
        with self._store.transaction(scope.tenant_id) as db:
            found: Sequence[Document] = db.table(MEMOS).select(
                Query().business_id == scope.business_id
            )
            if filtered:
                found = [
                    memo
                    for memo in found
                    if (customer_id is None or memo["customer_id"] == customer_id)
                    and (status is None or memo_status(memo) == status)
                    and (not has_remaining_balance or memo_remaining(memo) > 0)
                    and (needle is None or needle in (memo["number"] or "").lower())
                ]
            page = self._page(found, listing)
            return page, self._views(db, scope, page.items)

    def update_memo(
        self, scope: BusinessScope, memo_id: str, fields: Mapping[str, Any]
    ) -> MemoView:
        with self._store.transaction(scope.tenant_id) as db:
            memo = record_of(db, MEMOS, scope, memo_id)
            require(self.memo_transitions["update"], memo_status(memo))
            changes = {k: copy.deepcopy(v) for k, v in fields.items() if k in _UPDATABLE}
            if changes.get("restocking_fee_cents") is None:
                changes.pop("restocking_fee_cents", None)
            merged = {**memo, **changes}
            changes["currency"] = self._check_memo_fields(db, scope, merged, path_names_one=True)
            return self._view(db, scope, updated_record(db, MEMOS, memo, changes))

    def delete_memo(self, scope: BusinessScope, memo_id: str) -> None:
        with self._store.transaction(scope.tenant_id) as db:
            memo = record_of(db, MEMOS, scope, memo_id)
            require(self.memo_transitions["delete"], memo_status(memo))
            db.table(MEMOS).remove(doc_ids=[memo.doc_id])

    def issue_memo(self, scope: BusinessScope, memo_id: str) -> MemoView:
        with self._store.transaction(scope.tenant_id) as db:
            memo = record_of(db, MEMOS, scope, memo_id)
            require(self.memo_transitions["issue"], memo_status(memo))
            changes = {"state": MEMO_STATE_AFTER["issue"]}
            return self._view(db, scope, updated_record(db, MEMOS, memo, changes))

    def apply_memo(
        self, scope: BusinessScope, memo_id: str, invoice_id: str, amount: int
    ) -> dict[str, Any]:
        """Apply ``amount`` cents of the memo to the invoice; returns the application record."""
        with self._store.transaction(scope.tenant_id) as db:
            memo = record_of(db, MEMOS, scope, memo_id)
            require(self.memo_transitions["apply"], memo_status(memo))
            # the body names the invoice: 400 (see _check_memo_fields)
            invoice = record_of(db, INVOICES, scope, invoice_id, errors.BadRequest)
            require(INVOICE_TRANSITIONS["receive_credit"], invoice_status(invoice))
            if invoice["customer_id"] != memo["customer_id"]:
                raise errors.BadRequest(errors.INVOICE_OF_OTHER_CUSTOMER)
            if invoice["currency"] != memo["currency"]:
                raise errors.BadRequest(errors.CURRENCY_MISMATCH)
            if amount > self.credit_left(memo):
                raise errors.BadRequest(errors.EXCEEDS_MEMO_REMAINING)
            if amount > invoice_due(invoice):
                raise errors.BadRequest(errors.EXCEEDS_INVOICE_DUE)
            stamp = clock.timestamp()
            application = {
                "id": str(uuid.uuid4()),
                "invoice_id": invoice["id"],
                "amount": amount,
                "applied_at": stamp,
                "applied_by_user_id": None,
            }
            applications = [*memo["applications"], application]
            updated_record(db, MEMOS, memo, {"applications": applications}, stamp)
            credited = int(invoice["amount_credited"]) + amount
            updated_record(db, INVOICES, invoice, {"amount_credited": credited}, stamp)
            return {
                **application,
                "credit_memo_id": memo["id"],
                "invoice_number": invoice["number"],
            }

    def unapply_memo(
        self, scope: BusinessScope, memo_id: str, invoice_id: str
    ) -> tuple[MemoView, int, str]:
        """Remove every application of the memo to the invoice and restore both balances; the
        memo afterwards, the cents unapplied and when."""
        with self._store.transaction(scope.tenant_id) as db:
            memo = record_of(db, MEMOS, scope, memo_id)
            removed = [a for a in memo["applications"] if a["invoice_id"] == invoice_id]
            if not removed:
                raise errors.NotFound(errors.NOT_APPLIED_TO_INVOICE)
            invoice = record_of(db, INVOICES, scope, invoice_id)
            stamp = clock.timestamp()
            kept = [a for a in memo["applications"] if a["invoice_id"] != invoice_id]
            memo = updated_record(db, MEMOS, memo, {"applications": kept}, stamp)
            unapplied = sum(int(a["amount"]) for a in removed)
            self._give_back(db, invoice, unapplied, stamp)
            return self._view(db, scope, memo), unapplied, stamp

    def void_memo(self, scope: BusinessScope, memo_id: str, reason: str) -> MemoView:
        with self._store.transaction(scope.tenant_id) as db:
            memo = record_of(db, MEMOS, scope, memo_id)
            require(self.memo_transitions["void"], memo_status(memo))
            stamp = clock.timestamp()
            changes = {
                "state": MEMO_STATE_AFTER["void"],
                "voided_at": stamp,
                "voided_reason": reason,
            }
            return self._view(db, scope, updated_record(db, MEMOS, memo, changes, stamp))

    def credit_left(self, memo: Mapping[str, Any]) -> int:
        """The cents the memo can still give."""
        return memo_remaining(memo)

    def _give_back(self, db: Database, invoice: Document, cents: int, stamp: str) -> None:
        """Unapplied credit raises the invoice's amount due again."""
        credited = int(invoice["amount_credited"]) - cents
        updated_record(db, INVOICES, invoice, {"amount_credited": credited}, stamp)

    def customer_credits(
        self, scope: BusinessScope, customer_id: str
    ) -> tuple[Document, list[Document], MemoViews]:
        """The customer and the memos whose credit can still be applied."""
        with self._store.transaction(scope.tenant_id) as db:
            customer = record_of(db, CUSTOMERS, scope, customer_id)
            memos = db.table(MEMOS).search(
                (Query().business_id == scope.business_id) & (Query().customer_id == customer_id)
            )
            usable = sorted(
                (memo for memo in memos if memo_can_be_applied(memo)),
                key=lambda memo: memo.doc_id,
                reverse=True,
            )
            return customer, usable, self._views(db, scope, usable)

    # helpers ------------------------------------------------------------------------------

    def _check_memo_fields(
        self, db: Database, scope: BusinessScope, memo: Mapping[str, Any], path_names_one: bool
    ) -> str:
        """Validate a memo's references and amounts; return the currency the memo takes.

        A record the body names that does not exist: where the path names no record (a create),
        a 404, as the create-memo page lists "404 Not Found - Resource does not exist"
        (https://www.ondayzero.com/docs/reference/credit-memos/create-credit-memo/openapi.json)
        and nothing else there can be missing. **Ours:** where the path names a record (update,
        apply), a 400, so that a 404 there always means the addressed record is missing."""
        refusal = errors.BadRequest if path_names_one else errors.NotFound
        record_of(db, CUSTOMERS, scope, memo["customer_id"], refusal)
        if not memo.get("invoice_id"):
            return DEFAULT_CURRENCY
        invoice = record_of(db, INVOICES, scope, memo["invoice_id"], refusal)
        if invoice["customer_id"] != memo["customer_id"]:
            raise errors.BadRequest(errors.INVOICE_OF_OTHER_CUSTOMER)
        return str(invoice["currency"])

    def _next_number(self, db: Database, scope: BusinessScope, kind: str, prefix: str) -> str:
        """Per-business sequence: CM-0001, CM-0002, … Numbers of deleted drafts are not reused."""
        counters = db.table(COUNTERS)
        key = f"{kind}:{scope.business_id}"
        current = counters.get(Query().key == key)
        value = int(current["value"]) + 1 if isinstance(current, Document) else 1
        counters.upsert({"key": key, "value": value}, Query().key == key)
        return f"{prefix}-{value:04d}"

    def _page(self, documents: Sequence[Document], listing: Listing) -> Page[Document]:
        """One page; the cursor's form is checked by request validation (the spec's pattern is
        ``CURSOR_PATTERN``, a test keeps them equal), so every cursor here is a position."""
        return paginate(
            documents, listing.cursor or None, listing.limit, listing.order, listing.direction
        )

    def _view(self, db: Database, scope: BusinessScope, memo: Document) -> MemoView:
        return self._views(db, scope, [memo])[memo["id"]]

    def _views(self, db: Database, scope: BusinessScope, memos: list[Document]) -> MemoViews:
        """Resolve names and numbers for a batch of memos with one query per table."""
        customer_ids = {memo["customer_id"] for memo in memos}
        invoice_ids = {memo["invoice_id"] for memo in memos if memo["invoice_id"]}
        invoice_ids |= {a["invoice_id"] for memo in memos for a in memo["applications"]}
        in_business = Query().business_id == scope.business_id
        names = {
            customer["id"]: customer["name"]
            for customer in db.table(CUSTOMERS).search(
                in_business & Query().id.one_of(list(customer_ids))
            )
        }
        numbers = {
            invoice["id"]: invoice["number"]
            for invoice in db.table(INVOICES).search(
                in_business & Query().id.one_of(list(invoice_ids))
            )
        }
        return {
            memo["id"]: MemoView(memo, names.get(memo["customer_id"]), numbers) for memo in memos
        }


MemoViews = dict[str, MemoView]

_UPDATABLE = frozenset(
    {
        "customer_id",
        "amount_cents",
        "restocking_fee_cents",
        "reason",
        "description",
        "invoice_id",
        "issue_date",
        "line_items",
        "internal_notes",
    }
)


# What a lookup says when the record is not the business's.
_MISSING = {
    CUSTOMERS: errors.CUSTOMER_NOT_FOUND,
    INVOICES: errors.INVOICE_NOT_FOUND,
    MEMOS: errors.CREDIT_MEMO_NOT_FOUND,
    TRANSACTIONS: errors.TRANSACTION_NOT_FOUND,
}


def updated_record(
    db: Database,
    table: str,
    record: Document,
    changes: Mapping[str, Any],
    stamp: str | None = None,
) -> Document:
    """``record`` with ``changes`` and a new ``updated_at``, written in its place."""
    updated = {**record, **changes, "updated_at": stamp or clock.timestamp()}
    db.table(table).update(updated, doc_ids=[record.doc_id])
    return Document(updated, record.doc_id)


def record_of(
    db: Database,
    table: str,
    scope: BusinessScope,
    record_id: str,
    refusal: type[errors.DayZeroError] = errors.NotFound,
) -> Document:
    """The business's record in ``table`` with this id; ``refusal`` (a 404 unless the caller
    says otherwise) with the table's not-found message if there is none."""
    query = (Query().id == record_id) & (Query().business_id == scope.business_id)
    found = db.table(table).get(query)
    if not isinstance(found, Document):
        raise refusal(_MISSING[table])
    return found
