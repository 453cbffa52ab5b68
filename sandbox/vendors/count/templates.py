"""COUNT's recurring invoice templates. Credit memos (and estimates) cannot be recurring.

**Ours:** the sandbox stores templates and their pause state but does not yet generate invoices
from them on a schedule.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from tinydb import Query

from sandbox import clock
from sandbox.store import Database, Document, Store
from sandbox.vendors.count import errors
from sandbox.vendors.count.invoices import InvoiceBackend
from sandbox.vendors.count.models import PageOf
from sandbox.vendors.count.scope import Workspace

TEMPLATES = "count_templates"
# the invoice fields a template's body has (TemplateCreate, TemplatePatch): an invoice's other
# fields (discount, tags) sent to a template are unknown there, and ignored as any such is
_INVOICE_FIELDS = ("customerUuid", "date", "dueDate", "currency", "products", "notes")


def _invoice_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if name in _INVOICE_FIELDS}


_SETTINGS = {
    "recurrencePattern": "recurrence_pattern",
    "recurrenceInterval": "recurrence_interval",
    "inAdvanceCreationDays": "in_advance_creation_days",
}


class TemplateBackend:
    """COUNT's recurring templates: invoices only (``check_kind``)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._records = InvoiceBackend(store)

    def check_kind(self, kind: str) -> None:
        """Credit memos (the seed) and estimates cannot be recurring. The spec says so too
        (``TemplateCreate.invoiceType``), so request validation refuses them first; this keeps the
        rule in the model for every caller."""
        if kind == "memo":
            raise errors.BadRequest(errors.MEMO_NOT_RECURRING)
        if kind != "invoice":
            raise errors.BadRequest(errors.ONLY_INVOICES_RECUR)

    def create(self, ws: Workspace, fields: Mapping[str, Any]) -> Document:
        self.check_kind(fields.get("invoiceType") or "invoice")
        stamp = clock.timestamp()
        with self._store.transaction(ws.tenant_id) as db:
            record = {
                "id": str(uuid.uuid4()),
                "workspace_id": ws.workspace_id,
                "is_draft": bool(fields.get("isDraft", False)),
                "paused": False,
                "recurrence_pattern": fields["recurrencePattern"],
                "recurrence_interval": fields.get("recurrenceInterval", 1),
                "in_advance_creation_days": fields.get("inAdvanceCreationDays", 0),
                "created_at": stamp,
                "updated_at": stamp,
                **self._records.editable(db, ws, _invoice_fields(fields), {}),
            }
            return Document(record, db.table(TEMPLATES).insert(record))

    def get(self, ws: Workspace, template_id: str) -> Document:
        with self._store.transaction(ws.tenant_id) as db:
            return _find(db, ws, template_id)

    def search(self, ws: Workspace, is_draft: str, page: int, limit: int) -> PageOf:
        with self._store.transaction(ws.tenant_id) as db:
            found = [
                template
                for template in db.table(TEMPLATES).search(Query().workspace_id == ws.workspace_id)
                if is_draft == "all" or template["is_draft"] == (is_draft == "true")
            ]
        ordered = sorted(found, key=lambda doc: doc.doc_id, reverse=True)
        return PageOf(ordered[(page - 1) * limit : page * limit], len(ordered), page, limit)

    def update(self, ws: Workspace, template_id: str, fields: Mapping[str, Any]) -> Document:
        with self._store.transaction(ws.tenant_id) as db:
            template = _find(db, ws, template_id)
            changes = self._records.editable(db, ws, _invoice_fields(fields), template)
            changes |= {
                stored: fields[given] for given, stored in _SETTINGS.items() if given in fields
            }
            if "isDraft" in fields:
                changes["is_draft"] = fields["isDraft"]
            return _update(db, template, changes)

    def delete(self, ws: Workspace, template_id: str) -> None:
        with self._store.transaction(ws.tenant_id) as db:
            db.table(TEMPLATES).remove(doc_ids=[_find(db, ws, template_id).doc_id])

    def set_paused(self, ws: Workspace, template_id: str, paused: bool) -> Document:
        with self._store.transaction(ws.tenant_id) as db:
            template = _find(db, ws, template_id)
            if template["paused"] == paused:
                raise errors.BadRequest(
                    errors.TEMPLATE_ALREADY_PAUSED if paused else errors.TEMPLATE_NOT_PAUSED
                )
            return _update(db, template, {"paused": paused})


def _find(db: Database, ws: Workspace, template_id: str) -> Document:
    query = (Query().id == template_id) & (Query().workspace_id == ws.workspace_id)
    found = db.table(TEMPLATES).get(query)
    if not isinstance(found, Document):
        raise errors.NotFound(errors.TEMPLATE_NOT_FOUND)
    return found


def _update(db: Database, template: Document, changes: Mapping[str, Any]) -> Document:
    updated = {**template, **changes, "updated_at": clock.timestamp()}
    db.table(TEMPLATES).update(updated, doc_ids=[template.doc_id])
    return Document(updated, template.doc_id)
