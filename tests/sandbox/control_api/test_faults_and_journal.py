"""Faults per tenant (latency, error rate, rate limits) and the request journal.

Faults answer in each vendor's own shape, touch only the tenant that asked, never reach the
control API and never change stored data.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.testclient import TestClient

from contracts.vendors.dayzero.client import DayZeroClient
from tests.support.clients import (
    count_client,
    dayzero_client,
    dayzero_of_new_tenant,
    kojo_client,
    solvimon_client,
)

KOJO_QUERY = "{ creditMemos(limit: 1) { id } }"


def set_faults(client: TestClient, body: dict[str, Any], tenant: str = "demo") -> Any:
    response = client.put(f"/_sandbox/tenants/{tenant}/faults", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def other_tenant(client: TestClient) -> DayZeroClient:
    return dayzero_of_new_tenant(client, id="other")


def test_latency_slows_only_the_tenant_that_asked(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    other = other_tenant(client)
    set_faults(client, {"rules": [{"latency_ms": 200}]})
    started = time.perf_counter()
    dayzero.customers()
    assert time.perf_counter() - started >= 0.2
    started = time.perf_counter()
    other.customers()
    assert time.perf_counter() - started < 0.2


def test_200ms_and_half_failing_on_one_tenant_leaves_others_and_stored_data_alone(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    other = other_tenant(client)
    customer = dayzero.customer()
    faults = {"vendor": "dayzero", "latency_ms": 200, "error_rate": 0.5, "error_status": 503}
    set_faults(client, {"rules": [faults]})
    statuses = []
    for number in range(40):
        started = time.perf_counter()
        response = dayzero.call("POST", "/customers", json={"name": f"Faulted {number}"})
        assert time.perf_counter() - started >= 0.2
        statuses.append(response.status_code)
        if response.status_code == 503:
            assert response.json() == {"detail": "Service Unavailable"}
    failed, created = statuses.count(503), statuses.count(201)
    assert failed + created == 40 and 8 <= failed <= 32
    started = time.perf_counter()
    assert all(other.call("GET", "/customers").status_code == 200 for _ in range(20))
    assert time.perf_counter() - started < 2  # twenty requests, none delayed 200 ms
    client.delete("/_sandbox/tenants/demo/faults")
    stored = dayzero.customers(limit=100)["items"]
    assert len(stored) == 1 + created  # every faulted request left no trace
    assert customer["id"] in [row["id"] for row in stored]


def test_each_vendor_answers_a_fault_in_its_own_shape(client: TestClient) -> None:
    set_faults(client, {"rules": [{"error_rate": 1}]})
    count = count_client(client).call("GET", "/invoices")
    assert count.status_code == 500
    assert count.json() == {"message": "Internal Server Error", "statusCode": 500}
    solvimon = solvimon_client(client).call("GET", "/invoices")
    assert (solvimon.status_code, solvimon.json()["type"]) == (500, "API_ERROR")
    assert solvimon.headers["X-REQUEST-ID"].startswith("reqr_")
    kojo_token = client.post(
        "/kojo/oauth2/token",
        auth=("kojo_demo_client", "kojo_demo_secret_0123456789abcdef"),
        data={"grant_type": "client_credentials"},
    )
    assert kojo_token.status_code == 500 and kojo_token.json()["error"] == "server_error"
    assert client.get("/_sandbox/tenants/demo").status_code == 200  # never the control API


def test_a_rule_can_target_one_route_and_method(client: TestClient, dayzero: DayZeroClient) -> None:
    set_faults(
        client,
        {
            "rules": [
                {
                    "vendor": "dayzero",
                    "method": "POST",
                    "route": "/api/v1/customers*",
                    "error_rate": 1,
                }
            ]
        },
    )
    assert dayzero.call("POST", "/customers", json={"name": "x"}).status_code == 500
    assert dayzero.call("GET", "/customers").status_code == 200
    assert dayzero.call("GET", "/credit-memos").status_code == 200


def test_counts_documented_rate_limit_answers_429_with_retry_after(client: TestClient) -> None:
    set_faults(client, {"rate_limits": [{"vendor": "count"}]})
    count = count_client(client)
    statuses = [count.call("GET", "/customers").status_code for _ in range(101)]
    assert statuses[:100] == [200] * 100
    refused = count.call("GET", "/customers")
    assert refused.status_code == 429
    assert refused.json() == {
        "message": refused.json()["message"],
        "statusCode": 429,
        "type": "RATE_LIMITED",
        "requestId": refused.json()["requestId"],
    }
    assert isinstance(refused.json()["requestId"], str) and refused.json()["requestId"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_kojos_documented_rate_limit_is_20_a_second(client: TestClient) -> None:
    kojo = kojo_client(client)
    set_faults(client, {"rate_limits": [{"vendor": "kojo"}]})
    answers = [kojo.post(KOJO_QUERY) for _ in range(25)]
    refused = [answer for answer in answers if answer.status_code == 429]
    assert 1 <= len(refused) <= 5
    body = refused[0].json()
    assert body["code"] == "RATE_LIMIT_EXCEEDED" and body["retryAfter"] == 1
    assert set(body) == {"code", "error", "message", "retryAfter", "resetAt"}
    assert refused[0].headers["Retry-After"] == "1"


def test_kojos_documented_limits_are_two_windows_20_a_second_and_3600_an_hour(
    client: TestClient,
) -> None:
    stored = set_faults(client, {"rate_limits": [{"vendor": "kojo"}]})
    assert stored["rate_limits"] == [
        {"vendor": "kojo", "limit": 20, "window_seconds": 1.0},
        {"vendor": "kojo", "limit": 3600, "window_seconds": 3600.0},
    ]
    # the same window named twice is one window, which counts each request once
    twice = [{"vendor": "kojo"}, {"vendor": "kojo", "limit": 20, "window_seconds": 1}]
    assert set_faults(client, {"rate_limits": twice})["rate_limits"] == stored["rate_limits"]
    # one window named: what it leaves out comes from the documented window of that length
    stored = set_faults(client, {"rate_limits": [{"vendor": "kojo", "window_seconds": 3600}]})
    assert stored["rate_limits"] == [{"vendor": "kojo", "limit": 3600, "window_seconds": 3600.0}]


def test_kojos_hourly_tier_refuses_the_3601st_query_of_the_hour_in_kojos_shape(
    client: TestClient,
) -> None:
    """3,600 queries inside the hour, 20 in each second of the tenant's clock (so the per-second
    window never refuses): the next is refused for the hour, in Kojo's 429 body, until the clock
    leaves the hour."""
    kojo = kojo_client(client)
    set_faults(client, {"rate_limits": [{"vendor": "kojo"}]})
    started = time.monotonic()
    for _ in range(180):
        assert [kojo.post(KOJO_QUERY).status_code for _ in range(20)] == [200] * 20
        advance(client, seconds=1)
    refused = kojo.post(KOJO_QUERY)
    assert refused.status_code == 429
    body = refused.json()
    assert set(body) == {"code", "error", "message", "retryAfter", "resetAt"}
    assert body["code"] == "RATE_LIMIT_EXCEEDED"
    # the hour's first query was 180 s of advances and the real time the queries took ago
    ago = 180 + time.monotonic() - started
    assert 3600 - ago - 1 <= body["retryAfter"] <= 3600 - 179
    assert refused.headers["Retry-After"] == str(body["retryAfter"])
    advance(client, seconds=body["retryAfter"])
    assert kojo.post(KOJO_QUERY).status_code == 200


def test_a_tenants_own_windows_each_refuse_and_a_refused_request_uses_none_up(
    client: TestClient,
) -> None:
    kojo = kojo_client(client)
    limits = [
        {"vendor": "kojo", "limit": 3, "window_seconds": 1},
        {"vendor": "kojo", "limit": 5, "window_seconds": 3600},
    ]
    set_faults(client, {"rate_limits": limits})
    assert [kojo.post(KOJO_QUERY).status_code for _ in range(4)] == [200, 200, 200, 429]
    advance(client, seconds=1)
    statuses = [kojo.post(KOJO_QUERY).status_code for _ in range(3)]
    # the second's refused query counted in neither window: two more fit in the hour's five
    assert statuses == [200, 200, 429]
    assert kojo.post(KOJO_QUERY).json()["retryAfter"] > 3000


def advance(client: TestClient, **by: float) -> None:
    moved = client.post("/_sandbox/tenants/demo/clock/advance", json=by)
    assert moved.status_code == 200, moved.text


def test_rate_limits_need_a_limit_where_the_vendor_documents_none(client: TestClient) -> None:
    response = client.put(
        "/_sandbox/tenants/demo/faults", json={"rate_limits": [{"vendor": "dayzero"}]}
    )
    assert response.status_code == 400 and "documents no rate limit" in response.json()["detail"]
    set_faults(client, {"rate_limits": [{"vendor": "dayzero", "limit": 2, "window_seconds": 60}]})
    dayzero = dayzero_client(client)
    assert [dayzero.call("GET", "/customers").status_code for _ in range(3)] == [200, 200, 429]


def test_fault_settings_read_back_and_survive_until_cleared(client: TestClient) -> None:
    body = {"rules": [{"vendor": "count", "latency_ms": 5, "jitter_ms": 5}]}
    stored = set_faults(client, body)
    assert client.get("/_sandbox/tenants/demo/faults").json() == stored
    assert stored["rules"][0]["error_status"] == 500 and stored["rate_limits"] == []
    bad = client.put("/_sandbox/tenants/demo/faults", json={"rules": [{"vendor": "nope"}]})
    assert bad.status_code == 400
    assert client.get("/_sandbox/tenants/demo/faults").json() == stored
    cleared = client.delete("/_sandbox/tenants/demo/faults").json()
    assert cleared == {"rules": [], "rate_limits": []}


def test_the_journal_lists_a_tenants_requests_newest_first(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    other = other_tenant(client)
    dayzero.customer()
    dayzero.call("GET", "/credit-memos/nope")
    other.customers()
    count_client(client).call("GET", "/invoices")
    items = client.get("/_sandbox/tenants/demo/journal").json()["items"]
    assert [(i["vendor"], i["method"], i["status"]) for i in items] == [
        ("count", "GET", 200),
        ("dayzero", "GET", 404),
        ("dayzero", "POST", 201),
    ]
    assert items[1]["path"] == "/dayzero/api/v1/credit-memos/nope"
    assert all(item["latency_ms"] >= 0 and item["at"].endswith("Z") for item in items)
    others = client.get("/_sandbox/tenants/other/journal").json()["items"]
    assert [(i["method"], i["path"]) for i in others] == [("GET", "/dayzero/api/v1/customers")]
    assert (
        len(client.get("/_sandbox/tenants/demo/journal", params={"limit": 1}).json()["items"]) == 1
    )


def test_the_journal_is_bounded(client: TestClient, dayzero: DayZeroClient) -> None:
    for _ in range(210):
        dayzero.call("GET", "/customers")
    assert len(client.get("/_sandbox/tenants/demo/journal").json()["items"]) == 200
