"""Who may call, and how every refusal reads: DayZeroClient's own error bodies, never a 500."""

from __future__ import annotations

from starlette.testclient import TestClient

from contracts.vendors.dayzero.client import DayZeroClient
from tests.support.clients import DEMO_TOKEN, dayzero_of_new_tenant

MEMOS = "/dayzero/api/v1/credit-memos"


def test_no_token_is_401(client: TestClient, dayzero: DayZeroClient) -> None:
    response = client.get(MEMOS, headers={"x-business-id": dayzero.headers["x-business-id"]})
    assert (response.status_code, response.json()) == (401, {"detail": "Not authenticated"})
    assert response.headers["www-authenticate"] == "Bearer"


def test_unknown_token_is_401(dayzero: DayZeroClient) -> None:
    response = dayzero.call("GET", "/credit-memos", headers={"Authorization": "Bearer dz_unknown"})
    assert (response.status_code, response.json()) == (401, {"detail": "Not authenticated"})


def test_a_business_that_is_not_the_tokens_own_is_403(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    other = dayzero_of_new_tenant(client, name="other")
    response = dayzero.call(
        "GET", "/credit-memos", headers={"x-business-id": other.headers["x-business-id"]}
    )
    assert (response.status_code, response.json()) == (403, {"detail": "Not enough permissions"})


def test_a_business_id_that_is_no_uuid_is_403_like_any_other_business(client: TestClient) -> None:
    """DayZero's OpenAPI slices declare ``x-business-id`` a plain string: a value that is no UUID
    is refused as any business that is not the token's, not by validation."""
    auth = {"Authorization": f"Bearer {DEMO_TOKEN}"}
    malformed = client.get(MEMOS, headers={**auth, "x-business-id": "not-a-uuid"})
    assert (malformed.status_code, malformed.json()) == (403, {"detail": "Not enough permissions"})


def test_without_a_business_id_the_call_acts_on_the_tokens_business(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    """Reading ``optional`` of ``dayzero.business-header`` (the default): DayZeroClient's OpenAPI
    slices declare the header optional."""
    memo = dayzero.memo(dayzero.customer()["id"])
    auth = {"Authorization": f"Bearer {DEMO_TOKEN}"}
    listed = client.get(MEMOS, headers=auth)
    assert listed.status_code == 200
    assert [m["id"] for m in listed.json()["items"]] == [memo["id"]]


def test_under_the_required_reading_a_missing_business_id_is_422(client: TestClient) -> None:
    required = {"readings": {"dayzero.business-header": "required"}}
    assert client.put("/_sandbox/tenants/demo/profile", json=required).status_code == 200
    missing = client.get(MEMOS, headers={"Authorization": f"Bearer {DEMO_TOKEN}"})
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["header", "x-business-id"]
    assert missing.json()["detail"][0]["type"] == "missing"


def test_another_tenants_objects_are_404_and_invisible(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    other = dayzero_of_new_tenant(client, name="other")
    customer = other.customer()
    memo = other.memo(customer["id"])
    invoice = other.open_invoice(customer["id"])
    assert dayzero.call("GET", f"/credit-memos/{memo['id']}").status_code == 404
    assert dayzero.call("GET", f"/invoices/{invoice['id']}").status_code == 404
    assert dayzero.call("GET", f"/customers/{customer['id']}").status_code == 404
    assert dayzero.memos()["items"] == []
    mine = dayzero.customer()
    my_memo = dayzero.issued_memo(mine["id"])
    refused = dayzero.apply(my_memo["id"], invoice["id"], 100)
    assert (refused.status_code, refused.json()) == (400, {"detail": "Invoice not found"})
    assert other.get_invoice(invoice["id"]) == invoice


def test_every_body_error_is_listed_fastapi_style(dayzero: DayZeroClient) -> None:
    response = dayzero.call("POST", "/credit-memos", json={"amount_cents": "ten", "reason": "whim"})
    assert response.status_code == 422
    issues = {tuple(issue["loc"]): issue for issue in response.json()["detail"]}
    assert set(issues) == {("body", "customer_id"), ("body", "amount_cents"), ("body", "reason")}
    assert issues[("body", "customer_id")]["msg"] == "Field required"
    assert issues[("body", "amount_cents")]["type"] == "int_type"
    assert issues[("body", "reason")]["type"] == "enum"


def test_body_that_is_not_utf8_is_422_not_500(dayzero: DayZeroClient) -> None:
    response = dayzero.call(
        "POST", "/customers", content=b"\xff\xfe{", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["body"], "msg": "JSON decode error", "type": "json_invalid"}]
    }


def test_malformed_json_is_422_with_the_position(dayzero: DayZeroClient) -> None:
    response = dayzero.call(
        "POST", "/customers", content=b'{"name": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    [issue] = response.json()["detail"]
    assert (issue["loc"], issue["type"]) == (["body", 9], "json_invalid")


def test_missing_body_is_422(dayzero: DayZeroClient) -> None:
    response = dayzero.call("POST", "/customers")
    assert (response.status_code, response.json()) == (
        422,
        {"detail": [{"loc": ["body"], "msg": "Field required", "type": "missing"}]},
    )


def test_wrong_content_type_is_415_in_dayzero_shape(dayzero: DayZeroClient) -> None:
    response = dayzero.call(
        "POST", "/customers", content=b"name=x", headers={"content-type": "text/plain"}
    )
    assert (response.status_code, response.json()) == (415, {"detail": "Unsupported Media Type"})


def test_unknown_route_is_404_in_dayzero_shape(dayzero: DayZeroClient) -> None:
    response = dayzero.call("GET", "/no-such-thing")
    assert (response.status_code, response.json()) == (404, {"detail": "Not Found"})


def test_wrong_method_is_405_with_the_methods_the_path_has(dayzero: DayZeroClient) -> None:
    memo_path = dayzero.call("PATCH", "/credit-memos/any-id")
    collection = dayzero.call("DELETE", "/credit-memos")
    assert (memo_path.status_code, memo_path.json()) == (405, {"detail": "Method Not Allowed"})
    assert memo_path.headers["allow"] == "DELETE, GET, HEAD, PUT"
    assert collection.headers["allow"] == "GET, HEAD, POST"
