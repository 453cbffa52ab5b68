"""Tenants as a demo or CI environment uses them: delete, reset one, export and restore."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.testclient import TestClient

from contracts.vendors.solvimon.client import line_credit
from tests.support.clients import (
    count_client,
    count_record,
    dayzero_as,
    kojo_client,
    solvimon_client,
)

KOJO_QUERY = """{ creditMemos { id creditMemoNumber totalDue invoice { id totalDue }
  creditMemoItems { quantity extPriceFloat invoiceItemId updatedAt } createdAt } }"""


def fill(client: TestClient, tenant: str = "demo") -> None:
    """Objects of every vendor, with balances that moved: applied, credited."""
    credentials = client.get(f"/_sandbox/tenants/{tenant}").json()["credentials"]
    dayzero = dayzero_as(client, credentials)
    customer = dayzero.customer()["id"]
    invoice = dayzero.open_invoice(customer)["id"]
    memo = dayzero.issued_memo(customer)["id"]
    dayzero.apply(memo, invoice, 2000)
    count = count_client(client, credentials["count"])
    email = f"{uuid.uuid4().hex}@acme.example"
    count_customer = count.customer("Acme", email)["id"]
    product = count.product("Hour", 50)["id"]
    body = count_record(count_customer, product, 50, quantity=2)
    count_invoice = count.expect("POST", "/invoices", 201, json={**body, "isDraft": False})["id"]
    memo_body = {**body, "invoiceType": "memo", "isDraft": False}
    count_memo = count.expect("POST", "/invoices", 201, json=memo_body)["id"]
    count.expect(
        "PATCH",
        f"/invoices/{count_invoice}/apply-multiple-credit-to-invoice",
        200,
        json={"creditMemos": [{"id": count_memo, "amount": 30}]},
    )
    solvimon = solvimon_client(client, key=credentials["solvimon"]["api_key"], tenant=tenant)
    original = solvimon.seed_invoice()
    assert solvimon.credit(original["id"], line_credit(1, 1, 1, "40.00")).status_code == 200
    kojo = kojo_client(client, credentials["kojo"], tenant=tenant)
    kojo.seed_memo(kojo.seed_invoice((10, 5.5), (1, 40)), (0, 2))


def view(client: TestClient, tenant: str) -> dict[str, Any]:
    """Everything a client of each vendor API can read of the tenant."""
    credentials = client.get(f"/_sandbox/tenants/{tenant}").json()["credentials"]
    dayzero = dayzero_as(client, credentials)
    count = count_client(client, credentials["count"])
    solvimon = solvimon_client(client, key=credentials["solvimon"]["api_key"], tenant=tenant)
    kojo = kojo_client(client, credentials["kojo"], tenant=tenant)
    return {
        "dayzero_memos": dayzero.memos(limit=100),
        "dayzero_invoices": dayzero.invoices(limit=100),
        "count": count.invoices(limit=100),
        "count_audit": [count.audit_log(row["id"]) for row in count.invoices()["invoices"]],
        "solvimon": solvimon.invoices(limit=100)["data"],
        "kojo": kojo.data(KOJO_QUERY),
    }


def test_export_then_import_into_a_fresh_tenant_reproduces_every_object(
    client: TestClient,
) -> None:
    fill(client)
    client.post("/_sandbox/tenants/demo/clock/advance", json={"days": 2})
    snapshot = client.get("/_sandbox/tenants/demo/snapshot").json()
    assert snapshot["format"] == "creditbox-tenant/1"
    assert "dz_demo" not in str(snapshot) and "slv_demo" not in str(snapshot)  # no secrets

    restored = client.put("/_sandbox/tenants/restored/snapshot", json=snapshot)
    assert restored.status_code == 201, restored.text
    tenant = restored.json()
    assert tenant["credentials"]["dayzero"]["token"] != "dz_demo_0123456789abcdef"
    assert tenant["clock"]["offset_seconds"] == 2 * 86400
    before, after = view(client, "demo"), view(client, "restored")
    assert after == before
    assert before["dayzero_memos"]["items"][0]["amount_remaining"] == 1000


def test_import_into_an_existing_tenant_replaces_its_data(client: TestClient) -> None:
    fill(client)
    snapshot = client.get("/_sandbox/tenants/demo/snapshot").json()
    client.post("/_sandbox/tenants", json={"id": "ci"})
    fill(client, "ci")
    fill(client, "ci")
    answer = client.put("/_sandbox/tenants/ci/snapshot", json=snapshot)
    assert answer.status_code == 200
    assert view(client, "ci") == view(client, "demo")


def test_a_refused_snapshot_changes_nothing(client: TestClient) -> None:
    fill(client)
    before = view(client, "demo")
    for broken in (
        {"format": "other/9", "data": {}},
        {"format": "creditbox-tenant/1", "data": {"users": {"1": {}}}},
        {"format": "creditbox-tenant/1", "data": {"dayzero_customers": {"x": {}}}},
        {"format": "creditbox-tenant/1", "data": {}, "clock_offset_seconds": -5},
        {"format": "creditbox-tenant/1", "data": {}, "faults": {"rules": [{"vendor": "x"}]}},
    ):
        answer = client.put("/_sandbox/tenants/demo/snapshot", json=broken)
        assert answer.status_code == 400 and answer.json()["detail"], broken
    assert view(client, "demo") == before
    assert client.put("/_sandbox/tenants/bad id/snapshot", json={}).status_code == 400


def test_reset_empties_only_that_tenant(client: TestClient) -> None:
    client.post("/_sandbox/tenants", json={"id": "other"})
    fill(client)
    fill(client, "other")
    kept = view(client, "other")
    client.put("/_sandbox/tenants/demo/faults", json={"rules": [{"latency_ms": 1}]})
    assert client.post("/_sandbox/tenants/demo/reset").status_code == 200
    emptied = view(client, "demo")
    assert emptied["dayzero_memos"]["items"] == [] and emptied["count"]["invoices"] == []
    assert emptied["solvimon"] == [] and emptied["kojo"]["creditMemos"] == []
    assert client.get("/_sandbox/tenants/demo/faults").json()["rules"] == []
    assert view(client, "other") == kept


def test_a_deleted_tenant_is_gone_with_its_credentials(client: TestClient) -> None:
    created = client.post("/_sandbox/tenants", json={"id": "gone"}).json()
    fill(client, "gone")
    fill(client)
    kept = view(client, "demo")
    assert client.delete("/_sandbox/tenants/gone").status_code == 204
    assert client.get("/_sandbox/tenants/gone").status_code == 404
    assert "gone" not in [t["id"] for t in client.get("/_sandbox/tenants").json()["items"]]
    refused = dayzero_as(client, created["credentials"])
    assert refused.call("GET", "/customers").status_code == 401
    assert client.delete("/_sandbox/tenants/gone").status_code == 404
    assert view(client, "demo") == kept
    again = client.post("/_sandbox/tenants", json={"id": "gone"})
    assert again.status_code == 201
    assert view(client, "gone")["dayzero_memos"]["items"] == []
