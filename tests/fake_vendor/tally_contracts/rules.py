"""Tally's documented behaviour, as rules (tests/fake_vendor/tally.yaml is its documentation)."""

from __future__ import annotations

from contracts.http import Limits
from contracts.rules import RecordedSession, Rule, rule
from tests.fake_vendor.tally_contracts.client import TallyApi

SOURCE = "tests/fake_vendor/tally.yaml"


class TallySession(RecordedSession):
    """Notes cannot be deleted: a rule's notes stay, as on the real API."""

    def __init__(self, base_url: str, api_key: str, limits: Limits) -> None:
        self.api = TallyApi(base_url, api_key, limits)
        self.http = self.api.http

    def begin(self, rule: Rule, allow_writes: bool) -> TallyApi:
        return self.api


@rule(
    "tally",
    "TL-USE-LOWERS-REMAINING",
    statement="Using part of a note lowers what remains by that much; all of it: used",
    source=SOURCE,
    writes=True,
)
def use_lowers_remaining(api: TallyApi) -> None:
    note = api.issue(500)
    first = api.use(note["id"], 200)
    assert first.status_code == 200, first.text
    assert first.json()["remaining"] == 300, first.json()
    last = api.use(note["id"], 300).json()
    assert (last["remaining"], last["status"]) == (0, "used"), last
    assert api.get(note["id"]).json()["remaining"] == 0


@rule(
    "tally",
    "TL-NO-MORE-THAN-REMAINS-400",
    statement="Using more than remains is a 400, and the note keeps what it had",
    source=SOURCE,
    writes=True,
)
def no_more_than_remains(api: TallyApi) -> None:
    note = api.issue(100)
    refused = api.use(note["id"], 101)
    assert refused.status_code == 400, f"{refused.status_code}: {refused.text}"
    assert "message" in refused.json()["error"], refused.json()
    assert api.get(note["id"]).json()["remaining"] == 100
