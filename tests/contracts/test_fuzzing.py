"""Schemathesis over all four APIs: positive and negative data, every built-in check and every
invariant of ours, in the default run (the rules first, writes allowed). No response is a 5xx,
no request hangs, and every check and rule passes: a faithful sandbox raises no false alarm.

Each vendor is fuzzed against a fresh sandbox served in this process (real HTTP on loopback),
with writes allowed, each phase running its examples once: the volume depends on
``CREDITBOX_FUZZ_EXAMPLES`` (examples per operation: 25 here, 100 in ``make soak``), not on the
machine's speed, and the four runs together must send at least ``CREDITBOX_FUZZ_MIN_REQUESTS``
requests (2,000 here; 10,000 in ``make soak``). A request left unanswered for 10 s fails the run
(``SCHEMATHESIS-RUN``), so a hang cannot pass.

Kojo's GraphQL operation is fuzzed with valid queries only: Schemathesis generates no negative
GraphQL. Malformed queries and bodies are in ``tests/sandbox/test_hostile_input.py``.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from contracts.rules import FAIL
from contracts.vendors.dayzero import checks as dayzero_checks
from contracts.vendors.solvimon import checks as solvimon_checks
from tests.contracts.support import check_quietly, har_entries, outcomes
from tests.support.figures import record

EXAMPLES = int(os.environ.get("CREDITBOX_FUZZ_EXAMPLES", "25"))
MIN_REQUESTS = int(os.environ.get("CREDITBOX_FUZZ_MIN_REQUESTS", "2000"))
VENDORS = ("dayzero", "count", "solvimon", "kojo")
# invariants that must have been checked (and passed), not merely skipped for want of objects
MUST_PASS = {
    "dayzero": set(dayzero_checks.INVARIANTS.statements),
    "count": {"count_balance_follows_credit"},
    "solvimon": set(solvimon_checks.INVARIANTS.statements),
    "kojo": {"kojo_valid_queries_accepted"},
}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Each vendor's fuzzing run, made the first time a test asks for it."""
    made: dict[str, Any] = {}

    def run(vendor: str) -> tuple[Any, str, list[dict[str, Any]]]:
        if vendor not in made:
            out: Path = tmp_path_factory.mktemp(f"fuzz-{vendor}")
            args = ["contracts", "--api", vendor, "--in-process", "--allow-writes"]
            args += ["--max-examples", str(EXAMPLES)]
            report, printed = check_quietly([*args, "--report-dir", str(out)])
            made[vendor] = (report, printed, har_entries(out))
        return made[vendor]  # type: ignore[no-any-return]

    return {"run": run}


@pytest.mark.parametrize("vendor", VENDORS)
def test_fuzzing_finds_no_server_error_hang_or_failing_check(
    runs: dict[str, Any], vendor: str
) -> None:
    report, printed, entries = runs["run"](vendor)
    statuses = Counter(entry["response"]["status"] for entry in entries)
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    found = outcomes(report)
    record("fuzzing", requests=len(entries), server_errors=server_errors)
    assert server_errors == 0, printed[-3000:]
    assert report.schema_server_errors == 0
    assert "SCHEMATHESIS-RUN" not in found, printed[-3000:]  # errors, timeouts: a hang
    assert [v.id for v in report.verdicts if v.outcome == FAIL] == [], printed[-3000:]
    assert found.get("SCHEMA-CONFORMANCE") == "pass", printed[-3000:]
    assert {name: found.get(name) for name in MUST_PASS[vendor]} == dict.fromkeys(
        MUST_PASS[vendor], "pass"
    ), printed[-3000:]
    assert any(200 <= status < 300 for status in statuses), "no valid request was accepted"
    if vendor != "kojo":
        refused = {status for status in statuses if 400 <= status < 500}
        assert {401} < refused, f"negative requests were not sent or not refused: {statuses}"
        wrote = [
            e for e in entries if e["request"]["method"] != "GET" and e["response"]["status"] < 300
        ]
        assert wrote, "no write was accepted: the stateful walks never got anywhere"


def test_the_four_runs_send_the_promised_number_of_requests(runs: dict[str, Any]) -> None:
    sent = {vendor: len(runs["run"](vendor)[2]) for vendor in VENDORS}
    assert sum(sent.values()) >= MIN_REQUESTS, sent
