"""Credit memos from draft to void, through HTTP as an integrator's client sees them."""

from __future__ import annotations

import pytest

from contracts.vendors.dayzero.client import DayZeroClient
from tests.support.clients import DEMO_BUSINESS_ID


def test_worked_example_memo_applied_unapplied_and_voided(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    invoice = dayzero.open_invoice(customer["id"], 10000)
    assert (invoice["status"], invoice["amount_due_in_dollars"]) == ("open", "100.00")

    memo = dayzero.issued_memo(customer["id"], 3000, invoice_id=invoice["id"])
    assert dayzero.apply(memo["id"], invoice["id"], 2000).status_code == 201
    memo = dayzero.get_memo(memo["id"])
    invoice = dayzero.get_invoice(invoice["id"])
    assert memo["status"] == "partially_applied"
    assert memo["amount_remaining_in_dollars"] == "10.00"
    assert invoice["amount_due_in_dollars"] == "80.00"

    refused = dayzero.apply(memo["id"], invoice["id"], 1500)
    assert refused.status_code == 400
    assert dayzero.get_memo(memo["id"]) == memo
    assert dayzero.get_invoice(invoice["id"]) == invoice

    assert dayzero.unapply(memo["id"], invoice["id"]).status_code == 201
    memo = dayzero.get_memo(memo["id"])
    invoice = dayzero.get_invoice(invoice["id"])
    assert (memo["status"], memo["amount_remaining"]) == ("issued", 3000)
    assert (invoice["status"], invoice["amount_due"]) == ("open", 10000)

    voided = dayzero.expect(
        "POST", f"/credit-memos/{memo['id']}/void", 201, json={"reason": "Duplicate"}
    )
    assert voided["status"] == "void"
    assert voided["voided_reason"] == "Duplicate"
    assert voided["voided_at"] is not None


def test_create_returns_a_draft_with_every_derived_field(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer("Globex")
    memo = dayzero.memo(customer["id"], 1234, reason="pricing_error", description="March")
    assert memo["status"] == "draft"
    assert memo["business_id"] == DEMO_BUSINESS_ID
    assert memo["number"] == "CM-0001"
    assert memo["currency"] == "USD"
    assert (memo["amount"], memo["amount_in_dollars"]) == (1234, "12.34")
    assert (memo["amount_applied"], memo["amount_remaining"]) == (0, 1234)
    assert (memo["reason"], memo["reason_display"]) == ("pricing_error", "Pricing Error")
    assert memo["customer_name"] == "Globex"
    assert memo["applications"] == []
    flags = {
        k: memo[k]
        for k in ("can_be_applied", "can_be_voided", "can_be_deleted", "has_applications")
    }
    assert flags == {
        "can_be_applied": False,
        "can_be_voided": True,
        "can_be_deleted": True,
        "has_applications": False,
    }


def test_numbers_run_per_business_and_are_not_reused_after_a_delete(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    first = dayzero.memo(customer["id"])
    dayzero.expect("DELETE", f"/credit-memos/{first['id']}", 204)
    second = dayzero.memo(customer["id"])
    assert (first["number"], second["number"]) == ("CM-0001", "CM-0002")


def test_issue_makes_a_draft_applicable_and_only_once(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    memo = dayzero.issued_memo(customer["id"])
    assert memo["status"] == "issued"
    assert memo["can_be_applied"] and memo["can_be_voided"] and not memo["can_be_deleted"]
    again = dayzero.call("POST", f"/credit-memos/{memo['id']}/issue")
    assert again.status_code == 400
    assert again.json() == {"detail": "Only draft credit memos can be issued"}


def test_update_changes_a_draft_and_keeps_what_is_left_out(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    memo = dayzero.memo(customer["id"], 3000, description="before")
    updated = dayzero.expect("PUT", f"/credit-memos/{memo['id']}", 200, json={"amount_cents": 2500})
    assert (updated["amount"], updated["amount_in_dollars"]) == (2500, "25.00")
    assert updated["description"] == "before"
    assert updated["updated_at"] >= memo["updated_at"]


def test_update_and_delete_are_refused_once_issued(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    memo = dayzero.issued_memo(customer["id"])
    update = dayzero.call("PUT", f"/credit-memos/{memo['id']}", json={"amount_cents": 1})
    delete = dayzero.call("DELETE", f"/credit-memos/{memo['id']}")
    assert (update.status_code, update.json()) == (
        400,
        {"detail": "Only draft credit memos can be updated"},
    )
    assert (delete.status_code, delete.json()) == (
        400,
        {"detail": "Only draft credit memos can be deleted"},
    )
    assert dayzero.get_memo(memo["id"]) == memo


def test_delete_removes_a_draft(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    memo = dayzero.memo(customer["id"])
    dayzero.expect("DELETE", f"/credit-memos/{memo['id']}", 204)
    gone = dayzero.call("GET", f"/credit-memos/{memo['id']}")
    assert (gone.status_code, gone.json()) == (404, {"detail": "Credit memo not found"})


def test_a_draft_can_be_voided_as_an_unapplied_credit(dayzero: DayZeroClient) -> None:
    draft = dayzero.memo(dayzero.customer()["id"])
    voided = dayzero.expect("POST", f"/credit-memos/{draft['id']}/void", 201, json={"reason": "x"})
    assert (voided["status"], voided["can_be_voided"], voided["can_be_deleted"]) == (
        "void",
        False,
        False,
    )


@pytest.mark.parametrize("state", ["partially_applied", "void"])
def test_void_is_refused_once_applied_or_void(dayzero: DayZeroClient, state: str) -> None:
    customer = dayzero.customer()
    invoice = dayzero.open_invoice(customer["id"])
    memo = dayzero.issued_memo(customer["id"])
    if state == "partially_applied":
        assert dayzero.apply(memo["id"], invoice["id"], 100).status_code == 201
    if state == "void":
        dayzero.expect("POST", f"/credit-memos/{memo['id']}/void", 201, json={"reason": "x"})
    before = dayzero.get_memo(memo["id"])
    refused = dayzero.call("POST", f"/credit-memos/{memo['id']}/void", json={"reason": "again"})
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "Only draft or issued credit memos with no applications can be voided"
    }
    assert dayzero.get_memo(memo["id"]) == before


def test_a_restocking_fee_is_withheld_beside_the_credit_not_taken_from_it(
    dayzero: DayZeroClient,
) -> None:
    customer = dayzero.customer()
    invoice = dayzero.open_invoice(customer["id"], 10000)
    memo = dayzero.issued_memo(customer["id"], 10000, restocking_fee_cents=1500)
    assert (memo["amount"], memo["amount_in_dollars"]) == (10000, "100.00")
    assert memo["line_items"] == {"items": [], "restocking_fee_cents": 1500}
    assert dayzero.apply(memo["id"], invoice["id"], 10000).status_code == 201
    applied = dayzero.get_memo(memo["id"])
    assert (applied["status"], applied["amount_remaining"]) == ("fully_applied", 0)


def test_a_restocking_fee_may_exceed_the_credit(dayzero: DayZeroClient) -> None:
    """No public page bounds the fee by the credit: both are amounts of the return."""
    customer = dayzero.customer()
    memo = dayzero.memo(customer["id"], 500, restocking_fee_cents=900)
    assert memo["amount"] == 500


def test_line_items_are_kept_as_given(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    items = [
        {"description": "Hours", "quantity": 2, "unit_price_cents": 1500, "amount_cents": 3000}
    ]
    memo = dayzero.memo(customer["id"], 3000, line_items=items)
    assert memo["line_items"] == {"items": items, "restocking_fee_cents": 0}


def test_memo_for_an_invoice_takes_its_currency_and_number(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    invoice = dayzero.open_invoice(customer["id"], 10000, currency="EUR")
    memo = dayzero.memo(customer["id"], 1000, invoice_id=invoice["id"])
    assert (memo["currency"], memo["invoice_number"]) == ("EUR", invoice["number"])


# a record named in a memo's body that does not exist, and how it is said
MISSING_REFERENCES = [
    ({"customer_id": "no-such-customer"}, "Customer not found"),
    ({"invoice_id": "no-such-invoice"}, "Invoice not found"),
]


@pytest.mark.parametrize(("fields", "detail"), MISSING_REFERENCES)
def test_create_refuses_references_that_do_not_exist(
    dayzero: DayZeroClient, fields: dict[str, str], detail: str
) -> None:
    customer = dayzero.customer()
    body = {"customer_id": customer["id"], "amount_cents": 100, **fields}
    refused = dayzero.call("POST", "/credit-memos", json=body)
    assert (refused.status_code, refused.json()) == (404, {"detail": detail})
    assert dayzero.memos()["items"] == []


@pytest.mark.parametrize(("fields", "detail"), MISSING_REFERENCES)
def test_update_refuses_references_that_do_not_exist_with_400(
    dayzero: DayZeroClient, fields: dict[str, str], detail: str
) -> None:
    """The path names the memo, so a 404 would say the memo is missing: a missing record named
    in the body is a 400 here, and the memo is unchanged."""
    customer = dayzero.customer()
    memo = dayzero.memo(customer["id"], 100)
    refused = dayzero.call("PUT", f"/credit-memos/{memo['id']}", json=fields)
    assert (refused.status_code, refused.json()) == (400, {"detail": detail})
    assert dayzero.get_memo(memo["id"]) == memo


def test_create_refuses_an_invoice_of_another_customer(dayzero: DayZeroClient) -> None:
    customer, other = dayzero.customer("A"), dayzero.customer("B")
    invoice = dayzero.open_invoice(other["id"])
    body = {"customer_id": customer["id"], "amount_cents": 100, "invoice_id": invoice["id"]}
    refused = dayzero.call("POST", "/credit-memos", json=body)
    assert (refused.status_code, refused.json()) == (
        400,
        {"detail": "Invoice belongs to a different customer"},
    )
    assert dayzero.memos()["items"] == []
