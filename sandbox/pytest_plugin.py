"""pytest plugin: a fresh, isolated creditbox sandbox for integrators' own test suites.

Installed with creditbox (entry point ``pytest11``), so any test can ask for ``creditbox_sandbox``:

.. code-block:: python

    import httpx

    def test_credit_lowers_the_invoice(creditbox_sandbox):
        dayzero = creditbox_sandbox.vendor("dayzero")
        with httpx.Client(base_url=dayzero.base_url, headers=dayzero.headers) as client:
            ...

One sandbox server runs per test session, in this process, on a free loopback port, keeping its
data in memory; every test gets a tenant of its own, so tests never see each other's data.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest


@dataclass(frozen=True)
class VendorAccess:
    """Where one vendor API of the sandbox is, and the tenant's credentials for it."""

    name: str
    base_url: str
    credentials: dict[str, Any]

    @property
    def headers(self) -> dict[str, str]:
        """The headers that authenticate a request as the tenant, for a vendor whose requests
        carry fixed ones (its registry entry's ``request_headers``). A vendor that signs each
        request (COUNT: ``contracts.vendors.count.signing.CountSigner`` with ``credentials``) or
        needs a
        token first (Kojo's client-credentials step) has none: ``KeyError``."""
        from sandbox.vendors import VENDORS

        found = next((v.request_headers for v in VENDORS if v.name == self.name), None)
        if found is None:
            raise KeyError(self.name)
        return found(self.credentials)


@dataclass(frozen=True)
class SandboxTenant:
    """A fresh tenant on the session's sandbox."""

    base_url: str
    tenant_id: str
    credentials: dict[str, dict[str, Any]]

    def vendor(self, name: str) -> VendorAccess:
        values = dict(self.credentials[name])
        path = values.pop("base_url")
        return VendorAccess(name, f"{self.base_url}{path}", values)

    def seed(self, vendor: str, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        """Seed a record the vendor's own API cannot create, through the control API's seeding
        route ``/_sandbox/tenants/{id}/{vendor}/{kind}`` (e.g. a Solvimon invoice in any status:
        ``seed("solvimon", "invoices", body)``). The bodies are described in the control API's
        spec; a refused body raises ``httpx.HTTPStatusError``."""
        response = httpx.post(
            f"{self.base_url}/_sandbox/tenants/{self.tenant_id}/{vendor}/{kind}", json=body
        )
        response.raise_for_status()
        seeded: dict[str, Any] = response.json()
        return seeded

    def reset(self) -> None:
        """Delete the tenant's data; its credentials keep working."""
        httpx.post(f"{self.base_url}/_sandbox/tenants/{self.tenant_id}/reset").raise_for_status()


@pytest.fixture(scope="session")
def creditbox_server() -> Iterator[Any]:
    """The session's sandbox server (``.base_url``)."""
    from sandbox.embedded import EmbeddedSandbox

    with EmbeddedSandbox() as server:
        yield server


@pytest.fixture
def creditbox_sandbox(creditbox_server: Any) -> SandboxTenant:
    """A tenant of its own on the session's sandbox, with credentials for every vendor."""
    created = httpx.post(f"{creditbox_server.base_url}/_sandbox/tenants", json={"name": "pytest"})
    created.raise_for_status()
    tenant = created.json()
    return SandboxTenant(creditbox_server.base_url, tenant["id"], tenant["credentials"])
