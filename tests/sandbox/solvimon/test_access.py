"""Solvimon access: API keys and Bearer tokens, permissions per key, platforms per key, the one
API version, and X-REQUEST-ID on every response."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from contracts.vendors.solvimon.client import SolvimonClient, line_credit
from tests.support.clients import MAIN, SECOND, SOLVIMON_KEY, new_tenant, solvimon_client


def test_no_key_and_a_wrong_key_are_401(client: TestClient) -> None:
    missing = client.get("/solvimon/v1/invoices")
    wrong = client.get("/solvimon/v1/invoices", headers={"X-API-KEY": "slv_wrong"})
    assert (missing.status_code, missing.json()["code"]) == (401, "UNAUTHORISED")
    assert (wrong.status_code, wrong.json()["message"]) == (
        401,
        "The API key or token is not valid",
    )


def test_the_key_works_as_a_bearer_token(client: TestClient) -> None:
    response = client.get(
        "/solvimon/v1/invoices", headers={"Authorization": f"Bearer {SOLVIMON_KEY}"}
    )
    assert response.status_code == 200


def test_a_key_without_the_credit_permission_gets_403_and_nothing_is_created(
    client: TestClient, solvimon: SolvimonClient
) -> None:
    invoice = solvimon.seed_invoice()
    reader = solvimon_client(client, solvimon.create_key(["INVOICE.VIEW"]))
    refused = reader.credit(invoice["id"], line_credit(1, 1, 1, "1.00"))
    assert refused.status_code == 403
    assert refused.json() == {
        "type": "INVALID_REQUEST",
        "code": "USER_NOT_ALLOWED",
        "message": "This API key lacks the INVOICE.CREDIT.CREATE permission",
    }
    assert reader.invoice(invoice["id"])["linked_invoices"] == []


def test_reading_needs_the_view_permission(client: TestClient, solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice()
    creditor = solvimon_client(client, solvimon.create_key(["INVOICE.CREDIT.CREATE"]))
    assert creditor.call("GET", f"/invoices/{invoice['id']}").status_code == 403
    assert creditor.call("GET", "/invoices").status_code == 403
    assert creditor.credit(invoice["id"], line_credit(1, 1, 1, "1.00")).status_code == 200


def test_credit_and_copy_takes_either_creation_permission(
    client: TestClient, solvimon: SolvimonClient
) -> None:
    one_off = solvimon_client(client, solvimon.create_key(["INVOICE.ONE_OFF.CREATE"]))
    reader = solvimon_client(client, solvimon.create_key(["INVOICE.VIEW"]))
    invoice = solvimon.seed_invoice()
    refused = reader.call("POST", f"/invoices/{invoice['id']}/credit_and_copy", json={})
    assert refused.status_code == 403
    assert "INVOICE.CREDIT.CREATE or INVOICE.ONE_OFF.CREATE" in refused.json()["message"]
    assert one_off.call("POST", f"/invoices/{invoice['id']}/credit_and_copy").status_code == 200


def test_x_platform_id_picks_the_platform_and_hides_the_others(
    client: TestClient, solvimon: SolvimonClient
) -> None:
    main = solvimon.seed_invoice()
    second = solvimon.seed_invoice(platform_id=SECOND)
    on_second = solvimon_client(client, platform=SECOND)
    assert [i["id"] for i in on_second.invoices()["data"]] == [second["id"]]
    assert [i["id"] for i in solvimon.invoices()["data"]] == [main["id"]]
    hidden = on_second.credit(main["id"])
    assert (hidden.status_code, hidden.json()["code"]) == (404, "RESOURCE_NOT_FOUND")
    assert on_second.call("GET", f"/invoices/{main['id']}").status_code == 404


def test_a_platform_the_key_cannot_reach_is_403(
    client: TestClient, solvimon: SolvimonClient
) -> None:
    main_only = solvimon.create_key(["INVOICE.VIEW"], platform_ids=[MAIN])
    refused = solvimon_client(client, main_only, platform=SECOND).call("GET", "/invoices")
    assert refused.status_code == 403
    assert refused.json()["resource_type"] == "PLATFORM"
    assert solvimon_client(client, main_only).call("GET", "/invoices").status_code == 200


def test_another_tenants_key_sees_nothing_of_ours(
    client: TestClient, solvimon: SolvimonClient
) -> None:
    invoice = solvimon.seed_invoice()
    other = new_tenant(client, name="other")
    theirs = other["credentials"]["solvimon"]
    stranger = solvimon_client(client, theirs["api_key"])
    assert stranger.call("GET", f"/invoices/{invoice['id']}").status_code == 404
    assert stranger.credit(invoice["id"]).status_code == 404
    assert stranger.invoices()["data"] == []
    assert (
        solvimon_client(client, theirs["api_key"], platform=MAIN)
        .call("GET", "/invoices")
        .status_code
        == 403
    )


def test_a_restricted_key_is_refused_a_foreign_platform_or_permission(client: TestClient) -> None:
    foreign = client.post(
        "/_sandbox/tenants/demo/solvimon/api-keys",
        json={"permissions": ["INVOICE.VIEW"], "platform_ids": ["plat_someone_else"]},
    )
    assert foreign.status_code == 400
    unknown = client.post("/_sandbox/tenants/demo/solvimon/api-keys", json={"permissions": ["ALL"]})
    assert unknown.status_code == 400


def test_only_version_1_exists(solvimon: SolvimonClient, client: TestClient) -> None:
    response = client.get("/solvimon/v2/invoices", headers=solvimon.headers)
    assert response.status_code == 404
    assert response.json() == {
        "type": "INVALID_REQUEST",
        "code": "UNSUPPORTED_VERSION",
        "message": "API version 2 does not exist; use version 1",
    }


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "/solvimon/v1/invoices", {"X-API-KEY": SOLVIMON_KEY}),
        ("GET", "/solvimon/v1/invoices", {}),
        ("GET", "/solvimon/v1/invoices/nope", {"X-API-KEY": SOLVIMON_KEY}),
        ("GET", "/solvimon/v9/invoices", {"X-API-KEY": SOLVIMON_KEY}),
        ("DELETE", "/solvimon/v1/invoices", {"X-API-KEY": SOLVIMON_KEY}),
        ("GET", "/solvimon/nowhere", {}),
    ],
)
def test_every_response_carries_a_request_id(
    client: TestClient, method: str, path: str, headers: dict[str, str]
) -> None:
    response = client.request(method, path, headers=headers)
    assert re.fullmatch(r"reqr_[A-Za-z0-9]{20}", response.headers["X-REQUEST-ID"])
    again = client.request(method, path, headers=headers)
    assert again.headers["X-REQUEST-ID"] != response.headers["X-REQUEST-ID"]


def test_creating_a_one_off_needs_its_permission(
    client: TestClient, solvimon: SolvimonClient
) -> None:
    original = solvimon.seed_invoice()
    creditor = solvimon_client(
        client, solvimon.create_key(["INVOICE.VIEW", "INVOICE.CREDIT.CREATE"])
    )
    refused = creditor.one_off_credit(original)
    assert refused.status_code == 403
    assert refused.json()["message"] == "This API key lacks the INVOICE.ONE_OFF.CREATE permission"
    assert creditor.invoice(original["id"])["linked_invoices"] == []
    one_off = solvimon_client(client, solvimon.create_key(["INVOICE.ONE_OFF.CREATE"]))
    assert one_off.one_off_credit(original).status_code == 200


def test_refunding_needs_its_permission(client: TestClient, solvimon: SolvimonClient) -> None:
    credit = solvimon.credit(solvimon.seed_invoice()["id"]).json()
    creditor = solvimon_client(
        client, solvimon.create_key(["INVOICE.VIEW", "INVOICE.CREDIT.CREATE"])
    )
    refused = creditor.refund(credit["id"])
    assert refused.status_code == 403
    assert refused.json()["message"] == "This API key lacks the INVOICE.REFUND permission"
    assert creditor.invoice(credit["id"])["refunded_at"] is None
    refunder = solvimon_client(client, solvimon.create_key(["INVOICE.REFUND"]))
    assert refunder.refund(credit["id"]).status_code == 200
