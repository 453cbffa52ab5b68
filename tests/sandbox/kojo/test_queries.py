"""Kojo over GraphQL: credit memos with their items, invoice items and invoices, the arithmetic,
lists with their paging and order, and the seeding rules."""

from __future__ import annotations

import datetime as dt

import pytest

from contracts.vendors.kojo.client import KojoClient

MEMO_WITH_EVERYTHING = """
query ($id: ID!) {
  creditMemo(id: $id) {
    id invoiceId subtotal tax shippingCostFloat payments totalDue
    invoice { id invoiceNumber }
    creditMemoItems {
      id creditMemoId lineNumber quantity unitPriceFloat extPriceFloat unitsOfMeasure invoiceItemId
      invoiceItem { id invoiceId lineNumber description quantity unitPriceFloat creditedQuantity }
      creditMemo { id }
    }
  }
}
"""


def test_one_query_returns_the_memo_its_items_their_invoice_items_and_the_invoice(
    kojo: KojoClient,
) -> None:
    invoice = kojo.seed_invoice((3, 10.0), (2, 7.5), (1, 100.0), invoiceNumber="INV-1001")
    memo = kojo.seed_memo(invoice, (0, 2), (2, 1), tax=1.5, shippingCost=4, payments=20)

    found = kojo.data(MEMO_WITH_EVERYTHING, {"id": memo["id"]})["creditMemo"]

    assert found["invoice"] == {"id": invoice["id"], "invoiceNumber": "INV-1001"}
    assert found["invoiceId"] == invoice["id"]
    first, second = found["creditMemoItems"]
    assert (first["lineNumber"], second["lineNumber"]) == (1, 2)
    assert (first["quantity"], first["unitPriceFloat"], first["extPriceFloat"]) == (2.0, 10.0, 20.0)
    assert (second["quantity"], second["extPriceFloat"]) == (1.0, 100.0)
    assert first["invoiceItem"] == {
        "id": invoice["invoiceItems"][0]["id"],
        "invoiceId": invoice["id"],
        "lineNumber": 1,
        "description": "item 1",
        "quantity": 3.0,
        "unitPriceFloat": 10.0,
        "creditedQuantity": 2.0,
    }
    assert second["invoiceItem"]["id"] == invoice["invoiceItems"][2]["id"]
    assert {item["creditMemo"]["id"] for item in found["creditMemoItems"]} == {memo["id"]}
    assert {item["creditMemoId"] for item in found["creditMemoItems"]} == {memo["id"]}
    assert (found["subtotal"], found["tax"], found["shippingCostFloat"]) == (120.0, 1.5, 4.0)
    assert found["totalDue"] == 120.0 + 1.5 + 4.0 - 20.0


def test_prices_are_exact_to_the_cent(kojo: KojoClient) -> None:
    invoice = kojo.seed_invoice((3, 0.1), (1.5, 19.99))
    memo = kojo.seed_memo(invoice, (0, 3), (1, 1.5))
    found = kojo.data(MEMO_WITH_EVERYTHING, {"id": memo["id"]})["creditMemo"]
    assert [item["extPriceFloat"] for item in found["creditMemoItems"]] == [0.3, 29.99]
    assert found["subtotal"] == 30.29


def test_an_invoice_lists_its_items_and_memos(kojo: KojoClient) -> None:
    invoice = kojo.seed_invoice((4, 25.0), (1, 10.0), tax=2)
    first, second = kojo.seed_memo(invoice, (0, 1)), kojo.seed_memo(invoice, (0, 2), (1, 1))
    found = kojo.data(
        "query ($id: ID!) { invoice(id: $id) { subtotal totalDue "
        "invoiceItems { lineNumber creditedQuantity extPriceFloat } creditMemos { id } } }",
        {"id": invoice["id"]},
    )["invoice"]
    assert (found["subtotal"], found["totalDue"]) == (110.0, 112.0)
    assert [i["creditedQuantity"] for i in found["invoiceItems"]] == [3.0, 1.0]
    assert [m["id"] for m in found["creditMemos"]] == [first["id"], second["id"]]


PEOPLE_AND_FLAGS = (
    "createdById approvedById paidById exceptions flaggedAt flaggedById flagMessage "
    "rejectedAt rejectedById rejectedReason salesperson"
)


def test_an_invoice_has_every_field_kojos_invoice_reference_lists(kojo: KojoClient) -> None:
    query = f"query ($id: ID!) {{ invoice(id: $id) {{ {PEOPLE_AND_FLAGS} }} }}"
    plain = kojo.data(query, {"id": kojo.seed_invoice((1, 10.0))["id"]})["invoice"]
    assert plain["createdById"] and plain["exceptions"] == []
    # every field but the two that are never null reads null on an invoice seeded without them
    never_null = ("createdById", "exceptions")
    assert [name for name, value in plain.items() if value is None] == [
        name for name in PEOPLE_AND_FLAGS.split() if name not in never_null
    ]
    flagged = kojo.seed_invoice(
        (1, 10.0),
        createdById="ckmnpybisiy5x08abky4g2d1f",
        flaggedAt="2026-03-24T17:26:46.983Z",
        flagMessage="Urgent",
        exceptions=["totalDue", "subtotal"],
        salesperson="Pat",
    )
    found = kojo.data(query, {"id": flagged["id"]})["invoice"]
    assert (found["createdById"], found["flagMessage"], found["salesperson"]) == (
        "ckmnpybisiy5x08abky4g2d1f",
        "Urgent",
        "Pat",
    )
    assert found["exceptions"] == ["totalDue", "subtotal"]
    assert found["flaggedAt"].startswith("2026-03-24T17:26:46")


def test_seeding_keeps_kojos_rules(kojo: KojoClient) -> None:
    invoice = kojo.seed_invoice((3, 10.0))
    other = kojo.seed_invoice((5, 1.0))
    foreign = {
        "invoiceId": invoice["id"],
        "items": [{"invoiceItemId": other["invoiceItems"][0]["id"], "quantity": 1}],
    }
    refused = kojo.seed("credit-memos", foreign, status=400)
    assert "is not an item of invoice" in refused["detail"]
    kojo.seed_memo(invoice, (0, 2))
    too_much = {
        "invoiceId": invoice["id"],
        "items": [{"invoiceItemId": invoice["invoiceItems"][0]["id"], "quantity": 1.5}],
    }
    refused = kojo.seed("credit-memos", too_much, status=400)
    assert refused["detail"].endswith("was invoiced 3; only 1 is left to credit")
    assert kojo.seed("credit-memos", {"invoiceId": "nope", "items": too_much["items"]}, status=400)
    assert kojo.data("{ creditMemos { id } }")["creditMemos"] != []
    assert len(kojo.data("{ creditMemos { id } }")["creditMemos"]) == 1


def test_an_unknown_id_is_null(kojo: KojoClient) -> None:
    assert kojo.data('{ creditMemo(id: "cnope") { id } invoice(id: "cnope") { id } }') == {
        "creditMemo": None,
        "invoice": None,
    }


def test_ids_are_cuids_and_times_have_milliseconds(kojo: KojoClient) -> None:
    invoice = kojo.seed_invoice((1, 1.0))
    memo = kojo.seed_memo(invoice, (0, 1))
    for value in (invoice["id"], memo["id"], memo["creditMemoItems"][0]["id"]):
        assert len(value) == 25 and value.startswith("c") and value.isalnum(), value
    assert memo["createdAt"].endswith("Z") and len(memo["createdAt"]) == len(
        "2021-03-24T17:26:46.983Z"
    )


@pytest.fixture
def memos(kojo: KojoClient) -> list[str]:
    invoice = kojo.seed_invoice((100, 1.0))
    return [kojo.seed_memo(invoice, (0, 1), creditMemoNumber=f"M-{n:03d}")["id"] for n in range(5)]


def test_paging_defaults_offset_and_the_limit_of_100(kojo: KojoClient, memos: list[str]) -> None:
    assert [m["id"] for m in kojo.data("{ creditMemos { id } }")["creditMemos"]] == memos
    page = kojo.data("{ creditMemos(limit: 2, offset: 3) { id } }")["creditMemos"]
    assert [m["id"] for m in page] == memos[3:5]
    assert kojo.data("{ creditMemos(limit: 0) { id } }")["creditMemos"] == []
    for bad in ("limit: 101", "limit: -1", "offset: -1"):
        [error] = kojo.errors(f"{{ creditMemos({bad}) {{ id }} }}")
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["requestId"].startswith("req_")


def test_order_direction_and_filters(kojo: KojoClient, memos: list[str]) -> None:
    desc = kojo.data("{ creditMemos(direction: DESC) { id } }")["creditMemos"]
    assert [m["id"] for m in desc] == list(reversed(memos))
    by_number = kojo.data(
        "{ creditMemos(orderBy: creditMemoNumber, direction: DESC, limit: 1) { creditMemoNumber } }"
    )
    assert by_number["creditMemos"] == [{"creditMemoNumber": "M-004"}]
    newest = kojo.data(f'{{ creditMemo(id: "{memos[2]}") {{ updatedAt }} }}')["creditMemo"][
        "updatedAt"
    ]
    after = kojo.data(f'{{ creditMemos(updatedAfter: "{newest}") {{ id }} }}')["creditMemos"]
    assert [m["id"] for m in after] == memos[3:]
    other = kojo.seed_invoice((1, 1.0))
    theirs = kojo.seed_memo(other, (0, 1))
    only = kojo.data(f'{{ creditMemos(invoiceId: "{other["id"]}") {{ id }} }}')["creditMemos"]
    assert only == [{"id": theirs["id"]}]


def test_explicit_nulls_take_the_defaults(kojo: KojoClient, memos: list[str]) -> None:
    found = kojo.data(
        "{ creditMemos(limit: null, offset: null, orderBy: null, direction: null) { id } }"
    )
    assert [m["id"] for m in found["creditMemos"]] == memos


def test_order_by_takes_number_and_string_fields(kojo: KojoClient) -> None:
    for price, person in ((30.0, "Bo"), (10.0, "Al"), (20.0, "Cy")):
        invoice = kojo.seed_invoice((1, price), salesperson=person)
        kojo.seed_memo(invoice, (0, 1))
    memos = kojo.data("{ creditMemos(orderBy: totalDue, direction: DESC) { totalDue } }")
    assert [m["totalDue"] for m in memos["creditMemos"]] == [30.0, 20.0, 10.0]
    invoices = kojo.data("{ invoices(orderBy: salesperson) { salesperson } }")["invoices"]
    assert [i["salesperson"] for i in invoices] == ["Al", "Bo", "Cy"]


def test_updated_after_filters_invoices_too_at_any_offset(kojo: KojoClient) -> None:
    for number in range(3):
        kojo.seed_invoice((1, 1.0), invoiceNumber=f"I-{number}")
    listed = kojo.data("{ invoices(orderBy: updatedAt) { id updatedAt } }")["invoices"]
    cut = listed[1]["updatedAt"]
    later = {row["id"] for row in listed if row["updatedAt"] > cut}
    after = kojo.data(f'{{ invoices(updatedAfter: "{cut}") {{ id }} }}')["invoices"]
    assert {row["id"] for row in after} == later
    # the same moment two hours east of UTC
    moment = dt.datetime.fromisoformat(cut.replace("Z", "+00:00"))
    east = moment.astimezone(dt.timezone(dt.timedelta(hours=2))).isoformat(timespec="milliseconds")
    after = kojo.data(f'{{ invoices(updatedAfter: "{east}") {{ id }} }}')["invoices"]
    assert {row["id"] for row in after} == later
