"""Every planted bug (tests/support/planted.py) is caught by a named rule or check; the faithful
sandbox passes."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from contracts.http import Limits
from contracts.rules import catalogue, run_rules
from contracts.vendors.dayzero.client import DayZeroCredentials, DayZeroSession
from sandbox.embedded import EmbeddedSandbox
from tests.contracts.support import (
    check_quietly,
    demo_args,
    outcomes,
    rules_with_bug,
    schema_layer_with_bugs,
    seed,
)
from tests.contracts.test_dayzero_checks import INVARIANT_BUGS
from tests.support.planted import ALL_BUGS, BEHAVIOUR_BUGS, RESPONSE_BUGS, WRONG_ERROR_BODY

# bugs the documented-behaviour rules must catch -> the rule that catches each
RULE_BUGS = {
    "dayzero_over_apply_accepted": "DZ-APPLY-OVER-REMAINING",
    "dayzero_void_after_apply": "DZ-VOID-ONLY-UNAPPLIED",
    "dayzero_delete_issued": "DZ-DELETE-ONLY-DRAFTS",
    "dayzero_unapply_keeps_invoice_due": "DZ-UNAPPLY-RESTORES",
    "dayzero_foreign_business_allowed": "DZ-AUTH-FOREIGN-BUSINESS",
    "dayzero_pagination_skips": "DZ-FILTERS-EXACTLY-ONCE",
    WRONG_ERROR_BODY: "DZ-AUTH-UNKNOWN-TOKEN",
}
ENVELOPE_BUG = "dayzero_wrapped_in_envelope"
# the bug only the schema layer can see
SCHEMA_BUGS = {"dayzero_required_field_missing"}


def test_every_planted_bug_has_a_catcher() -> None:
    from tests.contracts.test_count_planted_bugs import COUNT_INVARIANT_BUGS, COUNT_RULE_BUGS
    from tests.contracts.test_kojo_contracts import KOJO_INVARIANT_BUGS, KOJO_RULE_BUGS
    from tests.contracts.test_solvimon_planted_bugs import (
        SOLVIMON_INVARIANT_BUGS,
        SOLVIMON_RULE_BUGS,
        SOLVIMON_SCHEMA_BUGS,
    )

    dayzero = {bug for bug in ALL_BUGS if bug.startswith("dayzero_")}
    count = {bug for bug in ALL_BUGS if bug.startswith("count_")}
    solvimon = {bug for bug in ALL_BUGS if bug.startswith("solvimon_")}
    kojo = {bug for bug in ALL_BUGS if bug.startswith("kojo_")}
    assert set(KOJO_RULE_BUGS) | set(KOJO_INVARIANT_BUGS) == kojo
    assert set(RULE_BUGS) | set(INVARIANT_BUGS) | SCHEMA_BUGS == dayzero
    assert set(COUNT_RULE_BUGS) | set(COUNT_INVARIANT_BUGS) == count
    assert set(SOLVIMON_RULE_BUGS) | set(SOLVIMON_INVARIANT_BUGS) | SOLVIMON_SCHEMA_BUGS == solvimon
    assert set(BEHAVIOUR_BUGS) <= (
        set(RULE_BUGS) | set(COUNT_RULE_BUGS) | set(SOLVIMON_RULE_BUGS) | set(KOJO_RULE_BUGS)
    )
    assert set(RESPONSE_BUGS) == (
        set(INVARIANT_BUGS)
        | SCHEMA_BUGS
        | set(COUNT_INVARIANT_BUGS)
        | set(SOLVIMON_INVARIANT_BUGS)
        | set(KOJO_INVARIANT_BUGS)
    )


def test_faithful_sandbox_passes_every_rule(tmp_path: Path) -> None:
    with EmbeddedSandbox() as sandbox:
        report, _ = check_quietly(
            demo_args(sandbox.base_url, tmp_path, "--layers", "rules", "--allow-writes")
        )
    rules = [verdict for verdict in report.verdicts if verdict.layer == "rule"]
    assert rules and {verdict.outcome for verdict in rules} == {"pass"}


@pytest.mark.parametrize("bug", sorted(RULE_BUGS))
def test_behaviour_bug_is_caught_by_its_rule(tmp_path: Path, bug: str) -> None:
    report, printed = rules_with_bug(demo_args, bug, tmp_path)
    assert outcomes(report)[RULE_BUGS[bug]] == "fail"
    assert f"FAIL     {RULE_BUGS[bug]}" in printed
    failed = next(v for v in report.verdicts if v.id == RULE_BUGS[bug])
    assert failed.evidence, "a failure carries the exchanges that prove it"


def test_response_bugs_are_caught_by_the_invariants_and_the_schema(tmp_path: Path) -> None:
    # A wrapped body hides every object from the other invariants, so that bug is proved alone
    # (tests/contracts/test_dayzero_checks.py) and on a sandbox that serves the wrapped reading
    # (tests/contracts/test_profiles_checked.py).
    together = {bug: check for bug, check in INVARIANT_BUGS.items() if bug != ENVELOPE_BUG}
    bugs = [*together, *SCHEMA_BUGS]
    report, printed = schema_layer_with_bugs(demo_args, bugs, tmp_path, seed)
    found = outcomes(report)
    for check in together.values():
        assert found[check] == "fail", check
        assert f"FAIL     {check}" in printed
    schema_failures = [v for v in report.verdicts if v.layer == "schema" and v.failed]
    assert any("schema" in v.statement.lower() for v in schema_failures), schema_failures
    assert (tmp_path / "schemathesis" / "schemathesis.txt").exists()


def test_a_target_answering_nonsense_fails_rules_instead_of_crashing() -> None:
    maintenance = httpx.MockTransport(lambda request: httpx.Response(201, text="<html>down</html>"))
    session = DayZeroSession(
        "http://dayzero.test/dayzero",
        DayZeroCredentials("dz_token", "business"),
        Limits(rate_per_second=0),
        "run",
        transport=maintenance,
    )
    verdicts = run_rules(catalogue("dayzero"), session, allow_writes=True)
    # the rules that provoke a rate limit or a fault need a sandbox's control API: none here
    on_sandbox = {v.id for v in verdicts if v.outcome == "skip" and "sandbox targets" in v.reason}
    assert on_sandbox <= {"DZ-RATE-LIMITED-429", "DZ-SERVICE-UNAVAILABLE-503"}
    assert {verdict.outcome for verdict in verdicts if verdict.id not in on_sandbox} == {"fail"}
    assert any("could not complete" in verdict.reason for verdict in verdicts)
