"""A legacy duplicate UUID makes every route that names it answer 409, until it is migrated."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from contracts.vendors.count.client import CountClient
from tests.support.clients import count_client, count_record


def _records(count: CountClient) -> dict[str, Any]:
    customer = count.customer("Acme", "ap@acme.example")
    product = count.product("Hour", 10)

    def make(kind: str) -> Any:
        body = count_record(customer["id"], product["id"], 100, kind, isDraft=False)
        return count.expect("POST", "/invoices", 201, json=body)

    return {"invoice": make("invoice"), "memo": make("memo")}


def test_a_planted_duplicate_is_409_everywhere_until_migrated(client: TestClient) -> None:
    count = count_client(client)
    records = _records(count)
    invoice, memo = records["invoice"]["id"], records["memo"]["id"]
    planted = client.post("/_sandbox/tenants/demo/count/legacy-duplicates", json={"uuid": invoice})
    assert planted.status_code == 201 and planted.json()["records"] == 2

    credit = {"creditMemos": [{"id": memo, "amount": 5}]}
    answers = [
        count.call("GET", f"/invoices/{invoice}"),
        count.call("PATCH", f"/invoices/{invoice}", json={"notes": "x"}),
        count.call("PATCH", f"/invoices/{invoice}/apply-multiple-credit-to-invoice", json=credit),
        count.call(
            "PATCH",
            f"/invoices/{memo}/apply-credit-to-multiple-invoices",
            json={"invoices": [{"id": invoice, "amount": 5}]},
        ),
    ]
    for answer in answers:
        assert answer.status_code == 409, answer.text
        assert "ambiguous" in answer.json()["message"] and answer.json()["statusCode"] == 409
    assert count.get(memo)["appliedAmount"] == 0.0
    # the demo console lists both records, and shows the log of neither (the API has none)
    overview = client.get("/_sandbox/tenants/demo/overview")
    assert overview.status_code == 200, overview.text
    assert [r["id"] for r in overview.json()["records"]].count(invoice) == 2

    migrated = client.post(f"/_sandbox/tenants/demo/count/legacy-duplicates/{invoice}/migrate")
    assert migrated.status_code == 200 and len(migrated.json()["migrated_to"]) == 1
    assert count.get(invoice)["id"] == invoice
    count.expect("PATCH", f"/invoices/{invoice}/apply-multiple-credit-to-invoice", 200, json=credit)


def test_planting_needs_an_existing_record(client: TestClient) -> None:
    response = client.post("/_sandbox/tenants/demo/count/legacy-duplicates", json={"uuid": "nope"})
    assert response.status_code == 404
    missing = client.post("/_sandbox/tenants/demo/count/legacy-duplicates/nope/migrate")
    assert missing.status_code == 404
