"""Tenant isolation on every route: tenant B's credentials with tenant A's ids, in paths and in
bodies, never get a 2xx and never see an id of A's they did not send; B's lists hold none of A's.

Tenant A is the demo tenant with ``fixtures/demo.yaml`` loaded (every vendor, every state).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from contracts.vendors.solvimon.client import line_credit
from sandbox.app import _parsed_spec, create_app
from tests.sandbox.control_api.test_fixtures import SAMPLE
from tests.support.clients import (
    count_client,
    dayzero_as,
    dayzero_client,
    kojo_client,
    solvimon_client,
)
from tests.support.figures import record

METHODS = ("get", "post", "put", "patch", "delete")
PUBLIC = ("/public/",)  # COUNT's public links answer anyone who holds the link's token


def routes(spec: str) -> Iterator[tuple[str, str]]:
    for path, item in _parsed_spec(spec)["paths"].items():
        named = set(re.findall(r"\{(\w+)\}", path)) - {"version"}  # Solvimon's API version
        if named and not path.startswith(PUBLIC):
            yield from ((method.upper(), path) for method in METHODS if method in item)


@pytest.fixture(scope="module")
def world() -> Iterator[dict[str, Any]]:
    """A's ids per kind, and clients of each vendor acting as A and as B."""
    with TestClient(create_app(None)) as client:
        fixture = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
        assert client.post("/_sandbox/tenants/demo/fixtures", json=fixture).status_code == 201
        b = client.post("/_sandbox/tenants", json={"id": "tenant-b"}).json()["credentials"]
        kojo_b = {k: v for k, v in b["kojo"].items() if k != "base_url"}
        as_b = {
            "dayzero": dayzero_as(client, b),
            "count": count_client(client, b["count"]),
            "solvimon": solvimon_client(client, b["solvimon"]["api_key"], tenant="tenant-b"),
            "kojo": kojo_client(client, kojo_b),
        }
        dayzero, count, solvimon = (
            dayzero_client(client),
            count_client(client),
            solvimon_client(client),
        )
        ids = {
            "credit_memo_id": [m["id"] for m in dayzero.memos()["items"]],
            "invoice_id": [i["id"] for i in dayzero.invoices()["items"]],
            "customer_id": [c["id"] for c in dayzero.customers()["items"]],
            "count_record": [r["id"] for r in count.invoices()["invoices"]],
            "count_transaction": [
                payment["transactionId"]
                for r in count.invoices()["invoices"]
                for payment in r.get("payments") or []
            ],
            "count_customer": [c["id"] for c in count.customers()["customers"]],
            "count_product": [p["id"] for p in count.expect("GET", "/products", 200)["products"]],
            "resourceId": [i["id"] for i in solvimon.invoices()["data"]],
        }
        kojo_a = kojo_client(client).data("{ creditMemos { id } invoices { id } }")
        ids["kojo"] = [x["id"] for kind in kojo_a.values() for x in kind]
        assert all(ids.values()), ids
        yield {"client": client, "ids": ids, "b": as_b}


def every_id_of_a(world: dict[str, Any]) -> set[str]:
    return {value for values in world["ids"].values() for value in values}


def assert_refused_without_leaking(response: Any, sent: set[str], world: dict[str, Any]) -> None:
    record("tenant_isolation", cross_tenant_attempts=1)
    assert not 200 <= response.status_code < 300, (response.status_code, response.text[:300])
    assert response.status_code < 500, response.text[:300]
    leaked = {found for found in every_id_of_a(world) - sent if found in response.text}
    assert not leaked, f"B saw A's ids {leaked} in {response.text[:300]}"


def dayzero_body(path: str, ids: dict[str, list[str]]) -> dict[str, Any]:
    invoice, customer = ids["invoice_id"][0], ids["customer_id"][0]
    if path.endswith(("/apply", "/unapply")):
        return {"invoice_id": invoice, "amount_cents": 1}
    if path.endswith("/void"):
        return {"reason": "isolation"}
    return {"customer_id": customer, "invoice_id": invoice, "amount_cents": 100}


@pytest.mark.parametrize(("method", "path"), list(routes("dayzero.yaml")))
def test_dayzero_routes_refuse_another_tenants_ids(
    world: dict[str, Any], method: str, path: str
) -> None:
    ids, dayzero = world["ids"], world["b"]["dayzero"]
    name = re.search(r"\{(\w+)\}", path)
    assert name is not None
    for target in ids[name.group(1)]:
        body = None if method in ("GET", "DELETE") else dayzero_body(path, ids)
        url = path.replace("/api/v1", "").replace(f"{{{name.group(1)}}}", target)
        sent = {target, *(body or {}).values()}
        assert_refused_without_leaking(dayzero.call(method, url, json=body), sent, world)


def count_body(path: str, ids: dict[str, list[str]]) -> dict[str, Any] | None:
    record = ids["count_record"][0]
    if path.endswith("apply-multiple-credit-to-invoice"):
        return {"creditMemos": [{"id": record, "amount": 1}]}
    if path.endswith("apply-credit-to-multiple-invoices"):
        return {"invoices": [{"id": record, "amount": 1}]}
    if path.endswith("remove-credit"):
        return {"memoId": record}
    if path.endswith("assign-to-bills-invoices"):
        return {"matchingType": "invoice", "records": [{"id": record, "paymentAmount": 1}]}
    if path.endswith("remove-transaction"):
        return {"transactionId": ids["count_transaction"][0]}
    if path.endswith("/send"):
        return {"recipients": ["b@example.com"]}
    return {"customer": "B", "name": "B"}


@pytest.mark.parametrize(("method", "path"), list(routes("count.yaml")))
def test_count_routes_refuse_another_tenants_ids(
    world: dict[str, Any], method: str, path: str
) -> None:
    ids, count = world["ids"], world["b"]["count"]
    kind = {
        "customers": "count_customer",
        "products": "count_product",
        "transactions": "count_transaction",
    }.get(path.split("/")[2], "count_record")
    for target in ids[kind]:
        body = None if method in ("GET", "DELETE") else count_body(path, ids)
        url = path.removeprefix("/partners").replace("{uuid}", target)
        sent = {target, ids["count_record"][0], ids["count_transaction"][0]}
        if path.endswith("/attachments/upload"):
            response = count.call(method, url, files={"file": ("a.txt", b"x", "text/plain")})
        else:
            response = count.call(method, url, json=body)
        assert_refused_without_leaking(response, sent, world)


@pytest.mark.parametrize(("method", "path"), list(routes("solvimon.yaml")))
def test_solvimon_routes_refuse_another_tenants_ids(
    world: dict[str, Any], method: str, path: str
) -> None:
    ids, solvimon = world["ids"], world["b"]["solvimon"]
    for target in ids["resourceId"]:
        url = path.removeprefix("/v{version}").replace("{resourceId}", target)
        body = None if method == "GET" else line_credit(1, 1, 1, "1.00")
        assert_refused_without_leaking(solvimon.call(method, url, json=body), {target}, world)


def test_kojo_queries_by_id_see_nothing_of_another_tenant(world: dict[str, Any]) -> None:
    kojo = world["b"]["kojo"]
    for target in world["ids"]["kojo"]:
        for field in ("creditMemo", "invoice"):
            response = kojo.post(f'{{ {field}(id: "{target}") {{ id }} }}')
            record("tenant_isolation", cross_tenant_attempts=1)
            assert response.json().get("data", {}).get(field) is None, response.text
            leaked = every_id_of_a(world) - {target}
            assert not {found for found in leaked if found in response.text}


def test_lists_as_b_hold_nothing_of_a(world: dict[str, Any]) -> None:
    b = world["b"]
    answers = [
        b["dayzero"].call("GET", path) for path in ("/credit-memos", "/invoices", "/customers")
    ]
    answers += [b["count"].call("GET", p) for p in ("/invoices", "/customers", "/products")]
    answers += [b["solvimon"].call("GET", "/invoices")]
    answers += [b["kojo"].post("{ creditMemos { id } invoices { id } }")]
    for response in answers:
        assert response.status_code == 200, response.text
        assert not {found for found in every_id_of_a(world) if found in response.text}
