"""Tenants: isolated accounts of the sandbox, each with working credentials for every vendor.

A tenant's data lives in its own store partition; its credentials, its test clock's offset and
its fault settings live in the registry. A reset wipes the data, sets the clock back to real time
and turns faults off, and keeps the credentials an integrator has already configured.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable, Iterator, Mapping
from datetime import timedelta
from typing import Any

from tinydb import Query

from sandbox import clock
from sandbox.store import Store, valid_tenant_id

Credentials = dict[str, Any]
CredentialFactory = Callable[[], Credentials]

DEMO_TENANT_ID = "demo"
# registry fields beside the credentials
CLOCK_OFFSET = "clock_offset_seconds"
FAULTS = "faults"
PROFILE = "profile"
# a test clock stays far from datetime's limit (year 9999), whatever a request adds to it
LATEST_YEAR = 2999


class UnknownTenant(LookupError):
    pass


class TenantRegistry:
    """Create, find and reset tenants. Vendors supply how their credentials are made.

    The registry is small and read on every request (to authenticate), so it is mirrored in
    memory: lookups take no lock and touch no file; creating a tenant writes through to the store.
    Credentials are also indexed by value, so finding a request's tenant does not grow with the
    number of tenants.
    """

    def __init__(self, store: Store, credential_factories: Mapping[str, CredentialFactory]) -> None:
        self._store = store
        self._factories = dict(credential_factories)
        with store.registry() as registry:
            self._tenants = {t["id"]: dict(t) for t in registry.table("tenants").all()}
        self._by_credential: dict[tuple[str, str, str], str] = {}
        self._index_credentials()

    def _index_credentials(self) -> None:
        """Rebuild the index of credential values (after any change to a tenant: rare)."""
        index: dict[tuple[str, str, str], str] = {}
        for tenant in self._tenants.values():
            for vendor, credentials in tenant["credentials"].items():
                for field, value in _credential_values(credentials):
                    index.setdefault((vendor, field, value), tenant["id"])
        self._by_credential = index

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
        # the cache follows only a committed write (a commit the disk refuses is undone)
        self._tenants[tenant_id] = record
        self._index_credentials()
        return copy.deepcopy(record)

    def ensure(self, tenant_id: str, name: str, credentials: Mapping[str, Credentials]) -> None:
        """Create the tenant if it is missing (the demo tenant at start-up)."""
        if self.find(tenant_id) is None:
            self.create(name=name, tenant_id=tenant_id, credentials=credentials)

    def add_missing_credentials(self, demo: Mapping[str, Credentials]) -> None:
        """Give tenants made before a vendor, or one of its credentials (Kojo's legacy API key),
        was added what they lack; what they have is kept (on disk too)."""
        updated: dict[str, dict[str, Any]] = {}
        with self._store.registry() as registry:
            table = registry.table("tenants")
            for tenant in table.all():
                credentials = dict(tenant["credentials"])
                for vendor, factory in self._factories.items():
                    fresh = dict(demo[vendor]) if tenant["id"] == DEMO_TENANT_ID else factory()
                    have = credentials.get(vendor) or {}
                    credentials[vendor] = {**fresh, **have}
                if credentials != tenant["credentials"]:
                    table.update({"credentials": credentials}, doc_ids=[tenant.doc_id])
                    updated[tenant["id"]] = {**tenant, "credentials": credentials}
        self._tenants.update(updated)
        self._index_credentials()

    def find(self, tenant_id: str) -> dict[str, Any] | None:
        found = self._tenants.get(tenant_id)
        return copy.deepcopy(found) if found is not None else None

    def get(self, tenant_id: str) -> dict[str, Any]:
        tenant = self.find(tenant_id)
        if tenant is None:
            raise UnknownTenant(tenant_id)
        return tenant

    def id_by_credential(self, vendor: str, field: str, value: str) -> str | None:
        """The id of the tenant whose ``vendor`` credentials hold ``field == value`` (e.g. a
        bearer token), at the top level or in one of a list of credentials (e.g. one of several
        API keys)."""
        return self._by_credential.get((vendor, field, value))

    def view(self, tenant_id: str) -> Mapping[str, Any] | None:
        """The tenant's record, to read only (see :meth:`find_by_credential`)."""
        return self._tenants.get(tenant_id)

    def find_by_credential(self, vendor: str, field: str, value: str) -> Mapping[str, Any] | None:
        """The tenant whose ``vendor`` credentials hold ``field == value``, to read only.

        Every authenticated request asks this, so it answers the registry's own record rather
        than a deep copy (a copy was a tenth of a request's time). The registry replaces a
        record when it changes and never changes one in place, so the view stays whole while
        the caller reads it; callers never write to it (:meth:`find` gives a copy to change).
        """
        tenant_id = self.id_by_credential(vendor, field, value)
        return None if tenant_id is None else self.view(tenant_id)

    def update_credentials(self, tenant_id: str, vendor: str, values: Credentials) -> None:
        """Replace the tenant's ``vendor`` credentials (e.g. with a new API key added)."""
        credentials = {**self.get(tenant_id)["credentials"], vendor: copy.deepcopy(dict(values))}
        self._update(tenant_id, {"credentials": credentials})

    def clock_offset(self, tenant_id: str) -> timedelta:
        """How far the tenant's test clock is ahead of real time (zero for an unknown tenant)."""
        tenant = self._tenants.get(tenant_id)
        return timedelta(seconds=tenant.get(CLOCK_OFFSET, 0) if tenant else 0)

    def advance_clock(self, tenant_id: str, by: timedelta) -> timedelta:
        """Move the tenant's clock forward; a test clock never goes back (stored data would
        then lie in its future)."""
        if by < timedelta(0):
            raise ValueError("a tenant's clock only moves forward")
        offset = self.clock_offset(self.get(tenant_id)["id"]) + by
        if (clock.real_now() + offset).year > LATEST_YEAR:
            raise ValueError(f"a tenant's clock stays before the year {LATEST_YEAR + 1}")
        self._update(tenant_id, {CLOCK_OFFSET: offset.total_seconds()})
        return offset

    def faults(self, tenant_id: str) -> dict[str, Any]:
        """The tenant's fault settings as stored (see ``sandbox.faults``); empty when none."""
        tenant = self._tenants.get(tenant_id)
        stored = tenant.get(FAULTS) if tenant else None
        return copy.deepcopy(stored) if stored else {}

    def set_faults(self, tenant_id: str, settings: Mapping[str, Any]) -> None:
        self._update(tenant_id, {FAULTS: copy.deepcopy(dict(settings))})

    def profile(self, tenant_id: str) -> dict[str, str]:
        """The readings of disputed points the tenant chose (``specs/readings.py``); empty when
        it follows the server's profile."""
        tenant = self._tenants.get(tenant_id)
        stored = tenant.get(PROFILE) if tenant else None
        return dict(stored) if stored else {}

    def set_profile(self, tenant_id: str, choices: Mapping[str, str]) -> None:
        """Replace the tenant's choices (checked by the caller against the registry of points)."""
        self._update(tenant_id, {PROFILE: dict(choices)})

    def restore_settings(self, tenant_id: str, offset_seconds: float, faults: Any) -> None:
        """Set the clock offset and faults a snapshot carried (see ``sandbox.snapshots``)."""
        self._update(tenant_id, {CLOCK_OFFSET: offset_seconds, FAULTS: faults})

    def _update(self, tenant_id: str, changes: Mapping[str, Any]) -> None:
        """Write fields of the tenant's registry record through to the store."""
        self.get(tenant_id)
        with self._store.registry() as registry:
            registry.table("tenants").update(dict(changes), Query().id == tenant_id)
        self._tenants[tenant_id] = {**self._tenants[tenant_id], **copy.deepcopy(changes)}
        if "credentials" in changes:
            self._index_credentials()

    def all(self) -> list[dict[str, Any]]:
        return [copy.deepcopy(tenant) for tenant in self._tenants.values()]

    def reset(self, tenant_id: str) -> dict[str, Any]:
        """Wipe every vendor's data of the tenant, set its clock back to real time and turn its
        faults off; its credentials stay valid."""
        self.get(tenant_id)
        self._store.drop_tenant(tenant_id)
        self._update(tenant_id, {CLOCK_OFFSET: 0, FAULTS: {}})
        return self.get(tenant_id)

    def delete(self, tenant_id: str) -> None:
        """Remove the tenant: its data partition, and its record (its credentials stop working)."""
        self.get(tenant_id)
        self._store.delete_tenant(tenant_id)
        with self._store.registry() as registry:
            registry.table("tenants").remove(Query().id == tenant_id)
        self._tenants.pop(tenant_id, None)
        self._index_credentials()


def _credential_values(credentials: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """Each credential value worth finding a tenant by: top-level strings, and the strings of
    each entry of a list of credentials (Solvimon's extra API keys)."""
    for field, value in credentials.items():
        if isinstance(value, str):
            yield field, value
        elif isinstance(value, list):
            for entry in value:
                if isinstance(entry, Mapping):
                    yield from (
                        (name, inner) for name, inner in entry.items() if isinstance(inner, str)
                    )
