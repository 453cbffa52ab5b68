"""Tenants: isolated accounts of the sandbox, each with working credentials for every vendor.

A tenant's data lives in its own store partition; its credentials live in the registry, so a
reset wipes the data and keeps the credentials an integrator has already configured.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from typing import Any

from tinydb import Query

from sandbox import clock
from sandbox.store import Store

Credentials = dict[str, Any]
CredentialFactory = Callable[[], Credentials]

DEMO_TENANT_ID = "demo"


class UnknownTenant(LookupError):
    pass


class TenantRegistry:
    """Create, find and reset tenants. Vendors supply how their credentials are made."""

    def __init__(self, store: Store, credential_factories: Mapping[str, CredentialFactory]) -> None:
        self._store = store
        self._factories = dict(credential_factories)

    def create(
        self,
        name: str | None = None,
        tenant_id: str | None = None,
        credentials: Mapping[str, Credentials] | None = None,
    ) -> dict[str, Any]:
        tenant_id = tenant_id or f"tn_{secrets.token_hex(8)}"
        given = dict(credentials or {})
        record = {
            "id": tenant_id,
            "name": name or tenant_id,
            "created_at": clock.timestamp(),
            "credentials": {
                vendor: given.get(vendor) or factory()
                for vendor, factory in self._factories.items()
            },
        }
        with self._store.registry() as registry:
            if registry.table("tenants").contains(Query().id == tenant_id):
                raise ValueError(f"tenant {tenant_id!r} exists")
            registry.table("tenants").insert(record)
        return record

    def ensure(self, tenant_id: str, name: str, credentials: Mapping[str, Credentials]) -> None:
        """Create the tenant if it is missing (the demo tenant at start-up)."""
        if self.find(tenant_id) is None:
            self.create(name=name, tenant_id=tenant_id, credentials=credentials)

    def find(self, tenant_id: str) -> dict[str, Any] | None:
        with self._store.registry() as registry:
            found = registry.table("tenants").get(Query().id == tenant_id)
        return dict(found) if isinstance(found, dict) else None

    def get(self, tenant_id: str) -> dict[str, Any]:
        tenant = self.find(tenant_id)
        if tenant is None:
            raise UnknownTenant(tenant_id)
        return tenant

    def find_by_credential(self, vendor: str, field: str, value: str) -> dict[str, Any] | None:
        """The tenant whose ``vendor`` credentials have ``field == value`` (e.g. a bearer token)."""
        with self._store.registry() as registry:
            found = registry.table("tenants").get(Query().credentials[vendor][field] == value)
        return dict(found) if isinstance(found, dict) else None

    def all(self) -> list[dict[str, Any]]:
        with self._store.registry() as registry:
            return [dict(tenant) for tenant in registry.table("tenants").all()]

    def reset(self, tenant_id: str) -> dict[str, Any]:
        """Wipe every vendor's data of the tenant; its credentials stay valid."""
        tenant = self.get(tenant_id)
        self._store.drop_partition(tenant_id)
        return tenant
