"""Kojo in the benchmark: one GraphQL query listing credit memos, with an OAuth token."""

from __future__ import annotations

from bench.load import Request
from bench.vendors import Tenant, VendorBench
from contracts.vendors.kojo.client import KojoClient, KojoCredentials

ONE_QUERY = "Kojo one query"
QUERY = {"query": "{ creditMemos(limit: 10) { id creditMemoNumber totalDue } }"}


def prepare(tenant: Tenant) -> dict[str, Request]:
    """An invoice and a credit memo seeded through the control API; a token for the query."""
    credentials = KojoCredentials.of(tenant.credentials)
    api = KojoClient(tenant.http, credentials, prefix=tenant.mount, tenant=tenant.id)
    invoice = api.seed_invoice((10, 5.5))
    api.seed_memo(invoice, (0, 1))
    api.login()
    return {ONE_QUERY: Request("POST", f"{tenant.mount_url}/graphql", api.headers, QUERY)}


BENCH = VendorBench(
    operations=(ONE_QUERY,),
    prepare=prepare,
    over_prism=(ONE_QUERY,),
    one_client_under_prism=(ONE_QUERY,),
)
