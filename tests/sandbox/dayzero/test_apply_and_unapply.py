"""Applying credit lowers both balances; every refused apply changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from contracts.vendors.dayzero.client import DayZeroClient


def test_full_apply_leaves_memo_fully_applied_and_invoice_paid(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    invoice = dayzero.open_invoice(customer["id"], 3000)
    memo = dayzero.issued_memo(customer["id"], 3000)
    application = dayzero.apply(memo["id"], invoice["id"], 3000).json()
    assert application["amount_applied"] == 3000
    assert application["amount_applied_dollars"] == "30.00"
    assert application["invoice_number"] == invoice["number"]
    memo = dayzero.get_memo(memo["id"])
    assert memo["status"] == "fully_applied"
    assert not memo["can_be_applied"] and not memo["can_be_voided"]
    assert memo["has_applications"] and memo["applied_date"] == application["applied_at"]
    invoice = dayzero.get_invoice(invoice["id"])
    assert (invoice["status"], invoice["amount_due"], invoice["amount_credited"]) == (
        "manual_paid",
        0,
        3000,
    )


def test_partial_apply_leaves_invoice_partially_paid(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    invoice = dayzero.open_invoice(customer["id"], 10000)
    memo = dayzero.issued_memo(customer["id"], 3000)
    dayzero.apply(memo["id"], invoice["id"], 1000)
    invoice = dayzero.get_invoice(invoice["id"])
    assert (invoice["status"], invoice["amount_due_in_dollars"]) == ("partially_paid", "90.00")


def test_one_memo_across_two_invoices_and_unapply_restores_only_one(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    first = dayzero.open_invoice(customer["id"], 1000)
    second = dayzero.open_invoice(customer["id"], 1000)
    memo = dayzero.issued_memo(customer["id"], 1500)
    dayzero.apply(memo["id"], first["id"], 1000)
    dayzero.apply(memo["id"], second["id"], 500)
    assert dayzero.get_memo(memo["id"])["status"] == "fully_applied"

    unapplied = dayzero.unapply(memo["id"], first["id"]).json()
    assert (unapplied["credit_memo_id"], unapplied["invoice_id"]) == (memo["id"], first["id"])
    assert (unapplied["amount_unapplied"], unapplied["amount_unapplied_dollars"]) == (1000, "10.00")
    after = unapplied["credit_memo"]
    assert (after["status"], after["amount_applied"], after["amount_remaining"]) == (
        "partially_applied",
        500,
        1000,
    )
    assert [a["invoice_id"] for a in after["applications"]] == [second["id"]]
    assert dayzero.get_invoice(first["id"])["amount_due"] == 1000
    assert dayzero.get_invoice(second["id"])["amount_due"] == 500


def test_unapply_removes_every_application_to_that_invoice(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    invoice = dayzero.open_invoice(customer["id"], 1000)
    memo = dayzero.issued_memo(customer["id"], 1000)
    dayzero.apply(memo["id"], invoice["id"], 300)
    dayzero.apply(memo["id"], invoice["id"], 700)
    unapplied = dayzero.unapply(memo["id"], invoice["id"]).json()
    assert unapplied["amount_unapplied"] == 1000
    after = unapplied["credit_memo"]
    assert (after["status"], after["applications"], after["applied_date"]) == ("issued", [], None)
    invoice = dayzero.get_invoice(invoice["id"])
    assert (invoice["status"], invoice["amount_due"]) == ("open", 1000)


def test_unapply_when_not_applied_to_that_invoice_is_404(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    invoice = dayzero.open_invoice(customer["id"])
    memo = dayzero.issued_memo(customer["id"])
    refused = dayzero.unapply(memo["id"], invoice["id"])
    assert (refused.status_code, refused.json()) == (
        404,
        {"detail": "Credit memo is not applied to this invoice"},
    )


def test_apply_and_unapply_of_an_unknown_memo_are_404(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    invoice = dayzero.open_invoice(customer["id"])
    for response in (
        dayzero.apply("nope", invoice["id"], 100),
        dayzero.unapply("nope", invoice["id"]),
    ):
        assert (response.status_code, response.json()) == (404, {"detail": "Credit memo not found"})


Setup = Callable[[DayZeroClient, dict[str, Any]], tuple[str, str, int]]


def _draft_memo(dz: DayZeroClient, c: dict[str, Any]) -> tuple[str, str, int]:
    return dz.memo(c["id"])["id"], dz.open_invoice(c["id"])["id"], 100


def _void_memo(dz: DayZeroClient, c: dict[str, Any]) -> tuple[str, str, int]:
    memo = dz.issued_memo(c["id"])
    dz.expect("POST", f"/credit-memos/{memo['id']}/void", 201, json={"reason": "x"})
    return memo["id"], dz.open_invoice(c["id"])["id"], 100


def _draft_invoice(dz: DayZeroClient, c: dict[str, Any]) -> tuple[str, str, int]:
    return dz.issued_memo(c["id"])["id"], dz.invoice(c["id"])["id"], 100


def _other_customer(dz: DayZeroClient, c: dict[str, Any]) -> tuple[str, str, int]:
    other = dz.customer("Other")
    return dz.issued_memo(c["id"])["id"], dz.open_invoice(other["id"])["id"], 100


def _other_currency(dz: DayZeroClient, c: dict[str, Any]) -> tuple[str, str, int]:
    return dz.issued_memo(c["id"])["id"], dz.open_invoice(c["id"], currency="EUR")["id"], 100


def _over_memo(dz: DayZeroClient, c: dict[str, Any]) -> tuple[str, str, int]:
    return dz.issued_memo(c["id"], 3000)["id"], dz.open_invoice(c["id"], 10000)["id"], 3001


def _over_invoice(dz: DayZeroClient, c: dict[str, Any]) -> tuple[str, str, int]:
    return dz.issued_memo(c["id"], 3000)["id"], dz.open_invoice(c["id"], 2000)["id"], 2001


def _unknown_invoice(dz: DayZeroClient, c: dict[str, Any]) -> tuple[str, str, int]:
    return dz.issued_memo(c["id"])["id"], "no-such-invoice", 100


@pytest.mark.parametrize(
    ("setup", "status", "detail"),
    [
        (_draft_memo, 400, "Only issued or partially applied credit memos can be applied"),
        (_void_memo, 400, "Only issued or partially applied credit memos can be applied"),
        (_draft_invoice, 400, "Credit can only be applied to an open invoice"),
        (_other_customer, 400, "Invoice belongs to a different customer"),
        (_other_currency, 400, "Credit memo and invoice currencies differ"),
        (_over_memo, 400, "Amount exceeds the credit memo's remaining balance"),
        (_over_invoice, 400, "Amount exceeds the invoice's amount due"),
        (_unknown_invoice, 400, "Invoice not found"),
    ],
    ids=lambda value: getattr(value, "__name__", "")[1:],
)
def test_refused_apply_is_400_and_changes_nothing(
    dayzero: DayZeroClient, setup: Setup, status: int, detail: str
) -> None:
    customer = dayzero.customer()
    memo_id, invoice_id, cents = setup(dayzero, customer)
    memos_before = dayzero.memos()
    invoices_before = dayzero.invoices()

    refused = dayzero.apply(memo_id, invoice_id, cents)

    assert (refused.status_code, refused.json()) == (status, {"detail": detail})
    assert dayzero.memos() == memos_before
    assert dayzero.invoices() == invoices_before


def test_apply_of_zero_is_a_validation_error(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    invoice = dayzero.open_invoice(customer["id"])
    memo = dayzero.issued_memo(customer["id"])
    refused = dayzero.apply(memo["id"], invoice["id"], 0)
    assert refused.status_code == 422
    [issue] = refused.json()["detail"]
    assert (issue["loc"], issue["type"]) == (["body", "amount_cents"], "greater_than_equal")
