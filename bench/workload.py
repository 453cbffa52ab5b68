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
from contracts.vendors.count.client import CountClient, CountCredentials
from contracts.vendors.dayzero.client import DayZeroClient, DayZeroCredentials
from contracts.vendors.kojo.client import KojoClient, KojoCredentials
from contracts.vendors.solvimon.client import SolvimonClient, SolvimonCredentials

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
    return DayZeroCredentials.of(credentials).headers()


def count_headers(credentials: Mapping[str, str], path: str) -> dict[str, str]:
    """Signed for a GET of ``path`` (under /partners); valid for COUNT's 300 s window."""
    return CountCredentials.of(credentials).signer().headers("GET", path, b"")


def new_tenant(http: httpx.Client, tenant_id: str) -> dict[str, Any]:
    credentials: dict[str, Any] = _ok(http.post("/_sandbox/tenants", json={"id": tenant_id}))[
        "credentials"
    ]
    return credentials


def dayzero_client(http: httpx.Client, credentials: Mapping[str, str]) -> DayZeroClient:
    return DayZeroClient(http, DayZeroCredentials.of(credentials), prefix="/dayzero", tag="Bench")


def dayzero_basics(http: httpx.Client, credentials: Mapping[str, str]) -> dict[str, str]:
    """A customer, an open invoice of ``BIG`` cents and an issued memo of ``BIG`` cents."""
    dayzero = dayzero_client(http, credentials)
    customer = dayzero.customer()["id"]
    invoice = dayzero.open_invoice(customer, BIG)["id"]
    memo = dayzero.issued_memo(customer, BIG)["id"]
    return {"customer": customer, "invoice": invoice, "big_memo": memo}


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
        ids = dayzero_basics(http, credentials["dayzero"])
        dayzero = dayzero_client(http, credentials["dayzero"])
        for _ in range(60):
            memo = dayzero.memo(ids["customer"], MEMO_BODY_CENTS)
        ids["memo"] = memo["id"]
        requests = dayzero_requests(f"{base_url}/dayzero", credentials["dayzero"], ids)

        count = CountClient(http, CountCredentials.of(credentials["count"]), prefix="/count")
        customer = count.customer("Bench", f"{uuid.uuid4().hex}@bench.example")
        line = {"productUuid": count.product("Hour", 1)["id"], "quantity": 1, "unitPrice": 100}
        body = {"customerUuid": customer["id"], "date": "2026-03-01", "products": [line]}
        path = f"/invoices/{count.expect('POST', '/invoices', 201, json=body)['id']}"
        requests["COUNT get invoice (signed)"] = Request(
            "GET", f"{base_url}/count/partners{path}", count_headers(credentials["count"], path)
        )

        solvimon = SolvimonClient(
            http,
            SolvimonCredentials.of(credentials["solvimon"]),
            prefix="/solvimon",
            tenant="bench",
        )
        invoice = solvimon.seed_invoice([{"groups": [{"lines": [{"amount": "100.00"}]}]}])["id"]
        requests["Solvimon get invoice"] = Request(
            "GET", base_url + solvimon.url(f"/invoices/{invoice}"), solvimon.headers
        )

        kojo_credentials = KojoCredentials.of(credentials["kojo"])
        kojo = KojoClient(http, kojo_credentials, prefix="/kojo", tenant="bench").login()
        kojo.seed_memo(kojo.seed_invoice((10, 5.5)), (0, 1))
        requests["Kojo one query"] = Request(
            "POST", base_url + kojo.url("/graphql"), kojo.headers, KOJO_QUERY
        )
    return requests


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
