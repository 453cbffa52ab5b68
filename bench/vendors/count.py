"""COUNT in the benchmark: a signed get of an invoice made through its API."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from bench.load import Request
from bench.vendors import Tenant, VendorBench
from contracts.vendors.count.client import CountClient, CountCredentials
from sandbox.vendors.count.signature import signed_headers

GET_INVOICE = "COUNT get invoice (signed)"


def get_headers(credentials: Mapping[str, str], path: str) -> dict[str, str]:
    """Signed for a GET of ``path`` (under /partners); valid for COUNT's 300 s window, so the
    benchmark signs again before each run."""
    return signed_headers(credentials, "GET", path, b"")


def prepare(tenant: Tenant) -> dict[str, Request]:
    api = CountClient(tenant.http, CountCredentials.of(tenant.credentials), prefix=tenant.mount)
    email = f"{uuid.uuid4().hex}@bench.example"
    customer = api.expect("POST", "/customers", 201, json={"customer": "Bench", "email": email})
    product = api.expect("POST", "/products", 201, json={"name": "Hour", "unitPrice": 1})
    line = {"productUuid": product["id"], "quantity": 1, "unitPrice": 100}
    body = {"customerUuid": customer["id"], "date": "2026-03-01", "products": [line]}
    invoice = api.expect("POST", "/invoices", 201, json=body)
    path = f"/invoices/{invoice['id']}"
    credentials = dict(tenant.credentials)
    return {
        GET_INVOICE: Request(
            "GET",
            f"{tenant.mount_url}/partners{path}",
            get_headers(credentials, path),
            fresh_headers=lambda: get_headers(credentials, path),
        )
    }


BENCH = VendorBench(
    operations=(GET_INVOICE,),
    prepare=prepare,
    over_prism=(GET_INVOICE,),
    one_client_under_prism=(GET_INVOICE,),
)
