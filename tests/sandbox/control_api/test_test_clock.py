"""Each tenant's test clock: advancing it drives every time-driven behaviour of that tenant only."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from starlette.testclient import TestClient

from contracts.vendors.solvimon.client import line_credit
from tests.support.clients import (
    count_client,
    count_record,
    kojo_token,
    new_tenant,
    solvimon_client,
)

KOJO_QUERY = {"query": "{ creditMemos(limit: 1) { id } }"}


def advance(client: TestClient, tenant: str = "demo", **by: float) -> Any:
    response = client.post(f"/_sandbox/tenants/{tenant}/clock/advance", json=by)
    assert response.status_code == 200, response.text
    return response.json()


def parse(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def test_a_new_tenant_clock_shows_real_time(client: TestClient) -> None:
    clock = client.get("/_sandbox/tenants/demo/clock").json()
    assert clock["offset_seconds"] == 0
    assert abs(parse(clock["now"]) - datetime.now(UTC)) < timedelta(seconds=5)


def test_advancing_moves_only_that_tenants_clock(client: TestClient) -> None:
    other = new_tenant(client, id="other")
    moved = advance(client, days=30, hours=1)
    assert moved["offset_seconds"] == 30 * 86400 + 3600
    assert parse(moved["now"]) - datetime.now(UTC) > timedelta(days=30)
    assert client.get(f"/_sandbox/tenants/{other['id']}/clock").json()["offset_seconds"] == 0
    assert (
        client.get("/_sandbox/tenants/demo").json()["clock"]["offset_seconds"]
        == moved["offset_seconds"]
    )


def test_the_clock_never_goes_back_and_refuses_nonsense(client: TestClient) -> None:
    backwards = client.post("/_sandbox/tenants/demo/clock/advance", json={"days": -1})
    assert backwards.status_code == 400 and "detail" in backwards.json()
    too_far = client.post("/_sandbox/tenants/demo/clock/advance", json={"days": 36500})
    assert too_far.status_code == 200
    for _ in range(10):  # a clock pushed towards datetime's limit is refused, not a 500 later
        pushed = client.post("/_sandbox/tenants/demo/clock/advance", json={"days": 36500})
        assert pushed.status_code in (200, 400)
    assert client.post("/_sandbox/tenants/nope/clock/advance", json={"days": 1}).status_code == 404


def test_a_reset_sets_the_clock_back_to_real_time(client: TestClient) -> None:
    advance(client, days=3)
    client.post("/_sandbox/tenants/demo/reset")
    assert client.get("/_sandbox/tenants/demo/clock").json()["offset_seconds"] == 0


def test_a_count_invoice_turns_overdue_when_the_clock_passes_its_due_date(
    client: TestClient,
) -> None:
    count = count_client(client)
    customer = count.customer("Acme", "ap@acme.example")["id"]
    product = count.product("Hour", 50)["id"]
    due = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()
    today = datetime.now(UTC).date().isoformat()
    body = count_record(customer, product, 50, date=today, dueDate=due, isDraft=False)
    invoice = count.expect("POST", "/invoices", 201, json=body)
    assert invoice["status"] == "approved"
    advance(client, days=15)
    late = count.get(invoice["id"])
    assert late["status"] == "overdue"
    listed = count.invoices(status="overdue")
    assert [row["id"] for row in listed["invoices"]] == [invoice["id"]]


def test_a_solvimon_draft_turns_final_after_its_grace_period_unless_on_hold(
    client: TestClient,
) -> None:
    solvimon = solvimon_client(client)
    draft = solvimon.seed_invoice(status="DRAFT", grace_period_hours=48)
    held = solvimon.seed_invoice(status="DRAFT", on_hold=True, grace_period_hours=48)
    assert (draft["status"], draft["updated_to_final_at"]) == ("DRAFT", None)
    refused = solvimon.credit(draft["id"], line_credit(1, 1, 1, "1.00"))
    assert refused.status_code == 400 and refused.json()["code"] == "INVALID_OPERATION"

    advance(client, hours=47)
    assert solvimon.invoice(draft["id"])["status"] == "DRAFT"
    advance(client, hours=2)
    final = solvimon.invoice(draft["id"])
    assert final["status"] == "FINAL"
    assert parse(final["updated_to_final_at"]) - parse(draft["created_at"]) == timedelta(hours=48)
    assert solvimon.invoice(held["id"])["status"] == "DRAFT"
    assert solvimon.credit(draft["id"], line_credit(1, 1, 1, "1.00")).status_code == 200
    finals = solvimon.invoices(statuses="FINAL")["data"]
    assert draft["id"] in [row["id"] for row in finals]


def test_a_solvimon_draft_and_a_credit_invoice_turn_final_after_8_hours(
    client: TestClient,
) -> None:
    solvimon = solvimon_client(client)
    draft = solvimon.seed_invoice(status="DRAFT")
    original = solvimon.seed_invoice()
    credit = solvimon.credit(original["id"], line_credit(1, 1, 1, "1.00")).json()
    held = solvimon.credit(
        original["id"], {**line_credit(1, 1, 2, "1.00"), "force_init_on_hold": True}
    )
    assert credit["status"] == "DRAFT" and held.json()["on_hold"] is True
    advance(client, hours=7, minutes=59)
    assert solvimon.invoice(draft["id"])["status"] == "DRAFT"
    advance(client, minutes=1)
    assert solvimon.invoice(draft["id"])["status"] == "FINAL"
    assert solvimon.invoice(credit["id"])["status"] == "FINAL"
    assert solvimon.invoice(held.json()["id"])["status"] == "DRAFT"


def test_solvimon_idempotency_keys_expire_after_48_hours_of_tenant_time(
    client: TestClient,
) -> None:
    solvimon = solvimon_client(client)
    invoice = solvimon.seed_invoice()
    key = {"headers": {"Idempotency-Key": str(uuid.uuid4())}}
    body = line_credit(1, 1, 1, "1.00")
    first = solvimon.credit(invoice["id"], body, **key).json()
    advance(client, hours=47)
    assert solvimon.credit(invoice["id"], body, **key).json()["id"] == first["id"]
    advance(client, hours=1, seconds=1)
    later = solvimon.credit(invoice["id"], body, **key)
    assert later.status_code == 200 and later.json()["id"] != first["id"]


def test_a_kojo_token_expires_after_an_hour_of_tenant_time(client: TestClient) -> None:
    headers = {"Authorization": f"Bearer {kojo_token(client)}"}
    advance(client, seconds=3590)
    assert client.post("/kojo/graphql", json=KOJO_QUERY, headers=headers).status_code == 200
    advance(client, seconds=20)
    expired = client.post("/kojo/graphql", json=KOJO_QUERY, headers=headers)
    # Kojo answers a refused token as any GraphQL result: HTTP 200 with errors
    assert expired.status_code == 200 and "expired" in expired.json()["errors"][0]["message"]
    fresh = {"Authorization": f"Bearer {kojo_token(client)}"}  # issued on the tenant's clock too
    assert client.post("/kojo/graphql", json=KOJO_QUERY, headers=fresh).status_code == 200


def test_stamped_dates_follow_the_tenants_clock(client: TestClient) -> None:
    advance(client, days=10)
    headers = {
        "Authorization": "Bearer dz_demo_0123456789abcdef",
        "x-business-id": "8f2b6d1e-3c4a-4e5f-9a7b-0c1d2e3f4a5b",
    }
    customer = client.post("/dayzero/api/v1/customers", json={"name": "Acme"}, headers=headers)
    memo = client.post(
        "/dayzero/api/v1/credit-memos",
        json={"customer_id": customer.json()["id"], "amount_cents": 100},
        headers=headers,
    ).json()
    ahead = parse(memo["created_at"]) - datetime.now(UTC)
    assert timedelta(days=9, hours=23) < ahead < timedelta(days=10, hours=1)
    assert memo["issue_date"] == (datetime.now(UTC) + timedelta(days=10)).date().isoformat()
