"""COUNT payments: transactions recorded by hand, assigned to invoices, removed again; with credit
they make an invoice partial and then paid."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from contracts.vendors.count.client import CountClient
from tests.support.clients import count_record


@pytest.fixture
def basics(count: CountClient) -> tuple[str, str]:
    return count.customer("Acme", "ap@acme.example")["id"], count.product("Hour", 50)["id"]


def invoice(count: CountClient, basics: tuple[str, str], amount: float, **extra: Any) -> Any:
    """An approved invoice (or, with ``kind``, memo) of one line of ``amount``."""
    kind = extra.pop("kind", "invoice")
    body = count_record(*basics, amount, kind, **extra)
    created = count.expect("POST", "/invoices", 201, json=body)
    return count.expect("PATCH", f"/invoices/{created['id']}/approve", 200)


def assign(count: CountClient, transaction: Any, records: list[Any], status: int = 200) -> Any:
    return count.expect(
        "POST",
        f"/transactions/{transaction['id']}/assign-to-bills-invoices",
        status,
        json={"matchingType": "invoice", "records": records},
    )


def amounts(record: Any) -> tuple[Any, ...]:
    return (
        record["status"],
        record["paymentStatus"],
        record["amountPaid"],
        record["creditApplied"],
        record["openBalance"],
    )


def test_a_transaction_and_a_memo_pay_an_invoice_and_removing_the_transaction_undoes_it(
    count: CountClient, basics: tuple[str, str]
) -> None:
    target = invoice(count, basics, 100)
    memo = invoice(count, basics, 60, kind="memo")
    income = count.transaction("40")
    assert (income["amount"], income["type"], income["unassignedAmount"]) == (40.0, "Income", 40.0)

    paid = assign(count, income, [{"id": target["id"], "paymentAmount": "40.00", "notes": "wire"}])
    assert (paid["assignedAmount"], paid["unassignedAmount"]) == (40.0, 0.0)
    assert paid["payments"][0]["invoiceId"] == target["id"]
    after_payment = count.get(target["id"])
    assert amounts(after_payment) == ("partial", "partial", 40.0, 0.0, 60.0)
    assert [p["paymentAmount"] for p in after_payment["payments"]] == [40.0]

    credited = count.expect(
        "PATCH",
        f"/invoices/{target['id']}/apply-multiple-credit-to-invoice",
        200,
        json={"creditMemos": [{"id": memo["id"], "amount": 60}]},
    )
    assert amounts(credited) == ("paid", "paid", 40.0, 60.0, 0.0)

    removed = count.expect(
        "PATCH",
        f"/invoices/{target['id']}/remove-transaction",
        200,
        json={"transactionId": income["id"]},
    )
    assert amounts(removed) == ("partial", "partial", 0.0, 60.0, 40.0)
    assert removed["payments"] == []
    again = count.expect("GET", f"/transactions/{income['id']}", 200)
    assert (again["assignedAmount"], again["unassignedAmount"], again["payments"]) == (
        0.0,
        40.0,
        [],
    )
    actions = [entry["action"] for entry in count.audit_log(target["id"])["auditLog"]]
    assert actions[-3:] == ["assign_transaction", "apply_credit", "remove_transaction"]


def test_a_memo_cannot_take_an_invoice_below_zero_after_a_payment(
    count: CountClient, basics: tuple[str, str]
) -> None:
    target = invoice(count, basics, 100)
    memo = invoice(count, basics, 50, kind="memo")
    assign(count, count.transaction(70), [{"id": target["id"], "paymentAmount": 70}])
    refused = count.call(
        "PATCH",
        f"/invoices/{target['id']}/apply-multiple-credit-to-invoice",
        json={"creditMemos": [{"id": memo["id"], "amount": 31}]},
    )
    assert refused.status_code == 400, refused.text
    assert refused.json()["message"] == "The credit exceeds the invoice's open balance"
    assert amounts(count.get(target["id"])) == ("partial", "partial", 70.0, 0.0, 30.0)


def test_a_payment_is_at_most_the_open_balance_and_what_the_transaction_has_left(
    count: CountClient, basics: tuple[str, str]
) -> None:
    first, second = invoice(count, basics, 50), invoice(count, basics, 50)
    memo = invoice(count, basics, 20, kind="memo")
    count.expect(
        "PATCH",
        f"/invoices/{first['id']}/apply-multiple-credit-to-invoice",
        200,
        json={"creditMemos": [{"id": memo["id"], "amount": 20}]},
    )
    income = count.transaction(60)
    over_balance = assign(count, income, [{"id": first["id"], "paymentAmount": 30.01}], 400)
    assert over_balance["message"] == "The payment exceeds the invoice's open balance"
    over_transaction = assign(
        count,
        income,
        [{"id": first["id"], "paymentAmount": 30}, {"id": second["id"], "paymentAmount": 30.01}],
        400,
    )
    assert over_transaction["message"] == (
        "The payments exceed what the transaction has left to assign"
    )
    # all or nothing: the refused requests paid neither invoice
    assert count.get(first["id"])["amountPaid"] == 0.0
    assert count.get(second["id"])["amountPaid"] == 0.0

    both = [{"id": first["id"], "paymentAmount": 30}, {"id": second["id"], "paymentAmount": 30}]
    assert assign(count, income, both)["unassignedAmount"] == 0.0
    assert count.get(first["id"])["status"] == "paid"
    assert amounts(count.get(second["id"])) == ("partial", "partial", 30.0, 0.0, 20.0)
    assert assign(count, income, [{"id": second["id"], "paymentAmount": 0.01}], 400)


def test_only_income_pays_approved_invoices(count: CountClient, basics: tuple[str, str]) -> None:
    approved = invoice(count, basics, 10)
    draft = count.expect("POST", "/invoices", 201, json=count_record(*basics, 10, "invoice"))
    memo = invoice(count, basics, 10, kind="memo")
    expense = count.transaction(10, "expense")
    assert (expense["type"], expense["amount"]) == ("Expense", -10.0)
    refused = assign(count, expense, [{"id": approved["id"], "paymentAmount": 5}], 400)
    assert refused["message"] == "Only an Income transaction can pay invoices"
    income = count.transaction(10, "income")
    assert income["type"] == "Income"
    for record, message in (
        (draft, "Only approved invoices with something open can be paid; drafts and paid invoices"),
        (memo, "Transactions can only pay records of invoiceType invoice"),
    ):
        body = assign(count, income, [{"id": record["id"], "paymentAmount": 5}], 400)
        assert body["message"].startswith(message)
    euro = invoice(count, basics, 10, currency="EUR")
    body = assign(count, income, [{"id": euro["id"], "paymentAmount": 5}], 400)
    assert body["message"] == "The transaction and the invoice are in different currencies"
    assert count.get(approved["id"])["amountPaid"] == 0.0


def test_unknown_transactions_invoices_and_links_are_refused(
    count: CountClient, basics: tuple[str, str]
) -> None:
    target = invoice(count, basics, 10)
    income = count.transaction(10)
    missing = "00000000-0000-4000-8000-000000000000"
    assert count.call("GET", f"/transactions/{missing}").status_code == 404
    unknown = count.call(
        "POST",
        f"/transactions/{missing}/assign-to-bills-invoices",
        json={"matchingType": "invoice", "records": [{"id": target["id"], "paymentAmount": 1}]},
    )
    assert unknown.status_code == 404
    assert unknown.json() == {"message": "Transaction not found", "statusCode": 404}
    # an invoice the body names that does not exist is 400: the path names the transaction
    body = assign(count, income, [{"id": missing, "paymentAmount": 1}], 400)
    assert body == {"message": "Invoice not found", "statusCode": 400}
    bills = count.call(
        "POST",
        f"/transactions/{income['id']}/assign-to-bills-invoices",
        json={"matchingType": "bill", "records": [{"id": target["id"], "paymentAmount": 1}]},
    )
    assert bills.status_code == 400 and bills.json()["statusCode"] == 400
    not_paying = count.call(
        "PATCH",
        f"/invoices/{target['id']}/remove-transaction",
        json={"transactionId": income["id"]},
    )
    assert not_paying.status_code == 404
    assert not_paying.json()["message"] == "This transaction does not pay this invoice"
    for bad in ({"accUuid": "", "amount": 1, "date": "2026-01-01"}, {"accUuid": "a", "amount": 1}):
        refused = count.call("POST", "/transactions", json=bad)
        assert refused.status_code == 400 and refused.json()["statusCode"] == 400, bad
    negative = {"accUuid": "a", "amount": -5, "postedDate": "2026-01-01"}
    assert count.call("POST", "/transactions", json=negative).status_code == 400


def test_remove_transaction_is_409_while_the_invoice_uuid_is_ambiguous(
    count: CountClient, basics: tuple[str, str]
) -> None:
    target = invoice(count, basics, 10)
    income = count.transaction(10)
    assign(count, income, [{"id": target["id"], "paymentAmount": 4}])
    count.seed("legacy-duplicates", {"uuid": target["id"]})
    removed = count.call(
        "PATCH",
        f"/invoices/{target['id']}/remove-transaction",
        json={"transactionId": income["id"]},
    )
    assert removed.status_code == 409, removed.text
    body = assign(count, income, [{"id": target["id"], "paymentAmount": 1}], 409)
    assert body["statusCode"] == 409


def test_payments_speak_the_tenants_readings_of_envelope_and_error_body(
    client: TestClient, count: CountClient, basics: tuple[str, str]
) -> None:
    target = invoice(count, basics, 10)
    readings = {"count.envelope": "wrapped", "count.error-body": "reference"}
    client.put("/_sandbox/tenants/demo/profile", json={"readings": readings})
    created = count.call(
        "POST", "/transactions", json={"accUuid": "bank", "amount": "10.50", "date": "2026-03-02"}
    )
    assert created.status_code == 201
    wrapped = created.json()
    assert (wrapped["status"], wrapped["data"]["amount"], wrapped["data"]["postedDate"]) == (
        "success",
        10.5,
        "2026-03-02",
    )
    path = f"/transactions/{wrapped['data']['id']}/assign-to-bills-invoices"
    over = {"matchingType": "invoice", "records": [{"id": target["id"], "paymentAmount": 10.01}]}
    refused = count.call("POST", path, json=over)
    assert (refused.status_code, refused.json()) == (
        400,
        {
            "status": "error",
            "message": "The payment exceeds the invoice's open balance",
            "code": "BAD_REQUEST",
        },
    )
    invalid = count.call("POST", path, json={"matchingType": "invoice", "records": []})
    assert invalid.status_code == 400
    assert (invalid.json()["status"], invalid.json()["code"]) == ("error", "VALIDATION_ERROR")
    paid = count.call(
        "POST", path, json={**over, "records": [{**over["records"][0], "paymentAmount": 10}]}
    )
    assert (paid.status_code, paid.json()["data"]["unassignedAmount"]) == (200, 0.5)
    removed = count.call(
        "PATCH",
        f"/invoices/{target['id']}/remove-transaction",
        json={"transactionId": wrapped["data"]["id"]},
    )
    assert (removed.status_code, removed.json()["data"]["status"]) == (200, "approved")
