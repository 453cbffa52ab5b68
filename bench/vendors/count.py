"""COUNT in the benchmark: a signed get of an invoice made through its API."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

import httpx

from bench.load import Request
from bench.vendors import Tenant, VendorBench, ok
from sandbox.vendors.count.signature import signed_headers

GET_INVOICE = "COUNT get invoice (signed)"


def _call(tenant: Tenant, method: str, path: str, body: Any) -> httpx.Response:
    raw = json.dumps(body).encode()
    headers = {
        **signed_headers(tenant.credentials, method, path, raw),
        "Content-Type": "application/json",
    }
    return tenant.http.request(
        method, f"{tenant.mount}/partners{path}", content=raw, headers=headers
    )


def get_headers(credentials: Mapping[str, str], path: str) -> dict[str, str]:
    """Signed for a GET of ``path`` (under /partners); valid for COUNT's 300 s window."""
    return signed_headers(credentials, "GET", path, b"")


def prepare(tenant: Tenant) -> dict[str, Request]:
    email = f"{uuid.uuid4().hex}@bench.example"
    customer = ok(_call(tenant, "POST", "/customers", {"customer": "Bench", "email": email}))
    product = ok(_call(tenant, "POST", "/products", {"name": "Hour", "unitPrice": 1}))
    line = {"productUuid": product["id"], "quantity": 1, "unitPrice": 100}
    body = {"customerUuid": customer["id"], "date": "2026-03-01", "products": [line]}
    invoice = ok(_call(tenant, "POST", "/invoices", body))
    path = f"/invoices/{invoice['id']}"
    return {
        GET_INVOICE: Request(
            "GET", f"{tenant.mount_url}/partners{path}", get_headers(tenant.credentials, path)
        )
    }


BENCH = VendorBench(operations=(GET_INVOICE,), prepare=prepare)
