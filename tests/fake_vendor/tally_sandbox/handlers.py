"""Tally's HTTP handlers, one per operationId of tally.yaml: thin, the operations are in models."""

from __future__ import annotations

from typing import Any

from connexion.context import context

from sandbox.runtime import current
from tests.fake_vendor.tally_sandbox.models import NoteBook


def _book() -> NoteBook:
    return NoteBook(current().store, context["token_info"]["sub"])


def list_notes() -> Any:
    return {"notes": _book().all()}, 200


def issue_note(body: dict[str, Any]) -> Any:
    return _book().issue(body["amount"], body.get("memo")), 201


def get_note(note_id: str) -> Any:
    return _book().get(note_id), 200


def use_note(note_id: str, body: dict[str, Any]) -> Any:
    return _book().use(note_id, body["amount"]), 200
