"""Solvimon's section of a fixture: invoices, which Solvimon's API cannot create (they come
through the control API's seeding route), and credits, made through Solvimon's own API."""

from __future__ import annotations

from sandbox.fixture_loader import FixtureLoader, Json, body, entries


async def load(loader: FixtureLoader, section: Json) -> None:
    headers = {"X-API-KEY": loader.credentials["solvimon"]["api_key"]}
    for where, entry in entries(section, "solvimon", "invoices"):
        path = f"/_sandbox/tenants/{loader.tenant_id}/solvimon/invoices"
        created = await loader.call(where, "POST", path, loader.control_headers, body(entry))
        loader.remember(where, entry, created["id"])
    for where, entry in entries(section, "solvimon", "credits"):
        original = loader.refs(where, entry, invoice="solvimon.invoices")["invoice"]
        path = f"/solvimon/v1/invoices/{original}/credit"
        created = await loader.call(where, "POST", path, headers, body(entry, "invoice"))
        loader.remember(where, entry, created["id"])
