"""Each DayZero invariant passes on real sandbox responses and fails on its planted bug."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from contracts.vendors.dayzero import checks as checks
from contracts.vendors.dayzero.client import DayZeroClient
from tests.contracts.support import failing_checks
from tests.support.planted import RESPONSE_BUGS

# each response bug of the sandbox that breaks an invariant -> the check that must catch it
INVARIANT_BUGS = {
    "dayzero_remaining_off_by_one": "dayzero_remaining_is_amount_minus_applied",
    "dayzero_dollars_disagree": "dayzero_dollar_strings_equal_cents",
    "dayzero_status_ignores_amounts": "dayzero_status_agrees_with_amounts",
    "dayzero_issued_memos_deletable": "dayzero_can_be_deleted_iff_draft",
    "dayzero_has_applications_inverted": "dayzero_has_applications_iff_applications",
    "dayzero_applications_overstated": "dayzero_applications_sum_to_amount_applied",
    "dayzero_invoice_due_off_by_one": "dayzero_invoice_due_is_total_minus_paid_and_credited",
    "dayzero_invoice_dollars_disagree": "dayzero_invoice_dollar_strings_equal_cents",
    "dayzero_invoice_balance_off_by_one": "dayzero_invoice_balance_is_total_minus_total_paid",
    "dayzero_payments_overstated": "dayzero_invoice_payments_sum_to_total_paid",
    "dayzero_wrapped_in_envelope": "dayzero_envelope_as_expected",
}


@pytest.fixture
def responses(dayzero: DayZeroClient) -> list[Any]:
    """Real sandbox responses covering every memo state, an application, and open invoices."""
    customer = dayzero.customer()
    invoice = dayzero.open_invoice(customer["id"], 10000)
    dayzero.memo(customer["id"], 700)
    dayzero.issued_memo(customer["id"], 500)
    applied = dayzero.issued_memo(customer["id"], 3000)
    dayzero.apply(applied["id"], invoice["id"], 2000)
    spent = dayzero.issued_memo(customer["id"], 1000)
    dayzero.apply(spent["id"], invoice["id"], 1000)
    paid = dayzero.pay(invoice["id"], dayzero.deposit(1500)["id"], 1500)
    assert paid.status_code == 201, paid.text
    voided = dayzero.issued_memo(customer["id"], 200)
    dayzero.expect("POST", f"/credit-memos/{voided['id']}/void", 201, json={"reason": "x"})
    return [
        dayzero.memos(),
        dayzero.invoices(),
        dayzero.get_memo(applied["id"]),
        dayzero.customer_credits(customer["id"]),
    ]


def test_sandbox_responses_keep_every_invariant(responses: list[Any]) -> None:
    statuses = {memo["status"] for memo in responses[0]["items"]}
    assert statuses == {"draft", "issued", "partially_applied", "fully_applied", "void"}
    assert failing_checks(checks, responses) == set()


@pytest.mark.parametrize("bug", sorted(INVARIANT_BUGS))
def test_each_planted_bug_is_caught_by_its_check_alone(responses: list[Any], bug: str) -> None:
    mutate, expected_check = RESPONSE_BUGS[bug], INVARIANT_BUGS[bug]
    broken = copy.deepcopy(responses)
    for body in broken:
        mutate(body)
    assert broken != responses
    assert failing_checks(checks, broken) == {expected_check}


def test_every_check_has_a_planted_bug() -> None:
    assert set(INVARIANT_BUGS.values()) == set(checks.INVARIANTS.checks)


def test_failure_message_names_the_memo_and_the_numbers() -> None:
    memo = {"number": "CM-0007", "amount": 3000, "amount_applied": 2000, "amount_remaining": 1001}
    with pytest.raises(AssertionError, match=r"CM-0007: amount_remaining=1001 but .* = 1000"):
        checks.remaining_is_amount_minus_applied(memo)


@pytest.mark.parametrize("dollars", ["10.5", "10", "10.500", "$10.50", 10.5])
def test_dollar_strings_need_exactly_two_decimals(dollars: Any) -> None:
    memo = {"amount": 1050, "amount_in_dollars": dollars}
    with pytest.raises(AssertionError):
        checks.dollar_strings_equal_cents(memo)


def test_objects_are_found_wherever_a_response_carries_them() -> None:
    memo = {
        "amount": 1,
        "amount_applied": 0,
        "amount_remaining": 1,
        "status": "draft",
        "can_be_deleted": True,
    }
    invoice = {"total": 1, "amount_paid": 0, "amount_credited": 0, "amount_due": 1}
    assert [kind for kind, _ in checks.objects_in(memo)] == ["memo"]
    assert [kind for kind, _ in checks.objects_in({"items": [memo, memo]})] == ["memo", "memo"]
    assert [kind for kind, _ in checks.objects_in({"credit_memos": [memo]})] == ["memo"]
    assert [kind for kind, _ in checks.objects_in({"items": [invoice]})] == ["invoice"]
    # an invoice as DayZero's InvoiceResponse documents it, without the sandbox's amount_* fields
    documented = {"total": 1, "total_paid": 0, "balance_due": 1}
    assert [kind for kind, _ in checks.objects_in({"items": [documented]})] == ["invoice"]
    assert list(checks.objects_in({"detail": "Not Found"})) == []
