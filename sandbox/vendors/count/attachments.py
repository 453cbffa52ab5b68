"""COUNT attachments (links and uploaded files) and public links to a record.

Uploaded files are kept with the tenant's data, content type as sent. **Ours:** at most
:data:`MAX_FILES` files of at most :data:`MAX_FILE_BYTES` each per upload; names reduced to a
safe set of characters. A public link's token opens a read-only view of the record, and its
uploaded files, without partner authentication.
"""

from __future__ import annotations

import base64
import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tinydb import Query

from sandbox import clock
from sandbox.store import Database, Document, Store, valid_tenant_id
from sandbox.vendors.count import errors
from sandbox.vendors.count.invoices import RECORDS, InvoiceBackend, RecordView
from sandbox.vendors.count.scope import Workspace

ATTACHMENTS = "count_attachments"
MAX_FILES = 10
MAX_FILE_BYTES = 2 * 1024 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class Upload:
    filename: str
    content_type: str
    data: bytes


# a media type as a header carries it: type/subtype, with parameters (RFC 9110 tokens)
_TOKEN = r"[A-Za-z0-9!#$%&'*+.^_`|~-]+"
_MEDIA_TYPE = re.compile(rf'{_TOKEN}/{_TOKEN}(\s*;\s*{_TOKEN}=({_TOKEN}|"[^"\x00-\x1f\x7f]*"))*')


def media_type(given: str | None) -> str:
    """The upload's declared type, if a response header can carry it back on download; else
    ``application/octet-stream``, as for an upload that declares none."""
    if given and _MEDIA_TYPE.fullmatch(given):
        return given
    return "application/octet-stream"


def safe_name(filename: str) -> str:
    """The last path component, with anything outside ``[A-Za-z0-9._-]`` turned into ``_``."""
    base = re.split(r"[\\\\/]", filename or "")[-1]
    cleaned = _UNSAFE.sub("_", base).strip("._") or "file"
    return cleaned[:100]


class AttachmentBackend:
    def __init__(self, store: Store) -> None:
        self._store = store
        self._records = InvoiceBackend(store)

    def add_links(
        self, ws: Workspace, record_id: str, links: list[Mapping[str, Any]]
    ) -> list[Document]:
        with self._store.transaction(ws.tenant_id) as db:
            record = self._records.locate(db, ws, record_id)
            for link in links:
                self._insert(
                    db,
                    ws,
                    record,
                    {"kind": "url", "url": link["url"], "title": link.get("title") or link["url"]},
                )
            self._records.record_change(
                db, ws, record_id, "attach", {"urls": [link["url"] for link in links]}
            )
            return _of(db, ws, record_id)

    def upload(self, ws: Workspace, record_id: str, files: list[Upload]) -> list[Document]:
        if not files:
            raise errors.BadRequest(errors.NO_FILES)
        if len(files) > MAX_FILES:
            raise errors.BadRequest(errors.TOO_MANY_FILES.format(limit=MAX_FILES))
        for upload in files:
            if len(upload.data) > MAX_FILE_BYTES:
                raise errors.BadRequest(
                    errors.FILE_TOO_LARGE.format(
                        name=safe_name(upload.filename), limit=MAX_FILE_BYTES
                    )
                )
        with self._store.transaction(ws.tenant_id) as db:
            record = self._records.locate(db, ws, record_id)
            names = []
            for upload in files:
                name = safe_name(upload.filename)
                names.append(name)
                self._insert(
                    db,
                    ws,
                    record,
                    {
                        "kind": "file",
                        "title": name,
                        "file_name": name,
                        "content_type": media_type(upload.content_type),
                        "size": len(upload.data),
                        "data": base64.b64encode(upload.data).decode("ascii"),
                    },
                )
            self._records.record_change(db, ws, record_id, "attach", {"files": names})
            return _of(db, ws, record_id)

    def public_link(self, ws: Workspace, record_id: str) -> str:
        """The record's public token, made on first request and stable after."""
        with self._store.transaction(ws.tenant_id) as db:
            record = self._records.locate(db, ws, record_id)
            token = record.get("public_token")
            if not token:
                # the tenant id leads the token, so the public view finds the record directly
                token = f"{ws.tenant_id}~{secrets.token_urlsafe(24)}"
                db.table(RECORDS).update({"public_token": token}, doc_ids=[record.doc_id])
            return str(token)

    def public_view(self, token: str) -> tuple[RecordView, str, int, list[Document]]:
        """The record behind a public token: its view, status, balance and attachments."""
        tenant_id = token.split("~", 1)[0]
        if "~" not in token or not valid_tenant_id(tenant_id):
            raise errors.NotFound(errors.PUBLIC_LINK_NOT_FOUND)
        with self._store.transaction(tenant_id) as db:
            found = db.table(RECORDS).get(Query().public_token == token)
            if not isinstance(found, Document):
                raise errors.NotFound(errors.PUBLIC_LINK_NOT_FOUND)
            ws = Workspace(tenant_id, found["workspace_id"], "public")
            status, balance = self._records.status_of(db, found)
            return self._records.view(db, ws, found), status, balance, _of(db, ws, found["id"])

    def public_file(self, token: str, attachment_id: str) -> Document:
        _, _, _, attachments = self.public_view(token)
        for attachment in attachments:
            if attachment["id"] == attachment_id and attachment["kind"] == "file":
                return attachment
        raise errors.NotFound(errors.PUBLIC_LINK_NOT_FOUND)

    def _insert(
        self, db: Database, ws: Workspace, record: Document, fields: Mapping[str, Any]
    ) -> None:
        db.table(ATTACHMENTS).insert(
            {
                "id": str(uuid.uuid4()),
                "workspace_id": ws.workspace_id,
                "record_id": record["id"],
                "url": None,
                "file_name": None,
                "content_type": None,
                "size": None,
                "created_at": clock.timestamp(),
                **fields,
            }
        )


def _of(db: Database, ws: Workspace, record_id: str) -> list[Document]:
    query = (Query().record_id == record_id) & (Query().workspace_id == ws.workspace_id)
    return sorted(db.table(ATTACHMENTS).search(query), key=lambda doc: doc.doc_id)
