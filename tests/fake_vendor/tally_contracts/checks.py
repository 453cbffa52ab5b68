"""Tally's invariants over any response: a note never has more remaining than its amount, and
is ``used`` exactly when nothing remains."""

from __future__ import annotations

from typing import Any

from contracts.checks import JSON, Check, every_object, judge


def _notes(body: Any) -> list[JSON]:
    return [o for o in every_object(body) if {"amount", "remaining", "status"} <= set(o)]


def tally_remaining_within_amount(note: JSON) -> None:
    assert 0 <= note["remaining"] <= note["amount"], f"{note['id']}: {note}"


def tally_used_iff_nothing_remains(note: JSON) -> None:
    assert (note["status"] == "used") == (note["remaining"] == 0), f"{note['id']}: {note}"


ALL_CHECKS: dict[str, Check] = {
    check.__name__: check
    for check in (tally_remaining_within_amount, tally_used_iff_nothing_remains)
}

# what each invariant states, and where it is documented (the report's words)
STATEMENTS: dict[str, tuple[str, str]] = {
    "tally_remaining_within_amount": (
        "A note's remaining amount is between 0 and its amount",
        "tests/fake_vendor/tally.yaml: Note",
    ),
    "tally_used_iff_nothing_remains": (
        "A note is used exactly when nothing remains",
        "tests/fake_vendor/tally.yaml: Note.status",
    ),
}


def run_check(name: str, body: Any) -> int:
    return judge(ALL_CHECKS[name], _notes(body), lambda note: str(note.get("id")), "note")
