"""Listing Solvimon invoices: filters, order, pages and their links, periods on request."""

from __future__ import annotations

from typing import Any

from contracts.vendors.solvimon.client import SolvimonClient, line_credit


def ids(page: dict[str, Any]) -> list[str]:
    return [invoice["id"] for invoice in page["data"]]


def test_filters(solvimon: SolvimonClient) -> None:
    draft = solvimon.seed_invoice(status="DRAFT", on_hold=True, customer_id="cust_a")
    final = solvimon.seed_invoice(customer_id="cust_b", invoice_date="2026-03-01T10:00:00Z")
    paid = solvimon.seed_invoice(paid="150.00", invoice_date="2026-04-01T10:00:00Z")

    def found(**params: Any) -> set[str]:
        return set(ids(solvimon.invoices(**params)))

    assert found(**{"statuses[]": ["DRAFT"]}) == {draft["id"]}
    assert found(**{"statuses[]": ["DRAFT", "FINAL"]}) == {draft["id"], final["id"], paid["id"]}
    assert found(customer_id="cust_b") == {final["id"]}
    assert found(on_hold="true") == {draft["id"]}
    assert found(paid="true") == {paid["id"]}
    assert found(paid="false") == {draft["id"], final["id"]}
    assert found(invoice_date="2026-03-01") == {final["id"]}
    assert found(invoice_date="[2026-03-01,2026-04-01]") == {final["id"], paid["id"]}
    assert found(invoice_date="[2026-03-02T00:00:00Z,]") == {paid["id"], draft["id"]}
    # an end of time with an offset is still a moment, not a server error
    assert len(found(invoice_date="[0001-01-01T00:00:00+01:00,9999-12-31T23:59:59-01:00]")) == 3


def test_invoice_date_that_is_no_calendar_day_is_refused_as_the_spec_says(
    solvimon: SolvimonClient,
) -> None:
    """The spec's pattern admits only real dates: what it refuses, the sandbox refuses too."""
    for text in ("0000-00-00", "2023-02-29", "2026-04-31", "2026-03-01T24:00:00Z"):
        response = solvimon.call("GET", "/invoices", params={"invoice_date": text})
        assert response.status_code == 400, (text, response.text)
    assert solvimon.invoices(invoice_date="2024-02-29")["data"] == []


def test_newest_first_by_default_and_other_orders(solvimon: SolvimonClient) -> None:
    first = solvimon.seed_invoice(invoice_number="B-1", invoice_date="2026-01-01T00:00:00Z")
    second = solvimon.seed_invoice(invoice_number="A-2", invoice_date="2026-02-01T00:00:00Z")
    assert ids(solvimon.invoices()) == [second["id"], first["id"]]
    ordered = solvimon.invoices(order_by="invoice_number", order_direction="asc")
    assert ids(ordered) == [second["id"], first["id"]]
    by_date = solvimon.invoices(order_by="invoice_date", order_direction="asc")
    assert ids(by_date) == [first["id"], second["id"]]


def test_pages_and_their_links(solvimon: SolvimonClient) -> None:
    made = [solvimon.seed_invoice()["id"] for _ in range(5)]
    seen: list[str] = []
    page = solvimon.invoices(limit=2, customer_id=None)
    assert (page["page"], page["limit"], page["total_number_of_pages"]) == (1, 2, 3)
    assert page["links"]["previous"] is None
    while True:
        seen += ids(page)
        if page["links"]["next"] is None:
            break
        page = solvimon.expect("GET", page["links"]["next"].split("/solvimon/v1", 1)[1], 200)
    assert sorted(seen) == sorted(made)
    assert page["page"] == 3 and page["links"]["previous"].endswith("page=2&limit=2")
    beyond = solvimon.invoices(page=9, limit=2)
    assert beyond["data"] == [] and beyond["links"]["next"] is None


def test_periods_and_lines_only_when_asked(solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice()
    solvimon.credit(invoice["id"], line_credit(1, 1, 1, "1.00"))
    bare = solvimon.invoices()["data"][0]
    assert bare["periods"] == []
    groups = solvimon.invoices(include_periods="true")["data"][0]
    assert groups["periods"][0]["groups"][0]["lines"] is None
    full = solvimon.invoices(include_periods="true", include_lines="true")["data"][0]
    assert len(full["periods"][0]["groups"][0]["lines"]) == 1
    assert solvimon.invoice(invoice["id"])["periods"][0]["groups"][0]["lines"]


def test_a_bad_filter_is_400(solvimon: SolvimonClient) -> None:
    for params in ({"limit": 101}, {"invoice_date": "March"}, {"statuses[]": "PAID"}):
        response = solvimon.call("GET", "/invoices", params=params)
        assert response.status_code == 400, params
        assert response.json()["code"] == "INVALID_FIELD"
