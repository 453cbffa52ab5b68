"""COUNT's customers and products, through signed HTTP calls."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.support.count_client import Count


def test_customer_lifecycle(client: TestClient) -> None:
    count = Count(client)
    created = count.ok(
        "POST", "/customers", 201, json={"customer": "Acme", "email": "ap@acme.example"}
    )
    assert count.ok("GET", f"/customers/{created['id']}", 200) == created
    updated = count.ok("PUT", f"/customers/{created['id']}", 200, json={"customer": "Acme Inc"})
    assert (updated["customer"], updated["email"]) == ("Acme Inc", None)
    listed = count.ok("GET", "/customers", 200)
    assert (listed["totalRecords"], [c["id"] for c in listed["customers"]]) == (1, [created["id"]])
    assert count.ok("DELETE", f"/customers/{created['id']}", 200) == {
        "id": created["id"],
        "deleted": True,
    }
    missing = count.call("GET", f"/customers/{created['id']}")
    assert (missing.status_code, missing.json()) == (
        404,
        {"message": "Customer not found", "statusCode": 404},
    )


def test_duplicate_email_in_a_workspace_is_409(client: TestClient) -> None:
    count = Count(client)
    count.ok("POST", "/customers", 201, json={"customer": "A", "email": "same@example.com"})
    duplicate = count.call(
        "POST", "/customers", json={"customer": "B", "email": "SAME@example.com"}
    )
    assert (duplicate.status_code, duplicate.json()["statusCode"]) == (409, 409)


def test_customers_list_pages_and_searches(client: TestClient) -> None:
    count = Count(client)
    for name in ("Alpha", "Beta", "Gamma"):
        count.ok("POST", "/customers", 201, json={"customer": name})
    page = count.ok("GET", "/customers", 200, params={"page": 2, "limit": 2})
    assert ([c["customer"] for c in page["customers"]], page["totalRecords"]) == (["Alpha"], 3)
    found = count.ok("GET", "/customers", 200, params={"search": "et"})
    assert [c["customer"] for c in found["customers"]] == ["Beta"]


def test_product_lifecycle_keeps_money_exact(client: TestClient) -> None:
    count = Count(client)
    product = count.ok("POST", "/products", 201, json={"name": "Hour", "unitPrice": 150.1})
    assert product["unitPrice"] == 150.1
    updated = count.ok(
        "PUT", f"/products/{product['id']}", 200, json={"name": "Hour", "unitPrice": 0.3}
    )
    assert updated["unitPrice"] == 0.3
    assert count.ok("GET", "/products", 200)["products"] == [updated]
    count.ok("DELETE", f"/products/{product['id']}", 200)
    assert count.call("GET", f"/products/{product['id']}").status_code == 404


def test_invalid_body_is_400_with_a_message(client: TestClient) -> None:
    response = Count(client).call("POST", "/customers", json={"email": 5})
    assert response.status_code == 400
    body = response.json()
    assert body["statusCode"] == 400 and "customer: Field required" in body["message"]


def test_another_workspace_cannot_see_my_records(client: TestClient) -> None:
    mine = Count(client).ok("POST", "/customers", 201, json={"customer": "Mine"})
    other = Count(client, client.post("/_sandbox/tenants").json()["credentials"]["count"])
    assert other.call("GET", f"/customers/{mine['id']}").status_code == 404
    assert other.ok("GET", "/customers", 200)["customers"] == []


def test_unknown_route_and_wrong_method_in_counts_shape(client: TestClient) -> None:
    count = Count(client)
    assert count.call("GET", "/nothing-here").json() == {
        "message": "Cannot find the requested resource",
        "statusCode": 404,
    }
    wrong = count.call("PATCH", "/customers")
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "GET, HEAD, POST")
