"""Invoice payments: a bank transaction linked to an invoice pays it, credit and payment meet on
one invoice, and removing the payment undoes it (DayZero's add-payment and remove-payment
reference pages)."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from contracts.vendors.dayzero.client import DayZeroClient
from tests.support.clients import dayzero_of_new_tenant


def amounts(invoice: dict[str, Any]) -> tuple[str, int, int, int, int]:
    return (
        invoice["status"],
        invoice["total_paid"],
        invoice["amount_credited"],
        invoice["amount_due"],
        invoice["balance_due"],
    )


def test_a_payment_and_a_credit_pay_an_invoice_and_removing_the_payment_undoes_it(
    dayzero: DayZeroClient,
) -> None:
    customer = dayzero.customer()["id"]
    invoice = dayzero.open_invoice(customer, 10_000)["id"]
    deposit = dayzero.deposit(6_000)
    paid = dayzero.pay(invoice, deposit["id"], 6_000)
    assert paid.status_code == 201, paid.text
    payment = paid.json()
    assert payment["invoice_id"] == invoice and payment["transaction_id"] == deposit["id"]
    assert payment["amount"] == 6_000 and payment["currency"] == "USD"
    # paid_on defaults to the transaction's date
    assert payment["paid_on"].startswith(deposit["datetime"])
    after_payment = dayzero.get_invoice(invoice)
    assert amounts(after_payment) == ("partially_paid", 6_000, 0, 4_000, 4_000)
    assert after_payment["payments"] == [payment] and after_payment["paid_on"] is None

    memo = dayzero.issued_memo(customer, 4_000)["id"]
    applied = dayzero.call(
        "POST", f"/credit-memos/{memo}/apply", json={"invoice_id": invoice, "amount_cents": 4_000}
    )
    assert applied.status_code == 201, applied.text
    settled = dayzero.get_invoice(invoice)
    # credit lowers amount_due, not balance_due (total - total_paid, DayZero's definition)
    assert amounts(settled) == ("manual_paid", 6_000, 4_000, 0, 4_000)
    assert settled["paid_on"] == payment["paid_on"]

    removed = dayzero.unpay(invoice, payment["id"])
    assert removed.status_code == 200
    assert removed.json() == {"success": True, "message": "Payment removed", "code": "success"}
    undone = dayzero.get_invoice(invoice)
    assert amounts(undone) == ("partially_paid", 0, 4_000, 6_000, 10_000)
    assert undone["payments"] == [] and undone["paid_on"] is None
    # the transaction's amount is free again
    assert dayzero.pay(invoice, deposit["id"], 6_000).status_code == 201
    assert dayzero.get_invoice(invoice)["status"] == "manual_paid"


def test_a_payment_is_at_most_what_the_transaction_has_left_and_may_overpay(
    dayzero: DayZeroClient,
) -> None:
    customer = dayzero.customer()["id"]
    first, second = (dayzero.open_invoice(customer, 3_000)["id"] for _ in range(2))
    deposit = dayzero.deposit(5_000)["id"]
    # one transaction pays two invoices; what it has left bounds the next payment
    assert dayzero.pay(first, deposit, 3_000).status_code == 201
    refused = dayzero.pay(second, deposit, 2_001)
    assert refused.status_code == 400
    assert refused.json() == {"detail": "Amount exceeds the transaction's unallocated amount"}
    assert dayzero.get_invoice(second)["total_paid"] == 0
    assert dayzero.pay(second, deposit, 2_000).status_code == 201
    # overpaying an invoice is allowed: its balance goes below zero
    more = dayzero.deposit(1_500)["id"]
    assert dayzero.pay(second, more, 1_500).status_code == 201
    overpaid = dayzero.get_invoice(second)
    assert amounts(overpaid) == ("manual_paid", 3_500, 0, -500, -500)
    # a withdrawal pays nothing
    withdrawal = dayzero.expect("POST", "/transactions", 201, json={"amount": -100})["id"]
    assert dayzero.pay(first, withdrawal, 1).status_code == 400


def test_drafts_and_void_invoices_take_no_payment_and_a_paid_invoice_cannot_be_voided(
    dayzero: DayZeroClient,
) -> None:
    customer = dayzero.customer()["id"]
    deposit = dayzero.deposit(10_000)["id"]
    draft = dayzero.invoice(customer)["id"]
    refused = dayzero.pay(draft, deposit, 100)
    assert refused.status_code == 400
    assert refused.json() == {"detail": "Only finalized invoices that are not void can be paid"}
    void = dayzero.open_invoice(customer)["id"]
    assert dayzero.void_invoice(void).status_code == 200
    assert dayzero.pay(void, deposit, 100).status_code == 400
    paid = dayzero.open_invoice(customer)["id"]
    assert dayzero.pay(paid, deposit, 100).status_code == 201
    assert dayzero.void_invoice(paid).status_code == 400
    assert dayzero.get_invoice(paid)["status"] == "partially_paid"


def test_unknown_transactions_payments_and_other_currencies_are_refused(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    customer = dayzero.customer()["id"]
    invoice = dayzero.open_invoice(customer)["id"]
    # the body names the transaction, the path the invoice: 400, as for a memo's apply
    unknown = dayzero.pay(invoice, "not-a-transaction", 100)
    assert unknown.status_code == 400 and unknown.json() == {"detail": "Transaction not found"}
    other_business = dayzero_of_new_tenant(client, id="payments-elsewhere")
    theirs = other_business.deposit(1_000)["id"]
    assert dayzero.pay(invoice, theirs, 100).status_code == 400
    euros = dayzero.deposit(1_000, currency="EUR")["id"]
    mismatch = dayzero.pay(invoice, euros, 100)
    assert mismatch.status_code == 400
    assert mismatch.json() == {"detail": "Transaction and invoice currencies differ"}
    gone = dayzero.unpay(invoice, "not-a-payment")
    assert gone.status_code == 404 and gone.json() == {"detail": "Payment not found"}
    zero = dayzero.pay(invoice, dayzero.deposit(1_000)["id"], 0)
    assert zero.status_code == 422 and zero.json()["detail"][0]["loc"] == ["body", "amount"]
    assert dayzero.get_invoice(invoice)["total_paid"] == 0


def test_a_payment_survives_in_the_invoice_list(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()["id"]
    invoice = dayzero.open_invoice(customer, 2_000)["id"]
    assert dayzero.pay(invoice, dayzero.deposit(2_000)["id"], 2_000).status_code == 201
    listed = dayzero.invoices(customer_id=customer)["items"]
    assert [(i["id"], i["status"], i["total_paid"]) for i in listed] == [
        (invoice, "manual_paid", 2_000)
    ]
