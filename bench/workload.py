"""The operations measured, and the data each needs, on the sandbox, on Prism and on Starlette.

On the sandbox every operation acts on real data of one tenant: a memo to read, 60 memos to
list 50 of, a customer to credit, and an issued memo and an open invoice large enough to take a
cent-sized apply on every request of the run. Prism answers from the spec's examples, so it is
sent the same requests at its own mount-less paths.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

import httpx

from bench.load import Request
from sandbox.vendors.count.signature import signed_headers

DZ = "/api/v1"
BIG = 2_000_000_000  # cents: room for a cent-sized apply on every request of a run
MEMO_BODY_CENTS = 1000
KOJO_QUERY = {"query": "{ creditMemos(limit: 10) { id creditMemoNumber totalDue } }"}
OPERATIONS = (
    "DayZero get memo",
    "DayZero list memos (limit 50)",
    "DayZero create memo",
    "DayZero apply",
    "COUNT get invoice (signed)",
    "Solvimon get invoice",
    "Kojo one query",
)
WRITES = frozenset({"DayZero create memo", "DayZero apply", "Kojo one query"})


def _ok(response: httpx.Response) -> Any:
    if response.status_code >= 300:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.text}")
    return response.json()


def dayzero_headers(credentials: Mapping[str, str]) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {credentials['token']}",
        "x-business-id": credentials["business_id"],
    }


def count_headers(credentials: Mapping[str, str], path: str) -> dict[str, str]:
    """Signed for a GET of ``path`` (under /partners); valid for COUNT's 300 s window."""
    return signed_headers(credentials, "GET", path, b"")


def new_tenant(http: httpx.Client, tenant_id: str) -> dict[str, Any]:
    credentials: dict[str, Any] = _ok(http.post("/_sandbox/tenants", json={"id": tenant_id}))[
        "credentials"
    ]
    return credentials


def dayzero_basics(http: httpx.Client, credentials: Mapping[str, str]) -> dict[str, str]:
    """A customer, an open invoice of ``BIG`` cents and an issued memo of ``BIG`` cents."""
    headers = dayzero_headers(credentials)
    customer = _ok(http.post(f"/dayzero{DZ}/customers", json={"name": "Bench"}, headers=headers))
    line = {"description": "Bench", "quantity": 1, "unit_price": BIG}
    invoice = _ok(
        http.post(
            f"/dayzero{DZ}/invoices",
            json={"customer_id": customer["id"], "line_items": [line]},
            headers=headers,
        )
    )
    _ok(http.post(f"/dayzero{DZ}/invoices/{invoice['id']}/finalize", headers=headers))
    memo = _ok(
        http.post(
            f"/dayzero{DZ}/credit-memos",
            json={"customer_id": customer["id"], "amount_cents": BIG},
            headers=headers,
        )
    )
    _ok(http.post(f"/dayzero{DZ}/credit-memos/{memo['id']}/issue", headers=headers))
    return {"customer": customer["id"], "invoice": invoice["id"], "big_memo": memo["id"]}


def dayzero_requests(
    base: str, credentials: Mapping[str, str], ids: Mapping[str, str]
) -> dict[str, Request]:
    """The four DayZero operations against ``base`` (a mount, or Prism's root)."""
    headers = dayzero_headers(credentials)
    return {
        "DayZero get memo": Request("GET", f"{base}{DZ}/credit-memos/{ids['memo']}", headers),
        "DayZero list memos (limit 50)": Request(
            "GET", f"{base}{DZ}/credit-memos?limit=50", headers
        ),
        "DayZero create memo": Request(
            "POST",
            f"{base}{DZ}/credit-memos",
            headers,
            {"customer_id": ids["customer"], "amount_cents": MEMO_BODY_CENTS},
        ),
        "DayZero apply": Request(
            "POST",
            f"{base}{DZ}/credit-memos/{ids['big_memo']}/apply",
            headers,
            {"invoice_id": ids["invoice"], "amount_cents": 1},
        ),
    }


def prepare_sandbox(base_url: str) -> dict[str, Request]:
    """Data for every operation in a new tenant of a running sandbox; the requests to send."""
    with httpx.Client(base_url=base_url, timeout=60) as http:
        credentials = new_tenant(http, "bench")
        dayzero = credentials["dayzero"]
        ids = dayzero_basics(http, dayzero)
        headers = dayzero_headers(dayzero)
        for _ in range(60):
            body = {"customer_id": ids["customer"], "amount_cents": MEMO_BODY_CENTS}
            memo = _ok(http.post(f"/dayzero{DZ}/credit-memos", json=body, headers=headers))
        ids["memo"] = memo["id"]
        requests = dayzero_requests(f"{base_url}/dayzero", dayzero, ids)

        count = credentials["count"]
        customer = _ok(
            _count(
                http,
                count,
                "POST",
                "/customers",
                {"customer": "Bench", "email": f"{uuid.uuid4().hex}@bench.example"},
            )
        )
        product = _ok(_count(http, count, "POST", "/products", {"name": "Hour", "unitPrice": 1}))
        line = {"productUuid": product["id"], "quantity": 1, "unitPrice": 100}
        body = {"customerUuid": customer["id"], "date": "2026-03-01", "products": [line]}
        invoice = _ok(_count(http, count, "POST", "/invoices", body))
        path = f"/invoices/{invoice['id']}"
        requests["COUNT get invoice (signed)"] = Request(
            "GET", f"{base_url}/count/partners{path}", count_headers(count, path)
        )

        seeded = {"periods": [{"groups": [{"lines": [{"amount": "100.00"}]}]}]}
        solvimon = _ok(http.post("/_sandbox/tenants/bench/solvimon/invoices", json=seeded))
        requests["Solvimon get invoice"] = Request(
            "GET",
            f"{base_url}/solvimon/v1/invoices/{solvimon['id']}",
            {"X-API-KEY": credentials["solvimon"]["api_key"]},
        )

        items = [{"quantity": 10, "unitPrice": 5.5}]
        kojo = _ok(http.post("/_sandbox/tenants/bench/kojo/invoices", json={"items": items}))
        memo_body = {
            "invoiceId": kojo["id"],
            "items": [{"invoiceItemId": kojo["invoiceItems"][0]["id"], "quantity": 1}],
        }
        _ok(http.post("/_sandbox/tenants/bench/kojo/credit-memos", json=memo_body))
        form = {"grant_type": "client_credentials", **credentials["kojo"]}
        token = _ok(http.post("/kojo/oauth2/token", data=form))["access_token"]
        requests["Kojo one query"] = Request(
            "POST", f"{base_url}/kojo/graphql", {"Authorization": f"Bearer {token}"}, KOJO_QUERY
        )
    return requests


def _count(
    http: httpx.Client, credentials: Mapping[str, str], method: str, path: str, body: Any
) -> httpx.Response:
    import json

    raw = json.dumps(body).encode()
    headers = {**signed_headers(credentials, method, path, raw), "Content-Type": "application/json"}
    return http.request(method, f"/count/partners{path}", content=raw, headers=headers)


def prism_requests(roots: Mapping[str, str], sandbox: Mapping[str, Request]) -> dict[str, Request]:
    """The sandbox's requests re-pointed at Prism's mocks (one per spec, served at its root)."""
    mounts = {"DayZero": "/dayzero", "COUNT": "/count", "Solvimon": "/solvimon", "Kojo": "/kojo"}
    requests = {}
    for operation, request in sandbox.items():
        vendor = operation.split()[0]
        path = request.url.split(mounts[vendor], 1)[1]
        requests[operation] = Request(
            request.method, roots[vendor] + path, request.headers, request.body
        )
    return requests


def ceiling_requests(base_url: str, sandbox: Mapping[str, Request]) -> dict[str, Request]:
    """The same methods and bodies against the fixed-memo Starlette app."""
    return {
        operation: Request(request.method, f"{base_url}/memo", {}, request.body)
        for operation, request in sandbox.items()
    }
