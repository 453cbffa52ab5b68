"""The customers and invoices a memo needs."""

from __future__ import annotations

from starlette.testclient import TestClient

from contracts.vendors.dayzero.client import DayZeroClient


def test_customer_is_created_listed_and_fetched(dayzero: DayZeroClient) -> None:
    created = dayzero.expect(
        "POST",
        "/customers",
        201,
        json={"name": "Acme", "email": "ap@acme.example", "credit_limit_cents": None},
    )
    assert dayzero.expect("GET", f"/customers/{created['id']}", 200) == created
    assert dayzero.customers()["items"] == [created]


def test_unknown_customer_is_404(dayzero: DayZeroClient) -> None:
    missing = dayzero.call("GET", "/customers/nobody")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Customer not found"})


def test_customer_needs_a_name(dayzero: DayZeroClient) -> None:
    refused = dayzero.call("POST", "/customers", json={"email": "x@example.com"})
    assert refused.status_code == 422
    [issue] = refused.json()["detail"]
    assert (issue["loc"], issue["msg"], issue["type"]) == (
        ["body", "name"],
        "Field required",
        "missing",
    )


def test_invoice_total_is_quantity_times_unit_price_rounded_half_up(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    body = {
        "customer_id": customer["id"],
        "line_items": [
            {"description": "Hours", "quantity": 1.5, "unit_price": 3333},  # 4999.5 -> 5000
            {"description": "Fee", "quantity": 1, "unit_price": 1},
        ],
    }
    invoice = dayzero.expect("POST", "/invoices", 201, json=body)
    assert [line["amount"] for line in invoice["line_items"]] == [5000, 1]
    assert (invoice["total"], invoice["total_in_dollars"]) == (5001, "50.01")
    assert (invoice["status"], invoice["number"], invoice["currency"]) == ("draft", None, "USD")
    assert (invoice["amount_due"], invoice["amount_due_in_dollars"]) == (5001, "50.01")
    assert invoice["customer_name"] == customer["name"]


def test_finalize_numbers_and_opens_a_draft_once(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    first = dayzero.open_invoice(customer["id"])
    second = dayzero.open_invoice(customer["id"])
    assert (first["status"], first["number"], second["number"]) == ("open", "INV-0001", "INV-0002")
    assert first["finalized_at"] is not None
    again = dayzero.call("POST", f"/invoices/{first['id']}/finalize")
    assert (again.status_code, again.json()) == (
        400,
        {"detail": "Only draft invoices can be finalized"},
    )


def test_invoice_for_an_unknown_customer_is_refused(dayzero: DayZeroClient) -> None:
    body = {
        "customer_id": "nobody",
        "line_items": [{"description": "x", "quantity": 1, "unit_price": 100}],
    }
    refused = dayzero.call("POST", "/invoices", json=body)
    assert (refused.status_code, refused.json()) == (404, {"detail": "Customer not found"})


def test_an_invoice_whose_lines_round_to_zero_is_created_with_a_total_of_zero(
    dayzero: DayZeroClient,
) -> None:
    """No DayZero page refuses a zero total, so the sandbox does not either: a quantity the spec
    allows (any above 0) times a price of 3000 cents may round to 0 cents."""
    customer = dayzero.customer()
    body = {
        "customer_id": customer["id"],
        "line_items": [{"description": "x", "quantity": 5e-324, "unit_price": 3000}],
    }
    created = dayzero.expect("POST", "/invoices", 201, json=body)
    assert (created["total"], created["amount_due"], created["status"]) == (0, 0, "draft")
    assert dayzero.get_invoice(created["id"]) == created


def test_invoices_filter_by_customer_and_status(dayzero: DayZeroClient) -> None:
    alice, bob = dayzero.customer("Alice"), dayzero.customer("Bob")
    opened = dayzero.open_invoice(alice["id"])
    draft = dayzero.invoice(alice["id"])
    dayzero.invoice(bob["id"])
    by_alice = dayzero.invoices(customer_id=alice["id"])
    assert [i["id"] for i in by_alice["items"]] == [draft["id"], opened["id"]]
    open_only = dayzero.invoices(status="open")
    assert [i["id"] for i in open_only["items"]] == [opened["id"]]


def test_unknown_invoice_is_404(dayzero: DayZeroClient) -> None:
    for method, path in (("GET", "/invoices/nope"), ("POST", "/invoices/nope/finalize")):
        missing = dayzero.call(method, path)
        assert (missing.status_code, missing.json()) == (404, {"detail": "Invoice not found"})


def test_void_turns_an_open_invoice_void_and_only_an_open_one(dayzero: DayZeroClient) -> None:
    """DayZero's void-invoice reference: PUT, 200 with the invoice; its invoices guide: only open
    invoices can be voided (anything else is the sandbox's 400 for a status that does not
    allow it)."""
    customer = dayzero.customer()["id"]
    invoice = dayzero.open_invoice(customer, 1_000)
    voided = dayzero.expect("PUT", f"/invoices/{invoice['id']}/void", 200)
    assert (voided["id"], voided["status"], voided["number"]) == (invoice["id"], "void", "INV-0001")
    assert dayzero.get_invoice(invoice["id"])["status"] == "void"
    assert [i["id"] for i in dayzero.invoices(status="void")["items"]] == [invoice["id"]]
    not_open = (400, {"detail": "Only open invoices can be voided"})
    again = dayzero.call("PUT", f"/invoices/{invoice['id']}/void")
    assert (again.status_code, again.json()) == not_open
    draft = dayzero.invoice(customer, 1_000)
    refused = dayzero.call("PUT", f"/invoices/{draft['id']}/void")
    assert (refused.status_code, refused.json()) == not_open
    credited = dayzero.open_invoice(customer, 1_000)
    memo = dayzero.issued_memo(customer, 300)
    assert dayzero.apply(memo["id"], credited["id"], 300).status_code == 201
    refused = dayzero.call("PUT", f"/invoices/{credited['id']}/void")
    assert (refused.status_code, refused.json()) == not_open
    assert dayzero.get_invoice(credited["id"])["status"] == "partially_paid"
    late = dayzero.apply(dayzero.issued_memo(customer, 100)["id"], invoice["id"], 100)
    assert late.status_code == 400, "a void invoice took credit"


def test_void_is_put_by_default_and_post_under_the_guides_reading(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    invoice = dayzero.open_invoice(dayzero.customer()["id"], 1_000)
    assert dayzero.call("POST", f"/invoices/{invoice['id']}/void").status_code == 405
    post = {"readings": {"dayzero.invoice-void-method": "post"}}
    assert client.put("/_sandbox/tenants/demo/profile", json=post).status_code == 200
    assert dayzero.call("PUT", f"/invoices/{invoice['id']}/void").status_code == 405
    voided = dayzero.expect("POST", f"/invoices/{invoice['id']}/void", 200)
    assert voided["status"] == "void"
