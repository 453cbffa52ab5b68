"""COUNT's customers and products, through signed HTTP calls."""

from __future__ import annotations

from starlette.testclient import TestClient

from contracts.vendors.count.client import CountClient
from tests.support.clients import count_client, new_tenant

FULL = {
    "customer": "Acme",
    "email": "ap@acme.example",
    "mainPhone": "+1 555 0100",
    "website": "https://acme.example",
    "paymentTerm": "Net 30",
    "taxNumber": "US-12-3456789",
    "status": "inactive",
    "billingAddress": {
        "street": "1 Main St",
        "city": "Springfield",
        "state": "IL",
        "zipCode": "62701",
        "country": "US",
    },
    "shippingAddress": {"city": "Shelbyville"},
    "contacts": [
        {"name": "Pat", "email": "pat@acme.example", "phone": "+1 555 0101", "isPrimary": True},
        {"name": "Sam"},
    ],
}


def test_customer_lifecycle(count: CountClient) -> None:
    created = count.customer("Acme", "ap@acme.example")
    assert (created["status"], created["billingAddress"], created["contacts"]) == (
        "active",
        None,
        [],
    )
    assert count.expect("GET", f"/customers/{created['id']}", 200) == created
    renamed = {"customer": "Acme Inc", "email": "billing@acme.example"}
    updated = count.expect("PUT", f"/customers/{created['id']}", 200, json=renamed)
    assert (updated["customer"], updated["email"]) == ("Acme Inc", "billing@acme.example")
    listed = count.customers()
    assert (listed["totalRecords"], [c["id"] for c in listed["customers"]]) == (1, [created["id"]])
    assert count.expect("DELETE", f"/customers/{created['id']}", 200) == {
        "id": created["id"],
        "deleted": True,
    }
    missing = count.call("GET", f"/customers/{created['id']}")
    assert (missing.status_code, missing.json()) == (
        404,
        {"message": "Customer not found", "statusCode": 404},
    )


def test_every_documented_customer_field_is_kept_and_read_back(count: CountClient) -> None:
    created = count.expect("POST", "/customers", 201, json=FULL)
    expected_contacts = [
        FULL["contacts"][0],
        {"name": "Sam", "email": None, "phone": None, "isPrimary": False},
    ]
    shipping = {"street": None, "city": "Shelbyville", "state": None, "zipCode": None}
    assert created == {
        **FULL,
        "shippingAddress": {**shipping, "country": None},
        "contacts": expected_contacts,
        "id": created["id"],
        "createdAt": created["createdAt"],
        "updatedAt": created["updatedAt"],
    }
    assert count.expect("GET", f"/customers/{created['id']}", 200) == created


def test_email_is_required_and_valid(count: CountClient) -> None:
    for body, problem in (
        ({"customer": "Acme"}, "email: Field required"),
        ({"customer": "Acme", "email": "not-an-email"}, "email"),
    ):
        refused = count.call("POST", "/customers", json=body)
        assert refused.status_code == 400, body
        assert problem in refused.json()["message"], refused.json()


def test_only_one_contact_may_be_primary(count: CountClient) -> None:
    two = [{"name": "A", "isPrimary": True}, {"name": "B", "isPrimary": True}]
    body = {"customer": "Acme", "email": "ap@acme.example", "contacts": two}
    refused = count.call("POST", "/customers", json=body)
    assert (refused.status_code, refused.json()["message"]) == (
        400,
        "Only one contact can be the primary contact (isPrimary: true)",
    )
    assert count.customers()["totalRecords"] == 0


def test_duplicate_email_in_a_workspace_is_409(count: CountClient) -> None:
    count.customer("A", "same@example.com")
    duplicate = count.call(
        "POST", "/customers", json={"customer": "B", "email": "SAME@example.com"}
    )
    assert (duplicate.status_code, duplicate.json()["statusCode"]) == (409, 409)


def test_customers_list_by_name_ascending_pages_and_searches(count: CountClient) -> None:
    for name, phone in (("gamma", "+44 20"), ("Alpha", None), ("Beta", "+1 555")):
        body = {"customer": name, "email": f"{name.lower()}@example.com", "mainPhone": phone}
        count.expect("POST", "/customers", 201, json=body)
    first = count.customers(limit=2)
    assert [c["customer"] for c in first["customers"]] == ["Alpha", "Beta"]
    page = count.customers(page=2, limit=2)
    assert ([c["customer"] for c in page["customers"]], page["totalRecords"]) == (["gamma"], 3)
    found = count.customers(search="et")
    assert [c["customer"] for c in found["customers"]] == ["Beta"]
    by_phone = count.customers(search="+44")
    assert [c["customer"] for c in by_phone["customers"]] == ["gamma"]


def test_customers_list_sorts_by_the_field_and_direction_asked(count: CountClient) -> None:
    for name, email in (("A", "z@example.com"), ("B", "y@example.com"), ("C", "x@example.com")):
        count.expect("POST", "/customers", 201, json={"customer": name, "email": email})
    for params, names in (
        ({"orderBy": "email"}, ["C", "B", "A"]),
        ({"orderBy": "email", "orderDirection": "DESC"}, ["A", "B", "C"]),
        ({"orderBy": "createdAt", "orderDirection": "DESC"}, ["C", "B", "A"]),
        ({"orderDirection": "DESC"}, ["C", "B", "A"]),
    ):
        listed = count.customers(**params)
        assert [c["customer"] for c in listed["customers"]] == names, params
    refused = count.call("GET", "/customers", params={"orderBy": "website"})
    assert refused.status_code == 400


def test_product_lifecycle_keeps_money_exact(count: CountClient) -> None:
    product = count.product("Hour", 150.1)
    assert product["unitPrice"] == 150.1
    updated = count.expect(
        "PUT", f"/products/{product['id']}", 200, json={"name": "Hour", "unitPrice": 0.3}
    )
    assert updated["unitPrice"] == 0.3
    assert count.expect("GET", "/products", 200)["products"] == [updated]
    count.expect("DELETE", f"/products/{product['id']}", 200)
    assert count.call("GET", f"/products/{product['id']}").status_code == 404


def test_invalid_body_is_400_with_a_message(count: CountClient) -> None:
    response = count.call("POST", "/customers", json={"email": 5})
    assert response.status_code == 400
    body = response.json()
    assert body["statusCode"] == 400 and "customer: Field required" in body["message"]


def test_another_workspace_cannot_see_my_records(client: TestClient, count: CountClient) -> None:
    body = {"customer": "Mine", "email": "ap@mine.example"}
    mine = count.expect("POST", "/customers", 201, json=body)
    other = count_client(client, new_tenant(client)["credentials"]["count"])
    assert other.call("GET", f"/customers/{mine['id']}").status_code == 404
    assert other.customers()["customers"] == []


def test_unknown_route_and_wrong_method_in_counts_shape(count: CountClient) -> None:
    assert count.call("GET", "/nothing-here").json() == {
        "message": "Cannot find the requested resource",
        "statusCode": 404,
    }
    wrong = count.call("PATCH", "/customers")
    assert (wrong.status_code, wrong.headers["allow"]) == (405, "GET, HEAD, POST")
    # a path of its own names its methods, not those of /customers/{uuid} that also matches it
    bulk = count.call("OPTIONS", "/customers/bulk")
    assert (bulk.status_code, bulk.headers["allow"]) == (405, "POST")


def test_bulk_create_makes_each_row_on_its_own_and_reports_every_row(count: CountClient) -> None:
    taken = count.customer(email="taken@bulk.example")
    rows = [
        {"customer": "First", "email": "first@bulk.example"},
        {"customer": "Clash", "email": "TAKEN@bulk.example"},
        {"customer": "Second", "email": "second@bulk.example"},
        {"customer": "Twin", "email": "second@bulk.example"},
    ]
    answer = count.call("POST", "/customers/bulk", json={"customers": rows})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["successCount"], body["errorCount"]) == (2, 2)
    assert [(r["index"], r["success"]) for r in body["results"]] == [
        (0, True),
        (1, False),
        (2, True),
        (3, False),
    ]
    assert (
        body["results"][1]["error"] == "A customer with this email already exists in the workspace"
    )
    made = [body["results"][i]["customer"] for i in (0, 2)]
    for customer in made:
        assert (
            count.expect("GET", f"/customers/{customer['id']}", 200)["email"] == customer["email"]
        )
    assert taken["id"] not in {customer["id"] for customer in made}


def test_bulk_create_takes_1_to_100_rows_each_a_valid_customer(count: CountClient) -> None:
    row = {"customer": "Row", "email": "row@bulk.example"}
    assert count.call("POST", "/customers/bulk", json={"customers": []}).status_code == 400
    too_many = [{"customer": f"R{n}", "email": f"r{n}@bulk.example"} for n in range(101)]
    assert count.call("POST", "/customers/bulk", json={"customers": too_many}).status_code == 400
    nameless = count.call("POST", "/customers/bulk", json={"customers": [row, {"email": "x@y.z"}]})
    assert nameless.status_code == 400
    # the refused batch made nothing
    listed = count.expect("GET", "/customers", 200, params={"search": "row@bulk.example"})
    assert listed["customers"] == []
    every = [{"customer": f"C{n}", "email": f"c{n}@bulk.example"} for n in range(100)]
    full = count.call("POST", "/customers/bulk", json={"customers": every})
    assert full.status_code == 201 and full.json()["successCount"] == 100
