"""Solvimon credits: a credit invoice linked to its original, exact partial credits, never more
than is still creditable, and refusals that create nothing."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.vendors.solvimon.client import SolvimonClient, line_credit
from tests.support.clients import eur, lines, one_period


def amounts(invoice: dict[str, Any]) -> tuple[str, str, str]:
    return (
        invoice["invoice_amount_including_tax"]["quantity"],
        invoice["open_invoice_amount"]["quantity"],
        invoice["closed_invoice_amount"]["quantity"],
    )


def test_a_partial_credit_then_the_rest_then_nothing_left(solvimon: SolvimonClient) -> None:
    original = solvimon.seed_invoice(
        [
            {"groups": [{"lines": lines("100.00", "50.00")}]},
            {"groups": [{"lines": lines("30.00")}]},
        ],
        invoice_number="INV-2026-0042",
    )
    assert (original["status"], original["type"], amounts(original)) == (
        "FINAL",
        "STANDARD",
        ("180.00", "180.00", "0.00"),
    )

    response = solvimon.credit(original["id"], {**line_credit(1, 1, 1, "20.00"), "note": "Seats"})
    assert response.status_code == 200, response.text
    credit = response.json()
    assert (credit["type"], credit["status"], credit["on_hold"]) == ("CREDIT", "DRAFT", False)
    assert amounts(credit) == ("-20.00", "0.00", "-20.00")
    assert credit["credit"] == {
        "original_invoice_id": original["id"],
        "original_invoice_info": {"id": original["id"], "invoice_number": "INV-2026-0042"},
        "note": "Seats",
        "credit_details_source": "CURRENT",
    }
    [period] = credit["periods"]
    [group] = period["groups"]
    [line] = group["lines"]
    assert (period["period_order"], group["group_order"], line["line_order"]) == (1, 1, 1)
    assert line["amount_excluding_tax"] == eur("-20.00")
    assert [(link["id"], link["link_type"]) for link in credit["linked_invoices"]] == [
        (original["id"], "ORIGINAL_INVOICE")
    ]

    original = solvimon.invoice(original["id"])
    assert amounts(original) == ("180.00", "160.00", "20.00")
    assert original["linked_invoices"] == [
        {
            "id": credit["id"],
            "link_type": "CREDIT_INVOICE",
            "note": "Seats",
            "invoice_number": credit["invoice_number"],
            "amount": eur("-20.00"),
            "invoice_date": credit["invoice_date"],
        }
    ]

    rest = solvimon.credit(original["id"]).json()
    assert amounts(rest) == ("-160.00", "0.00", "-160.00")
    credited_lines = {
        (p["period_order"], g["group_order"], line["line_order"]): line["amount_excluding_tax"]
        for p in rest["periods"]
        for g in p["groups"]
        for line in g["lines"]
    }
    assert credited_lines == {
        (1, 1, 1): eur("-80.00"),
        (1, 1, 2): eur("-50.00"),
        (2, 1, 1): eur("-30.00"),
    }
    original = solvimon.invoice(original["id"])
    assert amounts(original) == ("180.00", "0.00", "180.00")
    assert original["payment_status"] == "PAID"

    refused = solvimon.credit(original["id"])
    assert refused.status_code == 400
    assert refused.json()["code"] == "INVALID_OPERATION"
    assert len(solvimon.invoice(original["id"])["linked_invoices"]) == 2


@pytest.mark.parametrize("status", ["DRAFT", "OPEN", "VOID"])
def test_only_a_final_invoice_can_be_credited(solvimon: SolvimonClient, status: str) -> None:
    invoice = solvimon.seed_invoice(status=status)
    before = solvimon.count()
    refused = solvimon.credit(invoice["id"])
    assert refused.status_code == 400
    assert refused.json() == {
        "type": "INVALID_REQUEST",
        "code": "INVALID_OPERATION",
        "message": f"Only a FINAL invoice can be credited; this one is {status}",
        "resource_id": invoice["id"],
        "resource_type": "INVOICE",
    }
    assert solvimon.count() == before


def test_an_over_credit_is_refused_and_creates_nothing(solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice(one_period("100.00", "50.00"))
    assert solvimon.credit(invoice["id"], line_credit(1, 1, 2, "30.00")).status_code == 200
    before = solvimon.count()
    refused = solvimon.credit(invoice["id"], line_credit(1, 1, 2, "20.01"))
    assert refused.status_code == 400
    assert refused.json()["code"] == "INVALID_FIELD"
    assert refused.json()["field"] == "periods.0.groups.0.lines.0.amount"
    assert refused.json()["message"] == "Only 20.00 EUR of this is left to credit; 20.01 was asked"
    assert solvimon.count() == before
    assert amounts(solvimon.invoice(invoice["id"])) == ("150.00", "120.00", "30.00")


def test_one_bad_line_refuses_the_whole_request(solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice(one_period("100.00", "50.00"))
    body = {
        "periods": [
            {
                "period_order": 1,
                "groups": [
                    {
                        "group_order": 1,
                        "lines": [
                            {"line_order": 1, "amount": eur("10.00")},
                            {"line_order": 2, "amount": eur("60.00")},
                        ],
                    }
                ],
            }
        ]
    }
    assert solvimon.credit(invoice["id"], body).status_code == 400
    assert solvimon.invoice(invoice["id"])["linked_invoices"] == []


def test_a_group_amount_is_spread_over_its_lines_in_order(solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice(one_period("100.00", "50.00"))
    body = {
        "periods": [{"period_order": 1, "groups": [{"group_order": 1, "amount": eur("120.00")}]}]
    }
    credit = solvimon.credit(invoice["id"], body).json()
    credited = [line["amount_excluding_tax"] for line in credit["periods"][0]["groups"][0]["lines"]]
    assert credited == [eur("-100.00"), eur("-20.00")]


def test_a_period_amount_is_spread_over_its_lines(solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice(
        [{"groups": [{"lines": lines("10.00")}, {"lines": lines("40.00")}]}]
    )
    credit = solvimon.credit(
        invoice["id"], {"periods": [{"period_order": 1, "amount": eur("25.00")}]}
    )
    assert credit.status_code == 200, credit.text
    groups = credit.json()["periods"][0]["groups"]
    assert [g["amount_excluding_tax"] for g in groups] == [eur("-10.00"), eur("-15.00")]


def test_an_amount_must_equal_the_sum_of_its_parts(solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice(one_period("100.00", "50.00"))
    body = line_credit(1, 1, 1, "10.00")
    body["periods"][0]["groups"][0]["amount"] = eur("11.00")
    refused = solvimon.credit(invoice["id"], body)
    assert (refused.status_code, refused.json()["field"]) == (400, "periods.0.groups.0.amount")
    body["periods"][0]["groups"][0]["amount"] = eur("10.00")
    assert solvimon.credit(invoice["id"], body).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (line_credit(2, 1, 1, "1.00"), "periods.0.period_order"),
        (line_credit(1, 2, 1, "1.00"), "periods.0.groups.0.group_order"),
        (line_credit(1, 1, 9, "1.00"), "periods.0.groups.0.lines.0.line_order"),
        (
            {
                "periods": [
                    {
                        "period_order": 1,
                        "groups": [
                            {
                                "group_order": 1,
                                "lines": [
                                    {
                                        "line_order": 1,
                                        "amount": {"quantity": "1.00", "currency": "USD"},
                                    }
                                ],
                            }
                        ],
                    }
                ]
            },
            "periods.0.groups.0.lines.0.amount.currency",
        ),
        (line_credit(1, 1, 1, "1.001"), "periods.0.groups.0.lines.0.amount.quantity"),
        (line_credit(1, 1, 1, "0.00"), "periods.0.groups.0.lines.0.amount.quantity"),
        ({"periods": [{"period_order": 1}]}, "periods.0.amount"),
        ({"periods": [], "note": "x"}, "periods"),
        ({"groups": [], "note": "x"}, "groups"),
        ({"periods": [{"period_order": 1, "amount": eur("1.00")}], "groups": []}, "groups"),
        ({"delivery_date": "2026-03-01T09:00:00.157Z"}, "delivery_date"),
    ],
)
def test_a_request_the_invoice_cannot_take_names_the_field(
    solvimon: SolvimonClient, body: dict[str, Any], field: str
) -> None:
    invoice = solvimon.seed_invoice(one_period("100.00", "50.00"))
    refused = solvimon.credit(invoice["id"], body)
    assert refused.status_code == 400, refused.text
    assert refused.json()["type"] == "INVALID_REQUEST"
    assert refused.json()["field"] == field
    assert solvimon.invoice(invoice["id"])["linked_invoices"] == []


def test_the_on_hold_flag_is_spelled_as_the_schema_spells_it_and_the_page_spelling_is_ignored(
    solvimon: SolvimonClient,
) -> None:
    invoice = solvimon.seed_invoice(one_period("100.00", "50.00"))
    page_spelling = solvimon.credit(
        invoice["id"],
        {"forceInitOnHold": True, "periods": [{"period_order": 1, "amount": eur("1.00")}]},
    )
    assert page_spelling.status_code == 200, page_spelling.text
    assert page_spelling.json()["on_hold"] is False
    schema_spelling = solvimon.credit(
        invoice["id"],
        {"force_init_on_hold": True, "periods": [{"period_order": 1, "amount": eur("1.00")}]},
    )
    assert schema_spelling.json()["on_hold"] is True


def test_deprecated_groups_credit_the_first_period(solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice(one_period("100.00"))
    body = {"groups": [{"group_order": 1, "lines": [{"line_order": 1, "amount": eur("5.00")}]}]}
    credit = solvimon.credit(invoice["id"], body).json()
    assert credit["invoice_amount_including_tax"] == eur("-5.00")


def test_a_one_off_invoice_gets_a_one_off_credit(solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice(type="ONE_OFF")
    credit = solvimon.credit(
        invoice["id"], {"force_init_on_hold": True, "delivery_date": "2026-03-01T09:00:00+02:00"}
    ).json()
    assert (credit["type"], credit["on_hold"], credit["delivery_date"]) == (
        "ONE_OFF_CREDIT",
        True,
        "2026-03-01T09:00:00+02:00",
    )
    assert credit["linked_invoices_ids"] == [invoice["id"]]


def test_a_credit_invoice_cannot_be_credited(solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice()
    credit = solvimon.credit(invoice["id"], line_credit(1, 1, 1, "1.00")).json()
    refused = solvimon.credit(credit["id"])
    assert (refused.status_code, refused.json()["code"]) == (400, "INVALID_OPERATION")


def test_payments_close_the_invoice_along_with_credits(solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice(one_period("100.00"), paid="30.00")
    assert invoice["payment_status"] == "PARTIALLY_PAID"
    solvimon.credit(invoice["id"], line_credit(1, 1, 1, "70.00"))
    after = solvimon.invoice(invoice["id"])
    assert amounts(after) == ("100.00", "0.00", "100.00")
    assert (after["paid_invoice_amount"], after["payment_status"]) == (eur("30.00"), "PAID")


def test_credit_and_copy_credits_everything_and_copies_the_original(
    solvimon: SolvimonClient,
) -> None:
    original = solvimon.seed_invoice(one_period("100.00", "50.00"))
    response = solvimon.call(
        "POST",
        f"/invoices/{original['id']}/credit_and_copy",
        json={"update_credit_invoice_to_final": True},
    )
    assert response.status_code == 200, response.text
    ids = response.json()
    assert ids["original_invoice_id"] == original["id"]
    credit, copy = (
        solvimon.invoice(ids["credit_invoice_id"]),
        solvimon.invoice(ids["new_invoice_id"]),
    )
    assert (credit["type"], credit["status"], amounts(credit)[0]) == ("CREDIT", "FINAL", "-150.00")
    assert (copy["type"], copy["status"], amounts(copy)) == (
        "STANDARD",
        "DRAFT",
        ("150.00", "150.00", "0.00"),
    )
    copied = [line["amount_excluding_tax"] for line in copy["periods"][0]["groups"][0]["lines"]]
    assert copied == [eur("100.00"), eur("50.00")]
    links = {
        (link["id"], link["link_type"])
        for link in solvimon.invoice(original["id"])["linked_invoices"]
    }
    assert links == {(credit["id"], "CREDIT_INVOICE"), (copy["id"], "COPY")}
    assert [(link["id"], link["link_type"]) for link in copy["linked_invoices"]] == [
        (original["id"], "COPIED_FROM")
    ]
    assert amounts(solvimon.invoice(original["id"]))[1] == "0.00"


def test_credit_and_copy_ignores_the_credit_fields_its_body_does_not_have(
    solvimon: SolvimonClient,
) -> None:
    """Its body has no periods, note or on-hold flag: sent anyway, they are unknown fields and
    change nothing (a period without period_order was once read, and was a 500)."""
    original = solvimon.seed_invoice(one_period("100.00", "50.00"))
    response = solvimon.call(
        "POST",
        f"/invoices/{original['id']}/credit_and_copy",
        json={"periods": [{}], "groups": [{}], "note": "x", "force_init_on_hold": True},
    )
    assert response.status_code == 200, response.text
    credit = solvimon.invoice(response.json()["credit_invoice_id"])
    assert (amounts(credit)[0], credit["on_hold"], credit["notes"]) == ("-150.00", False, [])


def test_an_unknown_invoice_is_404(solvimon: SolvimonClient) -> None:
    response = solvimon.credit("invo_doesnotexist")
    assert response.status_code == 404
    assert response.json() == {
        "type": "INVALID_REQUEST",
        "code": "RESOURCE_NOT_FOUND",
        "message": "Invoice invo_doesnotexist not found",
        "resource_id": "invo_doesnotexist",
        "resource_type": "INVOICE",
    }
