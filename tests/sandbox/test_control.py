"""The /_sandbox control API: health, tenants, resets."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.support.clients import (
    DEMO_BUSINESS_ID,
    DEMO_TOKEN,
    dayzero_as,
    dayzero_client,
    new_tenant,
)


def test_health_says_where_data_lives(client: TestClient) -> None:
    health = client.get("/_sandbox/health").json()
    assert health == {
        "status": "ok",
        "storage": "memory",
        "data_dir": None,
        "vendors": ["count", "dayzero", "kojo", "solvimon"],
    }


def test_demo_tenant_has_the_documented_credentials(client: TestClient) -> None:
    demo = client.get("/_sandbox/tenants/demo").json()
    assert demo["credentials"]["dayzero"] == {
        "token": DEMO_TOKEN,
        "business_id": DEMO_BUSINESS_ID,
        "base_url": "/dayzero",
    }


def test_new_tenant_gets_working_credentials_of_its_own(client: TestClient) -> None:
    response = client.post("/_sandbox/tenants", json={"name": "ci-job-1"})
    assert response.status_code == 201
    tenant = response.json()
    assert tenant["name"] == "ci-job-1" and tenant["id"].startswith("tn_")
    credentials = tenant["credentials"]["dayzero"]
    assert credentials["token"].startswith("dz_") and credentials["token"] != DEMO_TOKEN
    own = dayzero_as(client, tenant["credentials"])
    own.customer()
    assert len(own.customers()["items"]) == 1
    assert dayzero_client(client).customers()["items"] == []


def test_tenant_without_a_body_and_with_a_chosen_id(client: TestClient) -> None:
    assert client.post("/_sandbox/tenants").status_code == 201
    chosen = client.post("/_sandbox/tenants", json={"id": "job-42"})
    assert (chosen.status_code, chosen.json()["id"]) == (201, "job-42")
    again = client.post("/_sandbox/tenants", json={"id": "job-42"})
    assert (again.status_code, again.json()) == (
        409,
        {"detail": "A tenant with this id already exists"},
    )
    bad = client.post("/_sandbox/tenants", json={"id": "../etc"})
    assert bad.status_code == 400
    ids = {tenant["id"] for tenant in client.get("/_sandbox/tenants").json()["items"]}
    assert {"demo", "job-42"} <= ids


def test_reset_empties_the_tenant_and_keeps_its_credentials(client: TestClient) -> None:
    tenant = new_tenant(client, name="reset-me")
    own = dayzero_as(client, tenant["credentials"])
    demo = dayzero_client(client)
    own.memo(own.customer()["id"])
    demo.customer()

    response = client.post(f"/_sandbox/tenants/{tenant['id']}/reset")

    assert (response.status_code, response.json()["id"]) == (200, tenant["id"])
    assert own.customers()["items"] == []
    assert own.memos()["items"] == []
    assert own.memo(own.customer()["id"])["number"] == "CM-0001"
    assert len(demo.customers()["items"]) == 1


def test_unknown_tenant_is_404(client: TestClient) -> None:
    for response in (
        client.get("/_sandbox/tenants/nope"),
        client.post("/_sandbox/tenants/nope/reset"),
    ):
        assert (response.status_code, response.json()) == (404, {"detail": "Tenant not found"})


def test_the_registry_name_cannot_be_taken_as_a_tenant(client: TestClient) -> None:
    assert client.post("/_sandbox/tenants", json={"id": "_registry"}).status_code == 400
    assert client.post("/_sandbox/tenants", json={"id": "abc\n"}).status_code == 400
    assert client.get("/_sandbox/tenants/demo").status_code == 200
