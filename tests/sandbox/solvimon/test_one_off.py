"""Solvimon one-off invoices and one-off credit invoices made through ``POST /v1/invoices``:
DRAFT and on hold, a ONE_OFF_CREDIT linked both ways to the originals it names, and refusals
that create nothing; and refunds of credit invoices, recorded on the credit invoice."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from contracts.vendors.solvimon.client import SolvimonClient
from tests.support.clients import SECOND, eur, solvimon_client


def links(invoice: dict[str, Any]) -> list[tuple[str, str]]:
    return [(link["id"], link["link_type"]) for link in invoice["linked_invoices"]]


def test_a_one_off_invoice_starts_as_a_draft_on_hold_without_lines(
    solvimon: SolvimonClient,
) -> None:
    response = solvimon.create_invoice(
        {"type": "ONE_OFF", "customer_reference": "acme-42", "notes": ["Setup fee"]}
    )
    assert response.status_code == 200, response.text
    invoice = response.json()
    assert (invoice["type"], invoice["status"], invoice["on_hold"]) == ("ONE_OFF", "DRAFT", True)
    assert (invoice["customer_reference"], invoice["customer_id"]) == ("acme-42", None)
    assert invoice["invoice_amount_including_tax"] == eur("0.00")
    assert (invoice["periods"], invoice["linked_invoices"], invoice["credit"]) == ([], [], None)
    assert invoice["notes"] == ["Setup fee"]
    assert solvimon.invoice(invoice["id"]) == invoice


def test_a_one_off_draft_on_hold_does_not_turn_final_after_the_grace_period(
    client: TestClient, solvimon: SolvimonClient
) -> None:
    invoice = solvimon.create_invoice({"type": "ONE_OFF", "customer_id": "cust_acme"}).json()
    advanced = client.post("/_sandbox/tenants/demo/clock/advance", json={"hours": 9})
    assert advanced.status_code == 200, advanced.text
    assert solvimon.invoice(invoice["id"])["status"] == "DRAFT"


def test_a_one_off_credit_links_both_ways_to_every_original_it_names(
    solvimon: SolvimonClient,
) -> None:
    first, second = solvimon.seed_invoice(), solvimon.seed_invoice(type="ONE_OFF")
    response = solvimon.create_invoice(
        {
            "type": "ONE_OFF_CREDIT",
            "customer_id": "cust_acme",
            "linked_invoices_ids": [first["id"], second["id"]],
            "notes": ["Goodwill"],
        }
    )
    assert response.status_code == 200, response.text
    credit = response.json()
    assert (credit["type"], credit["status"], credit["on_hold"]) == (
        "ONE_OFF_CREDIT",
        "DRAFT",
        True,
    )
    assert credit["invoice_number"].startswith("CR-")
    assert credit["linked_invoices_ids"] == [first["id"], second["id"]]
    assert links(credit) == [
        (first["id"], "ORIGINAL_INVOICE"),
        (second["id"], "ORIGINAL_INVOICE"),
    ]
    assert credit["credit"]["original_invoice_id"] == first["id"]
    for original in (first, second):
        after = solvimon.invoice(original["id"])
        assert links(after) == [(credit["id"], "CREDIT_INVOICE")]
        assert after["linked_invoices"][0]["note"] == "Goodwill"
        # a credit without lines credits nothing yet
        assert after["open_invoice_amount"] == original["open_invoice_amount"]


def test_a_one_off_credit_takes_its_first_originals_currency(solvimon: SolvimonClient) -> None:
    original = solvimon.seed_invoice(
        currency="JPY", periods=[{"groups": [{"lines": [{"amount": "500"}]}]}]
    )
    credit = solvimon.one_off_credit(original).json()
    assert credit["billing_currency"] == "JPY"
    assert credit["invoice_amount_including_tax"] == {"quantity": "0", "currency": "JPY"}


def test_a_one_off_credit_credits_invoices_of_one_currency(solvimon: SolvimonClient) -> None:
    yen = solvimon.seed_invoice(
        currency="JPY", periods=[{"groups": [{"lines": [{"amount": "5"}]}]}]
    )
    euro = solvimon.seed_invoice(periods=[{"groups": [{"lines": [{"amount": "5.00"}]}]}])
    mixed = solvimon.one_off_credit(yen, euro)
    assert mixed.status_code == 400
    assert (mixed.json()["code"], mixed.json()["field"]) == (
        "INVALID_FIELD",
        "linked_invoices_ids.1",
    )
    body = {"type": "ONE_OFF_CREDIT", "customer_id": "c", "linked_invoices_ids": [yen["id"]]}
    other = solvimon.create_invoice({**body, "billing_currency": "EUR"})
    assert other.status_code == 400 and other.json()["field"] == "billing_currency"
    # nothing was linked to either original
    for original in (yen, euro):
        assert solvimon.invoice(original["id"])["linked_invoices"] == []


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"type": "STANDARD", "customer_id": "c"}, "INVALID_FIELD", "type"),
        ({"type": "CREDIT", "customer_id": "c"}, "INVALID_FIELD", "type"),
        ({"type": "ONE_OFF"}, "MISSING_FIELD", "customer_id"),
        ({"type": "ONE_OFF", "customer_id": ""}, "MISSING_FIELD", "customer_id"),
        ({"customer_id": "c"}, "MISSING_FIELD", "type"),
        ({"type": "ONE_OFF_CREDIT", "customer_id": "c"}, "MISSING_FIELD", "linked_invoices_ids"),
        (
            {"type": "ONE_OFF_CREDIT", "customer_id": "c", "linked_invoices_ids": []},
            "MISSING_FIELD",
            "linked_invoices_ids",
        ),
    ],
)
def test_a_one_off_request_without_what_it_needs_is_refused_naming_the_field(
    solvimon: SolvimonClient, body: dict[str, Any], code: str, field: str
) -> None:
    before = solvimon.count()
    response = solvimon.create_invoice(body)
    assert response.status_code == 400, response.text
    assert (response.json()["code"], response.json()["field"]) == (code, field)
    assert solvimon.count() == before


def test_linked_invoices_ids_are_only_for_a_one_off_credit(solvimon: SolvimonClient) -> None:
    original = solvimon.seed_invoice()
    response = solvimon.create_invoice(
        {"type": "ONE_OFF", "customer_id": "c", "linked_invoices_ids": [original["id"]]}
    )
    assert response.status_code == 400
    assert response.json() == {
        "type": "INVALID_REQUEST",
        "code": "INVALID_FIELD",
        "field": "linked_invoices_ids",
        "message": "linked_invoices_ids can only be used for ONE_OFF_CREDIT invoices",
    }
    assert solvimon.invoice(original["id"])["linked_invoices"] == []


def test_an_original_the_platform_does_not_have_is_refused_and_nothing_is_linked(
    client: TestClient, solvimon: SolvimonClient
) -> None:
    here = solvimon.seed_invoice()
    elsewhere = solvimon.seed_invoice(platform_id=SECOND)
    response = solvimon.one_off_credit(here, elsewhere)
    assert response.status_code == 400
    assert response.json() == {
        "type": "INVALID_REQUEST",
        "code": "RESOURCE_NOT_FOUND",
        "field": "linked_invoices_ids.1",
        "message": f"Invoice {elsewhere['id']} not found",
        "resource_id": elsewhere["id"],
        "resource_type": "INVOICE",
    }
    assert solvimon.invoice(here["id"])["linked_invoices"] == []
    on_second = solvimon_client(client, platform=SECOND)
    assert on_second.invoice(elsewhere["id"])["linked_invoices"] == []


def test_a_one_off_credit_names_each_original_once(solvimon: SolvimonClient) -> None:
    original = solvimon.seed_invoice()
    response = solvimon.one_off_credit(original, original)
    assert response.status_code == 400
    assert response.json()["field"] == "linked_invoices_ids"
    assert solvimon.invoice(original["id"])["linked_invoices"] == []


def test_only_an_invoice_that_could_be_credited_can_be_a_one_off_credits_original(
    solvimon: SolvimonClient,
) -> None:
    draft = solvimon.seed_invoice(status="DRAFT")
    credit = solvimon.one_off_credit(solvimon.seed_invoice()).json()
    for original in (draft, credit):
        response = solvimon.one_off_credit(original)
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "INVALID_OPERATION"


def test_a_refund_of_a_credit_invoice_is_recorded_once(solvimon: SolvimonClient) -> None:
    original = solvimon.seed_invoice()
    credit = solvimon.credit(original["id"]).json()
    assert credit["refunded_at"] is None
    response = solvimon.refund(credit["id"])
    assert response.status_code == 200, response.text
    refunded = response.json()
    assert refunded["id"] == credit["id"]
    assert refunded["refunded_at"] is not None
    assert solvimon.invoice(credit["id"])["refunded_at"] == refunded["refunded_at"]

    again = solvimon.refund(credit["id"])
    assert again.status_code == 400
    assert again.json()["code"] == "INVALID_OPERATION"
    assert again.json()["resource_id"] == credit["id"]
    assert solvimon.invoice(credit["id"])["refunded_at"] == refunded["refunded_at"]


def test_a_one_off_credit_can_be_refunded(solvimon: SolvimonClient) -> None:
    credit = solvimon.one_off_credit(solvimon.seed_invoice()).json()
    response = solvimon.refund(credit["id"])
    assert response.status_code == 200, response.text
    assert response.json()["refunded_at"] is not None


def test_only_a_credit_invoice_can_be_refunded(solvimon: SolvimonClient) -> None:
    original = solvimon.seed_invoice()
    one_off = solvimon.create_invoice({"type": "ONE_OFF", "customer_id": "c"}).json()
    for invoice in (original, one_off):
        response = solvimon.refund(invoice["id"])
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "INVALID_OPERATION"
        assert solvimon.invoice(invoice["id"])["refunded_at"] is None


def test_refunding_an_unknown_invoice_is_404(solvimon: SolvimonClient) -> None:
    response = solvimon.refund("invo_nobody")
    assert (response.status_code, response.json()["code"]) == (404, "RESOURCE_NOT_FOUND")


def test_a_refund_replayed_with_its_key_answers_the_same_invoice(
    solvimon: SolvimonClient,
) -> None:
    credit = solvimon.credit(solvimon.seed_invoice()["id"]).json()
    key = {"Idempotency-Key": "refund-once"}
    first = solvimon.refund(credit["id"], headers=key)
    again = solvimon.refund(credit["id"], headers=key)
    assert (first.status_code, again.status_code) == (200, 200)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json()


def test_a_one_off_credit_replayed_with_its_key_creates_one_invoice(
    solvimon: SolvimonClient,
) -> None:
    original = solvimon.seed_invoice()
    key = {"Idempotency-Key": "one-off-once"}
    first = solvimon.one_off_credit(original, headers=key)
    again = solvimon.one_off_credit(original, headers=key)
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert again.json()["id"] == first.json()["id"]
    assert links(solvimon.invoice(original["id"])) == [(first.json()["id"], "CREDIT_INVOICE")]
