"""Solvimon in the benchmark: a get of an invoice seeded through the control API."""

from __future__ import annotations

from bench.load import Request
from bench.vendors import Tenant, VendorBench
from contracts.vendors.solvimon.client import SolvimonClient, SolvimonCredentials

GET_INVOICE = "Solvimon get invoice"


def prepare(tenant: Tenant) -> dict[str, Request]:
    credentials = SolvimonCredentials.of(tenant.credentials)
    api = SolvimonClient(tenant.http, credentials, prefix=tenant.mount, tenant=tenant.id)
    invoice = api.seed_invoice([{"groups": [{"lines": [{"amount": "100.00"}]}]}])
    return {
        GET_INVOICE: Request(
            "GET",
            f"{tenant.mount_url}/v1/invoices/{invoice['id']}",
            {"X-API-KEY": credentials.api_key},
        )
    }


BENCH = VendorBench(
    operations=(GET_INVOICE,),
    prepare=prepare,
    over_prism=(GET_INVOICE,),
    one_client_under_prism=(GET_INVOICE,),
)
