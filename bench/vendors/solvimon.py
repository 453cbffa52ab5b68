"""Solvimon in the benchmark: a get of an invoice seeded through the control API."""

from __future__ import annotations

from bench.load import Request
from bench.vendors import Tenant, VendorBench, ok

GET_INVOICE = "Solvimon get invoice"


def prepare(tenant: Tenant) -> dict[str, Request]:
    seeded = {"periods": [{"groups": [{"lines": [{"amount": "100.00"}]}]}]}
    invoice = ok(tenant.http.post(f"/_sandbox/tenants/{tenant.id}/solvimon/invoices", json=seeded))
    return {
        GET_INVOICE: Request(
            "GET",
            f"{tenant.mount_url}/v1/invoices/{invoice['id']}",
            {"X-API-KEY": tenant.credentials["api_key"]},
        )
    }


BENCH = VendorBench(operations=(GET_INVOICE,), prepare=prepare)
