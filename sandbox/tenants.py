"""Tenants: isolated accounts of the sandbox, each with working credentials for every vendor.

A tenant's data lives in its own store partition; its credentials live in the registry, so a
reset wipes the data and keeps the credentials an integrator has already configured.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from tinydb import Query

from sandbox import clock
from sandbox.store import Store, valid_tenant_id

Credentials = dict[str, Any]
CredentialFactory = Callable[[], Credentials]

DEMO_TENANT_ID = "demo"


class UnknownTenant(LookupError):
    pass


class TenantRegistry:
    """Create, find and reset tenants. Vendors supply how their credentials are made.

    The registry is small and read on every request (to authenticate), so it is mirrored in
    memory: lookups take no lock and touch no file; creating a tenant writes through to the store.
    """

    def __init__(self, store: Store, credential_factories: Mapping[str, CredentialFactory]) -> None:
        self._store = store
        self._factories = dict(credential_factories)
        with store.registry() as registry:
            self._tenants = {t["id"]: dict(t) for t in registry.table("tenants").all()}

    def create(
        self,
        name: str | None = None,
        tenant_id: str | None = None,
        credentials: Mapping[str, Credentials] | None = None,
    ) -> dict[str, Any]:
        tenant_id = tenant_id or f"tn_{secrets.token_hex(8)}"
        if not valid_tenant_id(tenant_id):
            raise ValueError(f"invalid tenant id {tenant_id!r}")
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
            self._tenants[tenant_id] = record
        return copy.deepcopy(record)

    def ensure(self, tenant_id: str, name: str, credentials: Mapping[str, Credentials]) -> None:
        """Create the tenant if it is missing (the demo tenant at start-up)."""
        if self.find(tenant_id) is None:
            self.create(name=name, tenant_id=tenant_id, credentials=credentials)

    def add_missing_credentials(self, demo: Mapping[str, Credentials]) -> None:
        """Give tenants made before a vendor was added credentials for it (kept on disk)."""
        with self._store.registry() as registry:
            table = registry.table("tenants")
            for tenant in table.all():
                missing = {
                    vendor: dict(demo[vendor]) if tenant["id"] == DEMO_TENANT_ID else factory()
                    for vendor, factory in self._factories.items()
                    if vendor not in tenant["credentials"]
                }
                if missing:
                    credentials = {**tenant["credentials"], **missing}
                    table.update({"credentials": credentials}, doc_ids=[tenant.doc_id])
                    self._tenants[tenant["id"]] = {**tenant, "credentials": credentials}

    def find(self, tenant_id: str) -> dict[str, Any] | None:
        found = self._tenants.get(tenant_id)
        return copy.deepcopy(found) if found is not None else None

    def get(self, tenant_id: str) -> dict[str, Any]:
        tenant = self.find(tenant_id)
        if tenant is None:
            raise UnknownTenant(tenant_id)
        return tenant

    def find_by_credential(self, vendor: str, field: str, value: str) -> dict[str, Any] | None:
        """The tenant whose ``vendor`` credentials have ``field == value`` (e.g. a bearer token)."""
        for tenant in list(self._tenants.values()):
            if tenant["credentials"].get(vendor, {}).get(field) == value:
                return copy.deepcopy(tenant)
        return None

    def find_where(
        self, vendor: str, matches: Callable[[Mapping[str, Any]], bool]
    ) -> dict[str, Any] | None:
        """The tenant whose ``vendor`` credentials satisfy ``matches`` (e.g. hold an API key)."""
        for tenant in list(self._tenants.values()):
            if matches(tenant["credentials"].get(vendor, {})):
                return copy.deepcopy(tenant)
        return None

    def update_credentials(self, tenant_id: str, vendor: str, values: Credentials) -> None:
        """Replace the tenant's ``vendor`` credentials (e.g. with a new API key added)."""
        self.get(tenant_id)
        with self._store.registry() as registry:
            table = registry.table("tenants")
            stored = table.get(Query().id == tenant_id)
            assert isinstance(stored, dict)
            credentials = {**stored["credentials"], vendor: copy.deepcopy(dict(values))}
            table.update({"credentials": credentials}, Query().id == tenant_id)
            self._tenants[tenant_id] = {**self._tenants[tenant_id], "credentials": credentials}

    def all(self) -> list[dict[str, Any]]:
        return [copy.deepcopy(tenant) for tenant in self._tenants.values()]

    def reset(self, tenant_id: str) -> dict[str, Any]:
        """Wipe every vendor's data of the tenant; its credentials stay valid."""
        tenant = self.get(tenant_id)
        self._store.drop_tenant(tenant_id)
        return tenant
