"""Tally's state and rules: notes in the tenant's ``tally_notes`` table."""

from __future__ import annotations

import secrets
from typing import Any

from tinydb import Query

from sandbox.store import Database, Document, Store
from tests.fake_vendor.tally_sandbox.errors import MORE_THAN_REMAINS, NOTE_NOT_FOUND, TallyError

NOTES = "tally_notes"
Json = dict[str, Any]


def _view(note: Json) -> Json:
    return {key: note.get(key) for key in ("id", "amount", "remaining", "status", "memo")}


class NoteBook:
    def __init__(self, store: Store, tenant_id: str) -> None:
        self._store, self._tenant = store, tenant_id

    def issue(self, amount: int, memo: str | None) -> Json:
        note = {
            "id": f"note_{secrets.token_hex(8)}",
            "amount": amount,
            "remaining": amount,
            "status": "open",
            "memo": memo,
        }
        with self._store.transaction(self._tenant) as db:
            note["at"] = len(db.table(NOTES))  # issue order, for newest first
            db.table(NOTES).insert(note)
        return _view(note)

    def all(self) -> list[Json]:
        with self._store.transaction(self._tenant) as db:
            notes = sorted(db.table(NOTES).all(), key=lambda note: -note["at"])
        return [_view(note) for note in notes]

    def get(self, note_id: str) -> Json:
        with self._store.transaction(self._tenant) as db:
            return _view(self._find(db, note_id))

    def use(self, note_id: str, amount: int) -> Json:
        with self._store.transaction(self._tenant) as db:
            note = self._find(db, note_id)
            if amount > note["remaining"]:
                message = MORE_THAN_REMAINS.format(remaining=note["remaining"], amount=amount)
                raise TallyError(message, 400)
            remaining = note["remaining"] - amount
            status = "used" if remaining == 0 else "open"
            db.table(NOTES).update(
                {"remaining": remaining, "status": status}, Query().id == note_id
            )
            return _view({**note, "remaining": remaining, "status": status})

    @staticmethod
    def _find(db: Database, note_id: str) -> Json:
        found = db.table(NOTES).get(Query().id == note_id)
        if not isinstance(found, Document):
            raise TallyError(NOTE_NOT_FOUND, 404)
        return dict(found)
