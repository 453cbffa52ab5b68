"""COUNT's tags: a workspace's labels, which records name by UUID in ``tagUuids``.

COUNT's client (getcount/count-cli ``tools/definitions.ts``) lists, reads and creates them
(``GET/POST /partners/tags``, ``GET /partners/tags/{id}``); COUNT's older reference calls tags
read-only through the partner API, managed in COUNT's app. The sandbox serves the client's
routes: a client that only reads them is served as well. Tag groups are not modelled.

``tagUuids`` on a record must name the workspace's tags (**ours**: COUNT's pages do not say what
an unknown one answers; its client checks each with ``GET /partners/tags/{id}`` first): an
unknown or another workspace's tag is a 404, as an unknown customer or product is.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from tinydb import Query

from sandbox import clock
from sandbox.store import Database, Document, Store
from sandbox.vendors.count import errors
from sandbox.vendors.count.models import PageOf
from sandbox.vendors.count.scope import Workspace

TAGS = "count_tags"
TAG_NOT_FOUND = "Tag not found: {id}"


def require_tags(db: Database, ws: Workspace, tag_ids: Iterable[str]) -> list[str]:
    """The tag ids, each the workspace's; COUNT's 404 for the first that is not."""
    wanted = list(tag_ids)
    mine = Query().workspace_id == ws.workspace_id
    known = {tag["id"] for tag in db.table(TAGS).search(mine & Query().id.one_of(wanted))}
    for tag_id in wanted:
        if tag_id not in known:
            raise errors.NotFound(TAG_NOT_FOUND.format(id=str(tag_id)[:100]))
    return wanted


class TagBackend:
    """A workspace's tags. Raises :mod:`errors` types; never shapes HTTP."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def create(self, ws: Workspace, fields: Mapping[str, Any]) -> Document:
        stamp = clock.timestamp()
        record = {
            "id": str(uuid.uuid4()),
            "workspace_id": ws.workspace_id,
            "name": fields["name"],
            "color": fields.get("color"),
            "created_at": stamp,
            "updated_at": stamp,
        }
        with self._store.transaction(ws.tenant_id) as db:
            return Document(record, db.table(TAGS).insert(record))

    def get(self, ws: Workspace, tag_id: str) -> Document:
        with self._store.transaction(ws.tenant_id) as db:
            found = db.table(TAGS).get(
                (Query().id == tag_id) & (Query().workspace_id == ws.workspace_id)
            )
        if not isinstance(found, Document):
            raise errors.NotFound(TAG_NOT_FOUND.format(id=tag_id[:100]))
        return found

    def list(self, ws: Workspace, page: int, limit: int, search: str | None) -> PageOf:
        """By name; ``search`` a case-insensitive prefix of the name (COUNT's older reference:
        prefix matching)."""
        needle = (search or "").lower()
        with self._store.transaction(ws.tenant_id) as db:
            found = [
                tag
                for tag in db.table(TAGS).search(Query().workspace_id == ws.workspace_id)
                if str(tag["name"]).lower().startswith(needle)
            ]
        found.sort(key=lambda tag: (str(tag["name"]).lower(), tag.doc_id))
        start = (page - 1) * limit
        return PageOf(found[start : start + limit], len(found), page, limit)
