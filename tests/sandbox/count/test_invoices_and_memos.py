"""COUNT invoices and credit memos: one record type, lifecycle, credit both ways, audit log."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from contracts.vendors.count.client import CountClient
from tests.support.clients import count_client, count_record, new_tenant


@pytest.fixture
def setup(count: CountClient) -> dict[str, Any]:
    customer = count.customer("Acme", "ap@acme.example")
    product = count.product("Hour", 50)
    return {"customer": customer["id"], "product": product["id"]}


def record(
    count: CountClient, setup: dict[str, Any], amount: float, kind: str = "invoice", **extra: Any
) -> Any:
    body = count_record(setup["customer"], setup["product"], amount, kind, **extra)
    return count.expect("POST", "/invoices", 201, json=body)


def apply(
    count: CountClient, invoice: Any, memo: Any, amount: float | str, status: int | None = 200
) -> Any:
    """Apply ``amount`` of ``memo`` to ``invoice``; the response when ``status`` is None, else
    its body, once the status is as expected."""
    path = f"/invoices/{invoice['id']}/apply-multiple-credit-to-invoice"
    body = {"creditMemos": [{"id": memo["id"], "amount": amount}]}
    if status is None:
        return count.call("PATCH", path, json=body)
    return count.expect("PATCH", path, status, json=body)


def approved(
    count: CountClient, setup: dict[str, Any], amount: float, kind: str = "invoice"
) -> Any:
    created = record(count, setup, amount, kind)
    return count.expect("PATCH", f"/invoices/{created['id']}/approve", 200)


def test_the_signed_client_walk_through(count: CountClient, setup: dict[str, Any]) -> None:
    invoice = record(count, setup, 100)
    memo = record(count, setup, 30, "memo")
    assert (invoice["status"], memo["status"], memo["invoiceNumber"]) == (
        "draft",
        "draft",
        "CM-0001",
    )
    invoice = count.expect("PATCH", f"/invoices/{invoice['id']}/approve", 200)
    invoice = count.expect(
        "POST", f"/invoices/{invoice['id']}/send", 200, json={"recipients": ["ap@acme.example"]}
    )
    memo = count.expect("PATCH", f"/invoices/{memo['id']}/approve", 200)
    assert (invoice["status"], memo["status"]) == ("sent", "approved")

    invoice = count.expect(
        "PATCH",
        f"/invoices/{invoice['id']}/apply-multiple-credit-to-invoice",
        200,
        json={"creditMemos": [{"id": memo["id"], "amount": 10}]},
    )
    assert (invoice["openBalance"], invoice["creditApplied"], invoice["status"]) == (
        90.0,
        10.0,
        "partial",
    )
    memo = count.expect(
        "PATCH",
        f"/invoices/{memo['id']}/apply-credit-to-multiple-invoices",
        200,
        json={"invoices": [{"id": invoice["id"], "amount": 5}]},
    )
    assert (memo["appliedAmount"], memo["remainingCredit"]) == (15.0, 15.0)
    assert count.get(invoice["id"])["openBalance"] == 85.0

    invoice = count.expect(
        "PATCH", f"/invoices/{invoice['id']}/remove-credit", 200, json={"memoId": memo["id"]}
    )
    assert (invoice["openBalance"], invoice["credits"], invoice["status"]) == (100.0, [], "sent")
    assert count.get(memo["id"])["remainingCredit"] == 30.0

    actions = [e["action"] for e in count.audit_log(invoice["id"])["auditLog"]]
    assert actions == ["create", "approve", "send", "apply_credit", "apply_credit", "remove_credit"]
    entry = count.audit_log(invoice["id"])["auditLog"][1]
    assert entry["actor"] == "cnt_demo_client"


def test_an_over_apply_is_refused_and_nothing_is_applied(
    count: CountClient, setup: dict[str, Any]
) -> None:
    invoice = approved(count, setup, 100)
    small, large = approved(count, setup, 10, "memo"), approved(count, setup, 500, "memo")
    refused = count.call(
        "PATCH",
        f"/invoices/{invoice['id']}/apply-multiple-credit-to-invoice",
        json={
            "creditMemos": [{"id": small["id"], "amount": 10}, {"id": large["id"], "amount": 95}]
        },
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "message": "The credit exceeds the invoice's open balance",
        "statusCode": 400,
    }
    assert count.get(invoice["id"])["openBalance"] == 100.0
    assert count.get(small["id"])["remainingCredit"] == 10.0


def test_a_memo_cannot_give_more_than_it_has(count: CountClient, setup: dict[str, Any]) -> None:
    first, second = approved(count, setup, 100), approved(count, setup, 100)
    memo = approved(count, setup, 30, "memo")
    refused = count.call(
        "PATCH",
        f"/invoices/{memo['id']}/apply-credit-to-multiple-invoices",
        json={"invoices": [{"id": first["id"], "amount": 20}, {"id": second["id"], "amount": 20}]},
    )
    assert (refused.status_code, refused.json()["message"]) == (
        400,
        "The credit exceeds the credit memo's remaining credit",
    )
    assert count.get(memo["id"])["appliedAmount"] == 0.0


@pytest.mark.parametrize(
    ("kind_of_trouble", "message"),
    [
        ("currency", "The credit memo and the invoice are in different currencies"),
        ("memo_as_invoice", "Credit can only be applied to records of invoiceType invoice"),
    ],
)
def test_credit_refusals(
    count: CountClient, setup: dict[str, Any], kind_of_trouble: str, message: str
) -> None:
    invoice = approved(count, setup, 100)
    memo = approved(count, setup, 30, "memo")
    if kind_of_trouble == "currency":
        euro = record(count, setup, 30, "memo", currency="EUR")
        memo = count.expect("PATCH", f"/invoices/{euro['id']}/approve", 200)
    target = memo if kind_of_trouble == "memo_as_invoice" else invoice
    refused = count.call(
        "PATCH",
        f"/invoices/{target['id']}/apply-multiple-credit-to-invoice",
        json={"creditMemos": [{"id": memo["id"], "amount": 1}]},
    )
    assert (refused.status_code, refused.json()["message"]) == (400, message)


def test_drafts_give_and_take_credit_as_approved_records_do(
    count: CountClient, setup: dict[str, Any]
) -> None:
    invoice, memo = record(count, setup, 100), record(count, setup, 30, "memo")
    apply(count, invoice, memo, 30)
    assert count.get(invoice["id"])["openBalance"] == 70.0
    assert count.get(memo["id"])["remainingCredit"] == 0.0


def test_apply_takes_amounts_as_decimal_strings_as_counts_client_sends_them(
    count: CountClient, setup: dict[str, Any]
) -> None:
    invoice, memo = approved(count, setup, 100), approved(count, setup, 30, "memo")
    apply(count, invoice, memo, "12.50")
    assert count.get(invoice["id"])["openBalance"] == 87.5
    for bad in ("0.00", "12.345", "-1", "twelve", 0.001, 0):
        refused = apply(count, invoice, memo, bad, status=None)
        assert refused.status_code == 400, bad
        assert set(refused.json()) == {"message", "statusCode"}, bad
    audit = count.audit_log(invoice["id"])["auditLog"]
    assert [entry["action"] for entry in audit].count("apply_credit") == 1


def test_a_draft_cannot_be_edited_below_the_credit_it_carries(
    count: CountClient, setup: dict[str, Any]
) -> None:
    invoice, memo = record(count, setup, 100), record(count, setup, 30, "memo")
    apply(count, invoice, memo, 30)
    lines = [{"productUuid": setup["product"], "quantity": 1, "unitPrice": 20}]
    for record_id in (invoice["id"], memo["id"]):
        refused = count.call("PATCH", f"/invoices/{record_id}", json={"products": lines})
        assert (refused.status_code, refused.json()["message"]) == (
            400,
            "The new total is below the credit already applied to or from this record: "
            "remove credit first",
        )
    assert count.get(memo["id"])["total"] == 30.0


def test_remove_credit_of_a_memo_not_applied_is_404(
    count: CountClient, setup: dict[str, Any]
) -> None:
    invoice, memo = approved(count, setup, 100), approved(count, setup, 30, "memo")
    refused = count.call(
        "PATCH", f"/invoices/{invoice['id']}/remove-credit", json={"memoId": memo["id"]}
    )
    assert (refused.status_code, refused.json()["message"]) == (
        404,
        "This credit memo is not applied to this invoice",
    )


def test_another_workspaces_invoice_is_404_in_a_body(
    client: TestClient, count: CountClient, setup: dict[str, Any]
) -> None:
    memo = approved(count, setup, 30, "memo")
    other = count_client(client, new_tenant(client)["credentials"]["count"])
    customer = other.customer("Theirs", "ap@theirs.example")
    product = other.product("Theirs", 1)
    theirs = record(
        other, {"customer": customer["id"], "product": product["id"]}, 100, isDraft=False
    )
    refused = count.call(
        "PATCH",
        f"/invoices/{memo['id']}/apply-credit-to-multiple-invoices",
        json={"invoices": [{"id": theirs["id"], "amount": 1}]},
    )
    assert (refused.status_code, refused.json()["message"]) == (404, "Invoice not found")


def test_patch_and_delete_only_drafts_and_managed_fields_are_reported(
    count: CountClient, setup: dict[str, Any]
) -> None:
    draft = record(count, setup, 100)
    patched = count.expect(
        "PATCH", f"/invoices/{draft['id']}", 200, json={"notes": "n", "total": 1, "colour": "red"}
    )
    assert patched["notes"] == "n" and patched["total"] == 100.0
    assert {(w["field"], w["reason"]) for w in patched["_partnerWarnings"]} == {
        ("total", "internal_only"),
        ("colour", "unknown_field"),
    }
    approved_record = count.expect("PATCH", f"/invoices/{draft['id']}/approve", 200)
    for method, body in (("PATCH", {"notes": "late"}), ("DELETE", None)):
        refused = count.call(method, f"/invoices/{approved_record['id']}", json=body)
        assert refused.status_code == 400
    again = count.call("PATCH", f"/invoices/{draft['id']}/approve")
    assert (again.status_code, again.json()["message"]) == (400, "Only drafts can be approved")
    other = record(count, setup, 5)
    assert count.expect("DELETE", f"/invoices/{other['id']}", 200)["deleted"] is True


def test_send_needs_an_approved_record(count: CountClient, setup: dict[str, Any]) -> None:
    draft = record(count, setup, 100)
    refused = count.call("POST", f"/invoices/{draft['id']}/send")
    assert (refused.status_code, refused.json()["message"]) == (
        400,
        "Approve the record before sending it",
    )


def test_send_body_may_be_left_out_but_a_null_body_is_refused(
    count: CountClient, setup: dict[str, Any]
) -> None:
    invoice = approved(count, setup, 100)
    refused = count.call(
        "POST",
        f"/invoices/{invoice['id']}/send",
        content=b"null",
        headers={"content-type": "application/json"},
    )
    assert (refused.status_code, refused.json()["statusCode"]) == (400, 400)
    assert count.get(invoice["id"])["status"] == "approved"
    assert count.expect("POST", f"/invoices/{invoice['id']}/send", 200)["status"] == "sent"


def test_applied_to_invoice_uuid_applies_the_memo_at_creation(
    count: CountClient, setup: dict[str, Any]
) -> None:
    invoice = approved(count, setup, 100)
    memo = record(count, setup, 40, "memo", isDraft=False, appliedToInvoiceUuid=invoice["id"])
    assert (memo["appliedToInvoiceUuid"], memo["remainingCredit"]) == (invoice["id"], 0.0)
    assert count.get(invoice["id"])["openBalance"] == 60.0
    # the seed's own flow: a memo created (a draft, by default) and linked at once
    draft = record(count, setup, 10, "memo", appliedToInvoiceUuid=invoice["id"])
    assert (draft["isDraft"], draft["remainingCredit"]) == (True, 0.0)
    assert count.get(invoice["id"])["openBalance"] == 50.0
    body = count_record(setup["customer"], setup["product"], 5, appliedToInvoiceUuid=invoice["id"])
    on_invoice = count.call("POST", "/invoices", json=body)
    assert on_invoice.status_code == 400


@pytest.mark.parametrize(
    ("kind", "field", "message"),
    [
        (None, "appliedToInvoiceUuid", "appliedToInvoiceUuid is only for credit memos"),
        ("invoice", "appliedToInvoiceUuid", "appliedToInvoiceUuid is only for credit memos"),
        ("estimate", "appliedToInvoiceUuid", "appliedToInvoiceUuid is only for credit memos"),
        ("memo", "applyCredit", "applyCredit is only for invoices"),
        ("estimate", "applyCredit", "applyCredit is only for invoices"),
    ],
)
def test_a_field_of_another_kind_of_record_is_refused_and_nothing_is_created(
    count: CountClient, setup: dict[str, Any], kind: str | None, field: str, message: str
) -> None:
    """The spec states both rules (``not`` under ``InvoiceCreate.allOf``), so a generator that
    follows it never sends these; request validation refuses them in COUNT's body."""
    invoice = approved(count, setup, 100)
    memo = approved(count, setup, 10, "memo")
    values = {
        "appliedToInvoiceUuid": invoice["id"],
        "applyCredit": {"creditMemo": {"id": memo["id"], "amount": 5}},
    }
    body = count_record(setup["customer"], setup["product"], 20, kind, **{field: values[field]})
    refused = count.call("POST", "/invoices", json=body)
    assert refused.json() == {"message": f"body: {message}", "statusCode": 400}
    listed = count.invoices()
    assert sorted(row["id"] for row in listed["invoices"]) == sorted([invoice["id"], memo["id"]])
    assert count.get(invoice["id"])["openBalance"] == 100


def test_list_filters_memos_only(count: CountClient, setup: dict[str, Any]) -> None:
    record(count, setup, 100)
    memo = record(count, setup, 30, "memo")
    memos = count.invoices(invoiceType="memo")
    assert [r["id"] for r in memos["invoices"]] == [memo["id"]] and memos["totalRecords"] == 1
    drafts = count.invoices(status="draft,approved", limit=1)
    assert (drafts["totalRecords"], len(drafts["invoices"])) == (2, 1)
    assert count.invoices(search="cm-00")["totalRecords"] == 1
    assert count.invoices(customers=setup["customer"])["totalRecords"] == 2
    assert count.invoices(startDate="2026-04-01")["totalRecords"] == 0


def test_an_unpaid_invoice_past_its_due_date_is_overdue(
    count: CountClient, setup: dict[str, Any]
) -> None:
    late = record(count, setup, 100, dueDate="2020-01-31", isDraft=False)
    assert late["status"] == "overdue"
    sent = count.expect("POST", f"/invoices/{late['id']}/send", 200)
    assert sent["status"] == "overdue"
    memo = record(count, setup, 100, "memo", isDraft=False)
    paid = count.expect(
        "PATCH",
        f"/invoices/{late['id']}/apply-multiple-credit-to-invoice",
        200,
        json={"creditMemos": [{"id": memo["id"], "amount": 100}]},
    )
    assert (paid["status"], paid["paymentStatus"], paid["openBalance"]) == ("paid", "paid", 0.0)
    overdue = count.invoices(status="overdue")
    assert overdue["totalRecords"] == 0


def test_a_deleted_records_audit_log_is_gone_with_it(
    count: CountClient, setup: dict[str, Any]
) -> None:
    draft = record(count, setup, 100)
    assert count.audit_log(draft["id"])["auditLog"]
    count.expect("DELETE", f"/invoices/{draft['id']}", 200)
    gone = count.call("GET", f"/invoices/{draft['id']}/audit-log")
    assert (gone.status_code, gone.json()["statusCode"]) == (404, 404)
