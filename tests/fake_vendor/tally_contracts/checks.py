"""Tally's invariants over any response: a note never has more remaining than its amount, and
is ``used`` exactly when nothing remains."""

from __future__ import annotations

from typing import Any

from contracts.checks import JSON, Invariants, every_object


def _notes(body: Any) -> list[JSON]:
    return [o for o in every_object(body) if {"amount", "remaining", "status"} <= set(o)]


INVARIANTS = Invariants("tally", __name__)
note_check = INVARIANTS.over("note", _notes, lambda note: str(note.get("id")))


@note_check(source="tests/fake_vendor/tally.yaml: Note")
def remaining_within_amount(note: JSON) -> None:
    """A note's remaining amount is between 0 and its amount"""
    assert 0 <= note["remaining"] <= note["amount"], f"{note['id']}: {note}"


@note_check(source="tests/fake_vendor/tally.yaml: Note.status")
def used_iff_nothing_remains(note: JSON) -> None:
    """A note is used exactly when nothing remains"""
    assert (note["status"] == "used") == (note["remaining"] == 0), f"{note['id']}: {note}"
