"""COUNT's invoice records (invoices, estimates, credit memos): lifecycle, credit, audit log.

One record type for all three, as COUNT has it. Credit applied from a memo to an invoice is one
entry in the credits table, read by both sides, so the memo's remaining credit and the invoice's
open balance can never disagree. Payments (transactions assigned to an invoice, made by
``transactions.TransactionBackend``) are entries of their own table, which the invoice's balance
and status read as they read credit: credit applied after a payment is bounded by what is still
open. Both apply routes validate every line before writing any: one bad line refuses the whole
request and nothing is applied. Every change is appended to the record's audit log in the same
transaction.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tinydb import Query

from sandbox import clock
from sandbox.runtime import reading
from sandbox.store import Database, Document, Store
from sandbox.vendors.count import errors, lifecycle
from sandbox.vendors.count.models import CUSTOMERS, PRODUCTS, PageOf, to_cents
from sandbox.vendors.count.scope import Workspace
from sandbox.vendors.count.tags import require_tags

RECORDS = "count_invoices"
CREDITS = "count_credits"
PAYMENTS = "count_payments"
AUDIT = "count_audit"
COUNTERS = "count_counters"
# numbering per type (ours: COUNT's pages show no numbers); quote only under the reference
# reading of count.create
PREFIXES = {"invoice": "INV", "estimate": "EST", "quote": "QUO", "memo": "CM"}
DEFAULT_CURRENCY = "USD"


@dataclass(frozen=True)
class RecordView:
    """A record with what its JSON needs: its customer, its credit entries and (an invoice) the
    payments it received."""

    record: Document
    customer_name: str
    credits: list[dict[str, Any]]
    payments: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def payments_by(db: Database, side: str, record: Mapping[str, Any]) -> list[Document]:
    """The payment entries whose ``side`` (``invoice_id`` or ``transaction_id``) is ``record``,
    oldest first."""
    found = db.table(PAYMENTS).search(
        (Query()[side] == record["id"]) & (Query().workspace_id == record["workspace_id"])
    )
    return sorted(found, key=lambda payment: payment.doc_id)


class InvoiceBackend:
    """COUNT's invoices, estimates and credit memos, and the credit between them.

    The statuses each operation accepts are the class's ``transitions``, and a few checks are
    methods, so that a subclass can change a rule as a drifted deployment would (the tests'
    ``sandbox.seams`` stand-ins)."""

    transitions = lifecycle.TRANSITIONS

    def __init__(self, store: Store) -> None:
        self._store = store

    # create, read, update, delete ---------------------------------------------------------

    def create(self, ws: Workspace, fields: Mapping[str, Any]) -> RecordView:
        kind = fields.get("invoiceType") or "invoice"
        if fields.get("appliedToInvoiceUuid") and kind != "memo":
            raise errors.BadRequest(errors.APPLIED_TO_NEEDS_MEMO)
        if fields.get("applyCredit") and kind != "invoice":
            raise errors.BadRequest(errors.APPLY_CREDIT_NEEDS_INVOICE)
        # A draft takes part in credit like any record: neither COUNT's reference nor its client
        # restricts appliedToInvoiceUuid, applyCredit or the apply routes to approved records,
        # and the seed creates a memo linked at creation without approving it first.
        is_draft = fields.get("isDraft", True)
        stamp = clock.timestamp()
        with self._store.transaction(ws.tenant_id) as db:
            record: dict[str, Any] = {
                "id": str(uuid.uuid4()),
                "workspace_id": ws.workspace_id,
                "invoice_type": kind,
                "is_draft": bool(is_draft),
                "is_sent": False,
                "approved": not is_draft,
                "applied_to_invoice_id": fields.get("appliedToInvoiceUuid"),
                "created_at": stamp,
                "updated_at": stamp,
                **self.editable(db, ws, fields, {}),
            }
            record["invoice_number"] = fields.get("invoiceNumber") or self._number(db, ws, kind)
            document = Document(record, db.table(RECORDS).insert(record))
            self._audit(db, ws, record["id"], "create", {"invoiceType": kind})
            if record["applied_to_invoice_id"]:
                amount = lifecycle.total(record)
                self._apply(db, ws, [(document, record["applied_to_invoice_id"], amount)])
            if fields.get("applyCredit"):
                line = fields["applyCredit"]["creditMemo"]
                memo = self._find(db, ws, line["id"], errors.MEMO_NOT_FOUND)
                self._apply(db, ws, [(memo, record["id"], to_cents(line["amount"]))])
            return self.view(db, ws, document)

    def get(self, ws: Workspace, record_id: str) -> RecordView:
        with self._store.transaction(ws.tenant_id) as db:
            return self.view(db, ws, self._find(db, ws, record_id, errors.INVOICE_NOT_FOUND))

    def update(
        self, ws: Workspace, record_id: str, fields: Mapping[str, Any]
    ) -> tuple[RecordView, list[dict[str, str]]]:
        """Change a draft; return it and the warnings for the fields that were ignored."""
        with self._store.transaction(ws.tenant_id) as db:
            record = self._find(db, ws, record_id, errors.INVOICE_NOT_FOUND)
            lifecycle.require("update", self._status(db, record), self.transitions)
            changes = self.editable(db, ws, fields, record)
            credited = lifecycle.credited(self._credits(db, record)) + self._paid(db, record)
            if lifecycle.total({**record, **changes}) < credited:
                raise errors.BadRequest(errors.TOTAL_BELOW_CREDIT)
            if fields.get("invoiceNumber"):
                changes["invoice_number"] = fields["invoiceNumber"]
            updated = self._update(db, record, changes)
            changed = sorted(k for k in fields if k in _EDITABLE)
            self._audit(db, ws, record_id, "update", {"fields": changed})
            return self.view(db, ws, updated), _warnings(fields)

    def delete(self, ws: Workspace, record_id: str) -> None:
        with self._store.transaction(ws.tenant_id) as db:
            record = self._find(db, ws, record_id, errors.INVOICE_NOT_FOUND)
            lifecycle.require("delete", self._status(db, record), self.transitions)
            db.table(RECORDS).remove(doc_ids=[record.doc_id])
            # its audit log goes with it (see audit_log)
            db.table(AUDIT).remove(
                (Query().record_id == record_id) & (Query().workspace_id == ws.workspace_id)
            )

    def search(self, ws: Workspace, query: Mapping[str, Any], page: int, limit: int) -> PageOf:
        today = clock.today()
        with self._store.transaction(ws.tenant_id) as db:
            names = _names(db, ws)
            found = []
            for record in db.table(RECORDS).search(Query().workspace_id == ws.workspace_id):
                current = lifecycle.status(
                    record, self._credits(db, record), today, self._paid(db, record)
                )
                if _matches(record, current, names.get(record["customer_id"], ""), query):
                    found.append(record)
        ordered = sorted(found, key=lambda doc: doc.doc_id, reverse=True)
        start = (page - 1) * limit
        return PageOf(ordered[start : start + limit], len(ordered), page, limit)

    def views(self, ws: Workspace, records: Iterable[Document]) -> list[RecordView]:
        with self._store.transaction(ws.tenant_id) as db:
            return [self.view(db, ws, record) for record in records]

    # lifecycle ----------------------------------------------------------------------------

    def approve(self, ws: Workspace, record_id: str, memos_approved: bool = True) -> RecordView:
        """``memos_approved``: the reading of ``count.memo-draft-approve`` the request is in;
        False (COUNT's client's reading) refuses to approve a credit memo draft. A record
        already approved is refused (400), or answered as it is under the ``no-op`` reading of
        ``count.approve-again``."""
        with self._store.transaction(ws.tenant_id) as db:
            record = self._find(db, ws, record_id, errors.INVOICE_NOT_FOUND)
            status = self._status(db, record)
            if lifecycle.approves_as_it_is(status, reading("count.approve-again")):
                return self.view(db, ws, record)
            if record["invoice_type"] == "memo" and not memos_approved:
                raise errors.BadRequest(errors.MEMO_DRAFTS_NOT_APPROVED)
            lifecycle.require("approve", status, self.transitions)
            updated = self._update(db, record, {"is_draft": False, "approved": True})
            self._audit(db, ws, record_id, "approve", {"approved": True})
            return self.view(db, ws, updated)

    def send(
        self,
        ws: Workspace,
        record_id: str,
        message: Mapping[str, Any],
        memos_approved: bool = True,
    ) -> RecordView:
        """``memos_approved`` False (COUNT's client's reading of ``count.memo-draft-approve``):
        a credit memo draft is sent as it is, and sending finalises it."""
        with self._store.transaction(ws.tenant_id) as db:
            record = self._find(db, ws, record_id, errors.INVOICE_NOT_FOUND)
            status = self._status(db, record)
            memo_draft = record["invoice_type"] == "memo" and status == "draft"
            changes: dict[str, Any] = {"is_sent": True}
            if memo_draft and not memos_approved:
                changes |= {"is_draft": False, "approved": True}
            else:
                lifecycle.require("send", status, self.transitions)
            updated = self._update(db, record, changes)
            recipients = list(message.get("recipients") or [])
            self._audit(db, ws, record_id, "send", {"recipients": recipients})
            return self.view(db, ws, updated)

    # credit -------------------------------------------------------------------------------

    def apply_memos_to_invoice(
        self, ws: Workspace, invoice_id: str, lines: list[Mapping[str, Any]]
    ) -> RecordView:
        with self._store.transaction(ws.tenant_id) as db:
            invoice = self._find(db, ws, invoice_id, errors.INVOICE_NOT_FOUND)
            pairs = [
                (
                    self._find(db, ws, line["id"], errors.MEMO_NOT_FOUND),
                    invoice_id,
                    to_cents(line["amount"]),
                )
                for line in lines
            ]
            self._apply(db, ws, pairs)
            return self.view(db, ws, self._find(db, ws, invoice["id"], errors.INVOICE_NOT_FOUND))

    def apply_memo_to_invoices(
        self, ws: Workspace, memo_id: str, lines: list[Mapping[str, Any]]
    ) -> RecordView:
        with self._store.transaction(ws.tenant_id) as db:
            memo = self._find(db, ws, memo_id, errors.MEMO_NOT_FOUND)
            self._apply(db, ws, [(memo, line["id"], to_cents(line["amount"])) for line in lines])
            return self.view(db, ws, self._find(db, ws, memo_id, errors.MEMO_NOT_FOUND))

    def remove_credit(self, ws: Workspace, invoice_id: str, memo_id: str) -> RecordView:
        with self._store.transaction(ws.tenant_id) as db:
            invoice = self._find(db, ws, invoice_id, errors.INVOICE_NOT_FOUND)
            pair = (Query().invoice_id == invoice_id) & (Query().memo_id == memo_id)
            entries = db.table(CREDITS).search(pair & (Query().workspace_id == ws.workspace_id))
            if not entries:
                return self._nothing_to_remove(db, ws, invoice)
            db.table(CREDITS).remove(doc_ids=[entry.doc_id for entry in entries])
            amount = sum(int(entry["amount"]) for entry in entries)
            change = {"memoId": memo_id, "invoiceId": invoice_id, "amount": amount}
            for record_id in (invoice_id, memo_id):
                self._audit(db, ws, record_id, "remove_credit", change)
            for record in (invoice, db.table(RECORDS).get(Query().id == memo_id)):
                if isinstance(record, Document):
                    self._update(db, record, {})
            return self.view(db, ws, self._find(db, ws, invoice_id, errors.INVOICE_NOT_FOUND))

    def _apply(self, db: Database, ws: Workspace, pairs: list[tuple[Document, str, int]]) -> None:
        """Check every (memo, invoice id, cents) line, then write them all; or refuse them all."""
        memo_left: dict[str, int] = {}
        invoice_left: dict[str, int] = {}
        invoices: dict[str, Document] = {}
        for memo, invoice_id, amount in pairs:
            invoice = invoices.get(invoice_id) or self._find(
                db, ws, invoice_id, errors.INVOICE_NOT_FOUND
            )
            invoices[invoice_id] = invoice
            if memo["invoice_type"] != "memo":
                raise errors.BadRequest(errors.NOT_A_MEMO)
            if invoice["invoice_type"] != "invoice":
                raise errors.BadRequest(errors.NOT_AN_INVOICE)
            if memo["currency"] != invoice["currency"]:
                raise errors.BadRequest(errors.CURRENCY_MISMATCH)
            memo_left.setdefault(memo["id"], lifecycle.balance(memo, self._credits(db, memo)))
            invoice_left.setdefault(invoice_id, self.open_balance(db, invoice))
            memo_left[memo["id"]] -= amount
            invoice_left[invoice_id] -= amount
            if invoice_left[invoice_id] < 0:
                self._over_open_balance()
            if memo_left[memo["id"]] < 0:
                raise errors.BadRequest(errors.OVER_REMAINING)
        stamp = clock.timestamp()
        for memo, invoice_id, amount in pairs:
            entry = {
                "workspace_id": ws.workspace_id,
                "memo_id": memo["id"],
                "invoice_id": invoice_id,
                "amount": amount,
                "applied_at": stamp,
            }
            db.table(CREDITS).insert(entry)
            change = {"memoId": memo["id"], "invoiceId": invoice_id, "amount": amount}
            for record_id in (invoice_id, memo["id"]):
                self._audit(db, ws, record_id, "apply_credit", change)
        for record in [*invoices.values(), *{memo["id"]: memo for memo, _, _ in pairs}.values()]:
            self._update(db, record, {}, stamp)

    # helpers ------------------------------------------------------------------------------

    def audit_log(self, ws: Workspace, record_id: str) -> list[dict[str, Any]]:
        """The record's audit log, while the record exists: a deleted record's log goes with it
        (ours: COUNT does not say; a sub-resource of a deleted record is 404, as clients and
        Schemathesis' stateful checks expect)."""
        with self._store.transaction(ws.tenant_id) as db:
            self._find(db, ws, record_id, errors.INVOICE_NOT_FOUND)
            entries = db.table(AUDIT).search(
                (Query().record_id == record_id) & (Query().workspace_id == ws.workspace_id)
            )
            return [dict(entry) for entry in sorted(entries, key=lambda e: e.doc_id)]

    def _find(self, db: Database, ws: Workspace, record_id: str, missing: str) -> Document:
        """The record with this UUID, in the path or in a body; 409 while it is ambiguous."""
        query = (Query().id == record_id) & (Query().workspace_id == ws.workspace_id)
        found = db.table(RECORDS).search(query)
        if not found:
            raise errors.NotFound(missing)
        if len(found) > 1:
            return self._ambiguous(record_id, found)
        return found[0]

    def _ambiguous(self, record_id: str, found: list[Document]) -> Document:
        """A UUID that legacy duplicates share answers 409 until they are migrated."""
        raise errors.Conflict(errors.AMBIGUOUS_UUID.format(uuid=record_id))

    def _nothing_to_remove(self, db: Database, ws: Workspace, invoice: Document) -> RecordView:
        """Removing credit a memo never gave the invoice is a 404."""
        raise errors.NotFound(errors.NOT_APPLIED)

    def _over_open_balance(self) -> None:
        """Credit beyond what the invoice owes is refused."""
        raise errors.BadRequest(errors.OVER_OPEN_BALANCE)

    def locate(self, db: Database, ws: Workspace, record_id: str) -> Document:
        """For sibling backends (attachments): the record, with the same 404 and 409."""
        return self._find(db, ws, record_id, errors.INVOICE_NOT_FOUND)

    def record_change(
        self, db: Database, ws: Workspace, record_id: str, action: str, changes: Mapping[str, Any]
    ) -> None:
        """For sibling backends: append to the record's audit log."""
        self._audit(db, ws, record_id, action, changes)

    def status_of(self, db: Database, record: Mapping[str, Any]) -> tuple[str, int]:
        """For sibling backends: the derived status and balance (open or remaining)."""
        return self._status(db, record), self.open_balance(db, record)

    def open_balance(self, db: Database, record: Mapping[str, Any]) -> int:
        """An invoice's total less its credit and payments; a memo's remaining credit."""
        return lifecycle.balance(record, self._credits(db, record), self._paid(db, record))

    def payments(self, db: Database, record: Mapping[str, Any]) -> list[Document]:
        """The payments an invoice received, oldest first (a memo or estimate receives none)."""
        if record["invoice_type"] != "invoice":
            return []
        return payments_by(db, "invoice_id", record)

    def _paid(self, db: Database, record: Mapping[str, Any]) -> int:
        return lifecycle.paid(self.payments(db, record))

    # legacy duplicates (made and migrated through the control API) -------------------------

    def plant_duplicate(self, tenant_id: str, record_id: str) -> dict[str, Any]:
        """Add a second record with an existing UUID, as a legacy import once did."""
        with self._store.transaction(tenant_id) as db:
            originals = db.table(RECORDS).search(Query().id == record_id)
            if not originals:
                raise LookupError(record_id)
            duplicate = {**originals[0], "legacy_duplicate": True}
            db.table(RECORDS).insert(duplicate)
            return {"uuid": record_id, "records": len(originals) + 1}

    def migrate_duplicates(self, tenant_id: str, record_id: str) -> dict[str, Any]:
        """Give every legacy copy of the UUID a fresh UUID, so the original is unambiguous."""
        with self._store.transaction(tenant_id) as db:
            found = db.table(RECORDS).search(Query().id == record_id)
            if len(found) < 2:
                raise LookupError(record_id)
            keep = next((r for r in found if not r.get("legacy_duplicate")), found[0])
            moved = []
            for record in found:
                if record.doc_id != keep.doc_id:
                    new_id = str(uuid.uuid4())
                    db.table(RECORDS).update({"id": new_id}, doc_ids=[record.doc_id])
                    moved.append(new_id)
            return {"uuid": record_id, "records": 1, "migrated_to": moved}

    def _credits(self, db: Database, record: Mapping[str, Any]) -> list[Document]:
        side = "memo_id" if record["invoice_type"] == "memo" else "invoice_id"
        return db.table(CREDITS).search(Query()[side] == record["id"])

    def _status(self, db: Database, record: Mapping[str, Any]) -> str:
        return lifecycle.status(
            record, self._credits(db, record), clock.today(), self._paid(db, record)
        )

    def view(self, db: Database, ws: Workspace, record: Document) -> RecordView:
        customer = db.table(CUSTOMERS).get(
            (Query().id == record["customer_id"]) & (Query().workspace_id == ws.workspace_id)
        )
        name = customer["customer"] if isinstance(customer, Document) else ""
        credits = [dict(entry) for entry in self._credits(db, record)]
        payments = [dict(payment) for payment in self.payments(db, record)]
        return RecordView(record, name, credits, payments)

    def editable(
        self, db: Database, ws: Workspace, fields: Mapping[str, Any], current: Mapping[str, Any]
    ) -> dict[str, Any]:
        """The editable facts, from ``fields`` or else ``current``; references must exist."""
        customer_id = fields.get("customerUuid", current.get("customer_id"))
        customer = db.table(CUSTOMERS).get(
            (Query().id == customer_id) & (Query().workspace_id == ws.workspace_id)
        )
        if not isinstance(customer, Document):
            raise errors.NotFound(errors.CUSTOMER_NOT_FOUND)
        lines = current.get("lines", [])
        if "products" in fields:
            lines = [self._line(db, ws, line) for line in fields["products"]]
        return {
            "customer_id": customer_id,
            "date": fields.get("date", current.get("date")),
            "due_date": fields.get("dueDate", current.get("due_date")),
            "currency": fields.get("currency") or current.get("currency") or DEFAULT_CURRENCY,
            "lines": lines,
            "discount": to_cents(fields["discount"])
            if "discount" in fields
            else current.get("discount", 0),
            "discount_description": fields.get(
                "discountDescription", current.get("discount_description")
            ),
            "notes": fields.get("notes", current.get("notes")),
            "tag_uuids": require_tags(db, ws, fields["tagUuids"])
            if "tagUuids" in fields
            else list(current.get("tag_uuids") or []),
        }

    def _line(self, db: Database, ws: Workspace, line: Mapping[str, Any]) -> dict[str, Any]:
        product_id = line.get("productUuid") or line.get("uuid")  # COUNT's client sends either
        product = db.table(PRODUCTS).get(
            (Query().id == product_id) & (Query().workspace_id == ws.workspace_id)
        )
        if not isinstance(product, Document):
            raise errors.NotFound(errors.PRODUCT_NOT_FOUND)
        unit = to_cents(line["unitPrice"])
        amount = Decimal(str(line["quantity"])) * unit
        return {
            "product_id": product["id"],
            "name": product["name"],
            "description": line.get("description"),
            "quantity": line["quantity"],
            "unit_price": unit,
            "total": int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)),
        }

    def _number(self, db: Database, ws: Workspace, kind: str) -> str:
        key = f"{kind}:{ws.workspace_id}"
        current = db.table(COUNTERS).get(Query().key == key)
        value = int(current["value"]) + 1 if isinstance(current, Document) else 1
        db.table(COUNTERS).upsert({"key": key, "value": value}, Query().key == key)
        return f"{PREFIXES[kind]}-{value:04d}"

    def _update(
        self, db: Database, record: Document, changes: Mapping[str, Any], stamp: str | None = None
    ) -> Document:
        updated = {**record, **changes, "updated_at": stamp or clock.timestamp()}
        db.table(RECORDS).update(updated, doc_ids=[record.doc_id])
        return Document(updated, record.doc_id)

    def _audit(
        self, db: Database, ws: Workspace, record_id: str, action: str, changes: Mapping[str, Any]
    ) -> None:
        db.table(AUDIT).insert(
            {
                "workspace_id": ws.workspace_id,
                "record_id": record_id,
                "action": action,
                "actor": ws.client_id,
                "at": clock.timestamp(),
                "changes": dict(changes),
            }
        )


_EDITABLE = frozenset(
    {
        "customerUuid",
        "date",
        "dueDate",
        "invoiceNumber",
        "currency",
        "products",
        "discount",
        "discountDescription",
        "notes",
        "tagUuids",
    }
)


def _warnings(fields: Mapping[str, Any]) -> list[dict[str, str]]:
    warnings = []
    for field in fields:
        if field in lifecycle.MANAGED_FIELDS:
            warnings.append(
                {
                    "field": field,
                    "reason": "internal_only",
                    "message": f"{field} is managed by COUNT and was ignored",
                }
            )
        elif field not in _EDITABLE:
            warnings.append(
                {"field": field, "reason": "unknown_field", "message": f"{field} is not a field"}
            )
    return warnings


def _names(db: Database, ws: Workspace) -> dict[str, str]:
    customers = db.table(CUSTOMERS).search(Query().workspace_id == ws.workspace_id)
    return {customer["id"]: customer["customer"] for customer in customers}


def _matches(record: Mapping[str, Any], current: str, name: str, query: Mapping[str, Any]) -> bool:
    def listed(key: str) -> set[str]:
        return {part for part in str(query.get(key) or "").split(",") if part}

    customers = listed("customerUuids") | listed("customers")
    if query.get("customerUuid"):
        customers.add(query["customerUuid"])
    needle = str(query.get("search") or "").lower()
    return (
        (not query.get("invoiceType") or record["invoice_type"] == query["invoiceType"])
        and (query.get("isDraft") is None or record["is_draft"] == query["isDraft"])
        and (not listed("status") or current in listed("status"))
        and (
            not query.get("approvalStatus")
            or (query["approvalStatus"] == "draft") == record["is_draft"]
        )
        and (not customers or record["customer_id"] in customers)
        and (not query.get("startDate") or record["date"] >= query["startDate"])
        and (not query.get("endDate") or record["date"] <= query["endDate"])
        and (
            not needle
            or needle in record["invoice_number"].lower()
            or needle in name.lower()
            or needle in (record["notes"] or "").lower()
        )
    )
