"""Recurring invoice templates: invoices only, and a credit memo is refused with 400."""

from __future__ import annotations

from typing import Any

import pytest

from contracts.vendors.count.client import CountClient
from tests.support.clients import count_record


@pytest.fixture
def body(count: CountClient) -> dict[str, Any]:
    customer = count.customer("Acme", "ap@acme.example")
    product = count.product("Plan", 99)
    return count_record(
        customer["id"], product["id"], 99, date="2026-04-01", recurrencePattern="monthly"
    )


@pytest.mark.parametrize("kind", ["memo", "estimate"])
def test_a_memo_or_estimate_template_is_refused(
    count: CountClient, body: dict[str, Any], kind: str
) -> None:
    """The spec lists only `invoice`, so the refusal is request validation's: COUNT's 400."""
    refused = count.call("POST", "/recurring-invoice-templates", json={**body, "invoiceType": kind})
    assert (refused.status_code, refused.json()["message"]) == (
        400,
        "invoiceType: Input should be 'invoice'",
    )
    assert (
        count.expect("GET", "/recurring-invoice-templates", 200, params={"isDraft": "all"})[
            "totalRecords"
        ]
        == 0
    )


def test_an_estimate_template_is_refused(count: CountClient, body: dict[str, Any]) -> None:
    refused = count.call(
        "POST", "/recurring-invoice-templates", json={**body, "invoiceType": "estimate"}
    )
    assert refused.status_code == 400


def test_template_lifecycle(count: CountClient, body: dict[str, Any]) -> None:
    template = count.expect("POST", "/recurring-invoice-templates", 201, json=body)
    assert (template["total"], template["recurrenceInterval"], template["paused"]) == (
        99.0,
        1,
        False,
    )
    uuid = template["id"]
    assert count.expect("GET", f"/recurring-invoice-templates/{uuid}", 200) == template
    updated = count.expect(
        "PATCH", f"/recurring-invoice-templates/{uuid}", 200, json={"recurrenceInterval": 3}
    )
    assert updated["recurrenceInterval"] == 3
    assert count.expect("POST", f"/recurring-invoice-templates/{uuid}/pause", 200)["paused"] is True
    assert count.call("POST", f"/recurring-invoice-templates/{uuid}/pause").status_code == 400
    assert (
        count.expect("POST", f"/recurring-invoice-templates/{uuid}/resume", 200)["paused"] is False
    )
    assert count.expect("DELETE", f"/recurring-invoice-templates/{uuid}", 200)["deleted"] is True
    assert count.call("GET", f"/recurring-invoice-templates/{uuid}").status_code == 404


def test_list_shows_non_drafts_by_default(count: CountClient, body: dict[str, Any]) -> None:
    live = count.expect("POST", "/recurring-invoice-templates", 201, json=body)
    draft = count.expect(
        "POST", "/recurring-invoice-templates", 201, json={**body, "isDraft": True}
    )
    default = count.expect("GET", "/recurring-invoice-templates", 200)
    drafts = count.expect("GET", "/recurring-invoice-templates", 200, params={"isDraft": "true"})
    every = count.expect("GET", "/recurring-invoice-templates", 200, params={"isDraft": "all"})
    assert [t["id"] for t in default["templates"]] == [live["id"]]
    assert [t["id"] for t in drafts["templates"]] == [draft["id"]]
    assert every["totalRecords"] == 2


def test_recurrence_pattern_is_required_and_checked(
    count: CountClient, body: dict[str, Any]
) -> None:
    missing = count.call(
        "POST",
        "/recurring-invoice-templates",
        json={k: v for k, v in body.items() if k != "recurrencePattern"},
    )
    wrong = count.call(
        "POST", "/recurring-invoice-templates", json={**body, "recurrencePattern": "hourly"}
    )
    assert missing.status_code == wrong.status_code == 400
    assert "recurrencePattern" in missing.json()["message"]


@pytest.mark.parametrize(
    "unknown",
    [{"discount": "abc"}, {"discount": "NaN"}, {"discount": None}, {"tagUuids": None}],
    ids=["discount-text", "discount-nan", "discount-null", "tags-null"],
)
def test_an_invoice_field_a_template_does_not_have_is_ignored(
    count: CountClient, body: dict[str, Any], unknown: dict[str, Any]
) -> None:
    """A template's body has no discount or tags: sent anyway, they change nothing (they were
    read as an invoice's, unvalidated, and were a 500)."""
    template = count.expect("POST", "/recurring-invoice-templates", 201, json={**body, **unknown})
    assert template["total"] == 99.0
    path = f"/recurring-invoice-templates/{template['id']}"
    assert count.expect("PATCH", path, 200, json=unknown)["total"] == 99.0
