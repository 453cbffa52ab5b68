"""Tally's documented behaviour, as rules (tests/fake_vendor/tally.yaml is its documentation)."""

from __future__ import annotations

from contracts.rules import rule
from tests.fake_vendor.tally_contracts.client import TallyClient

SOURCE = "tests/fake_vendor/tally.yaml"


@rule("tally", "TL-USE-LOWERS-REMAINING", source=SOURCE, writes=True)
def use_lowers_remaining(api: TallyClient) -> None:
    """Using part of a note lowers what remains by that much; all of it: used"""
    note = api.issue(500)
    first = api.use(note["id"], 200)
    assert first.status_code == 200, first.text
    assert first.json()["remaining"] == 300, first.json()
    last = api.use(note["id"], 300).json()
    assert (last["remaining"], last["status"]) == (0, "used"), last
    assert api.note(note["id"])["remaining"] == 0


@rule("tally", "TL-NO-MORE-THAN-REMAINS-400", source=SOURCE, writes=True)
def no_more_than_remains(api: TallyClient) -> None:
    """Using more than remains is a 400, and the note keeps what it had"""
    note = api.issue(100)
    refused = api.use(note["id"], 101)
    assert refused.status_code == 400, f"{refused.status_code}: {refused.text}"
    assert "message" in refused.json()["error"], refused.json()
    assert api.note(note["id"])["remaining"] == 100
