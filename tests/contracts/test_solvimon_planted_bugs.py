"""Every Solvimon planted bug is caught by a named rule, invariant or schema check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts.vendors.solvimon import checks as checks
from contracts.vendors.solvimon.client import line_credit
from sandbox.embedded import EmbeddedSandbox
from tests.contracts.support import (
    failing_checks,
    failing_with_bug,
    faithful_fixture,
    outcomes,
    rules_with_bug,
    schema_layer_with_bugs,
    solvimon_args,
)
from tests.support.clients import solvimon_client
from tests.support.planted import NO_REQUEST_ID, sandbox_args

SOLVIMON_RULE_BUGS = {
    "solvimon_credit_any_status": "SV-CREDIT-NON-FINAL-400",
    "solvimon_over_credit": "SV-CREDIT-NEVER-TWICE",
    "solvimon_partial_credit_ignored": "SV-PARTIAL-CREDIT-EXACT",
    "solvimon_permission_ignored": "SV-CREDIT-PERMISSION-403",
    "solvimon_replay_runs_again": "SV-IDEMPOTENT-REPLAY",
    "solvimon_key_reuse_accepted": "SV-IDEMPOTENCY-KEY-REUSE-409",
    "solvimon_credit_unlinked": "SV-LINKS-BOTH-WAYS",
}
SOLVIMON_INVARIANT_BUGS = {
    "solvimon_open_amount_off": "solvimon_open_plus_closed_is_total",
    "solvimon_amounts_overprecise": "solvimon_amounts_are_decimals_in_the_currency",
}
# seen by Schemathesis' built-in response-header check: the spec requires X-REQUEST-ID
SOLVIMON_SCHEMA_BUGS = {NO_REQUEST_ID}


@pytest.mark.parametrize("bug", sorted(SOLVIMON_RULE_BUGS))
def test_behaviour_bug_is_caught_by_its_rule(tmp_path: Path, bug: str) -> None:
    report, printed = rules_with_bug(solvimon_args, bug, tmp_path)
    assert outcomes(report)[SOLVIMON_RULE_BUGS[bug]] == "fail", printed


def test_a_credit_without_its_original_also_fails_the_invariant(tmp_path: Path) -> None:
    with EmbeddedSandbox(**sandbox_args(["solvimon_credit_unlinked"])) as sandbox:
        bodies = _responses(sandbox.base_url)
    assert "solvimon_credit_names_its_original" in failing_checks(checks, bodies)


def _responses(base_url: str) -> list[Any]:
    with httpx.Client(base_url=base_url) as http:
        solvimon = solvimon_client(http)
        invoice = solvimon.seed_invoice()
        solvimon.credit(invoice["id"], line_credit(1, 1, 1, "10.00"))
        return [
            solvimon.invoices(include_periods="true"),
            solvimon.invoice(invoice["id"]),
        ]


faithful = faithful_fixture(_responses)


@pytest.mark.parametrize("bug", sorted(SOLVIMON_INVARIANT_BUGS))
def test_response_bug_is_caught_by_its_invariant_alone(bug: str, faithful: list[Any]) -> None:
    assert failing_with_bug(checks, bug, faithful) == {SOLVIMON_INVARIANT_BUGS[bug]}


def test_response_bugs_are_named_by_the_schema_layer(tmp_path: Path) -> None:
    bugs = [*SOLVIMON_INVARIANT_BUGS, *SOLVIMON_SCHEMA_BUGS]
    report, printed = schema_layer_with_bugs(solvimon_args, bugs, tmp_path, _responses)
    found = outcomes(report)
    for check in SOLVIMON_INVARIANT_BUGS.values():
        assert found[check] == "fail", printed
    headers = [v for v in report.verdicts if v.layer == "schema" and v.outcome == "fail"]
    assert any("header" in v.statement.lower() for v in headers), printed
