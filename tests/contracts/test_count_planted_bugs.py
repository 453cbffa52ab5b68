"""Every COUNT planted bug is caught by a named rule or invariant."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts.vendors.count import checks as checks
from tests.contracts.support import (
    count_args,
    failing_with_bug,
    faithful_fixture,
    outcomes,
    rules_with_bug,
    schema_layer_with_bugs,
)
from tests.support.clients import count_client, count_record

COUNT_RULE_BUGS = {
    "count_over_apply_accepted": "CT-OVER-APPLY-400",
    "count_recurring_memo_accepted": "CT-RECURRING-MEMO-400",
    "count_ambiguous_uuid_served": "CT-AMBIGUOUS-UUID-409",
    "count_remove_credit_unapplied_ok": "CT-REMOVE-CREDIT-NOT-APPLIED-404",
    "count_patch_after_approve": "CT-PATCH-AFTER-APPROVE-400",
    "count_send_draft": "CT-SEND-DRAFT-400",
    "count_delete_approved": "CT-DELETE-DRAFTS-ONLY",
    "count_bad_signature_accepted": "CT-AUTH-BAD-SIGNATURE",
    "count_approve_twice": "CT-APPROVE-AGAIN-AS-EXPECTED",
    "count_remove_credit_keeps_credit": "CT-REMOVE-CREDIT-RESTORES",
    "count_total_records_off": "CT-LIST-TOTAL-RECORDS",
    "count_partner_warnings_dropped": "CT-PATCH-MANAGED-FIELDS-WARNED",
    "count_payments_beyond_transaction": "CT-PAYMENT-FROM-INCOME-WITHIN-TRANSACTION",
}
COUNT_INVARIANT_BUGS = {
    "count_open_balance_off": "count_balance_follows_credit",
    "count_total_off": "count_total_is_lines_minus_discount",
    "count_status_ignores_draft": "count_status_agrees_with_raw_fields",
}


@pytest.mark.parametrize("bug", sorted(COUNT_RULE_BUGS))
def test_behaviour_bug_is_caught_by_its_rule(tmp_path: Path, bug: str) -> None:
    report, printed = rules_with_bug(count_args, bug, tmp_path)
    assert outcomes(report)[COUNT_RULE_BUGS[bug]] == "fail", printed


def _responses(base_url: str) -> list[Any]:
    with httpx.Client(base_url=base_url) as http:
        count = count_client(http)
        customer = count.customer("Acme", "ap@acme.example")["id"]
        product = count.product("Hour", 10)["id"]
        for kind, draft in (("invoice", False), ("memo", False), ("invoice", True)):
            body = count_record(customer, product, 40, kind, date="2026-01-01", isDraft=draft)
            count.expect("POST", "/invoices", 201, json=body)
        return [count.invoices()]


faithful = faithful_fixture(_responses)


@pytest.mark.parametrize("bug", sorted(COUNT_INVARIANT_BUGS))
def test_response_bug_is_caught_by_its_invariant_alone(bug: str, faithful: list[Any]) -> None:
    assert failing_with_bug(checks, bug, faithful) == {COUNT_INVARIANT_BUGS[bug]}


def test_response_bugs_are_named_by_the_schema_layer(tmp_path: Path) -> None:
    bugs = list(COUNT_INVARIANT_BUGS)
    report, printed = schema_layer_with_bugs(count_args, bugs, tmp_path, _responses)
    found = outcomes(report)
    for check in COUNT_INVARIANT_BUGS.values():
        assert found[check] == "fail", printed
