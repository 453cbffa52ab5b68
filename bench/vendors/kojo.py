"""Kojo in the benchmark: one GraphQL query listing credit memos, with an OAuth token."""

from __future__ import annotations

from bench.load import Request
from bench.vendors import Tenant, VendorBench, ok

ONE_QUERY = "Kojo one query"
QUERY = {"query": "{ creditMemos(limit: 10) { id creditMemoNumber totalDue } }"}


def prepare(tenant: Tenant) -> dict[str, Request]:
    """An invoice and a credit memo seeded through the control API; a token for the query."""
    control = f"/_sandbox/tenants/{tenant.id}/kojo"
    items = [{"quantity": 10, "unitPrice": 5.5}]
    invoice = ok(tenant.http.post(f"{control}/invoices", json={"items": items}))
    memo_body = {
        "invoiceId": invoice["id"],
        "items": [{"invoiceItemId": invoice["invoiceItems"][0]["id"], "quantity": 1}],
    }
    ok(tenant.http.post(f"{control}/credit-memos", json=memo_body))
    form = {"grant_type": "client_credentials", **tenant.credentials}
    token = ok(tenant.http.post(f"{tenant.mount}/oauth2/token", data=form))["access_token"]
    return {
        ONE_QUERY: Request(
            "POST", f"{tenant.mount_url}/graphql", {"Authorization": f"Bearer {token}"}, QUERY
        )
    }


BENCH = VendorBench(operations=(ONE_QUERY,), prepare=prepare)
