"""Snapshots: a tenant's whole state as one JSON document, and restoring one into a tenant.

A snapshot holds every table of the tenant's partition as TinyDB stores it, the tenant's clock
offset, faults and own readings of disputed points, and the non-secret credential fields its data
refers to (each vendor's ``VendorTraits.identity_fields``: the business, workspace or platform
its records name). A tenant restored from a snapshot takes those identities, so every object
reads back exactly as exported; it keeps its own secrets (tokens, keys, client secrets), which
are never exported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from sandbox import clock
from sandbox.faults import FaultSettings, FaultSettingsInvalid
from sandbox.store import Store
from sandbox.tenants import LATEST_YEAR, TenantRegistry
from sandbox.vendor_traits import VendorTraits
from specs import readings

FORMAT = "creditbox-tenant/1"
MAX_OFFSET_SECONDS = 1000 * 366 * 86400


class SnapshotInvalid(ValueError):
    """The document is not a snapshot this sandbox can restore (the control API's 400)."""


def export(
    store: Store,
    tenants: TenantRegistry,
    tenant: Mapping[str, Any],
    vendors: Iterable[VendorTraits],
) -> dict[str, Any]:
    credentials = tenant["credentials"]
    return {
        "format": FORMAT,
        "tenant": {"id": tenant["id"], "name": tenant["name"]},
        "exported_at": clock.timestamp(clock.real_now()),
        "clock_offset_seconds": tenants.clock_offset(tenant["id"]).total_seconds(),
        "faults": tenants.faults(tenant["id"]) or FaultSettings().to_json(),
        "profile": tenants.profile(tenant["id"]),
        "identities": {
            vendor.name: {name: credentials[vendor.name][name] for name in vendor.identity_fields}
            for vendor in vendors
            if vendor.identity_fields and vendor.name in credentials
        },
        "data": store.export_tenant(tenant["id"]),
    }


def restore(
    store: Store,
    tenants: TenantRegistry,
    tenant_id: str,
    snapshot: Mapping[str, Any],
    vendors: Iterable[VendorTraits],
) -> None:
    """Replace the tenant's state with the snapshot's, creating the tenant if it is missing."""
    vendors = tuple(vendors)
    identity_fields = {vendor.name: vendor.identity_fields for vendor in vendors}
    data = _checked_data(snapshot, tuple(vendor.table_prefix for vendor in vendors))
    offset = snapshot.get("clock_offset_seconds") or 0
    if not isinstance(offset, int | float) or not 0 <= offset <= MAX_OFFSET_SECONDS:
        raise SnapshotInvalid("clock_offset_seconds: a number of seconds, 0 or more")
    if (clock.real_now() + timedelta(seconds=offset)).year > LATEST_YEAR:
        raise SnapshotInvalid(f"clock_offset_seconds: the clock stays before {LATEST_YEAR + 1}")
    try:
        faults = FaultSettings.parse(snapshot.get("faults") or {}, vendors).to_json()
    except (FaultSettingsInvalid, TypeError) as problem:
        raise SnapshotInvalid(f"faults: {problem}") from None
    try:
        choices = readings.check_choices(snapshot.get("profile") or {})
    except readings.ProfileError as problem:
        raise SnapshotInvalid(f"profile: {problem}") from None
    if tenants.find(tenant_id) is None:
        name = (snapshot.get("tenant") or {}).get("name") or tenant_id
        tenants.create(name=str(name), tenant_id=tenant_id)
    for vendor, fields in (snapshot.get("identities") or {}).items():
        if identity_fields.get(vendor):
            own = tenants.get(tenant_id)["credentials"][vendor]
            adopted = {name: fields[name] for name in identity_fields[vendor] if name in fields}
            tenants.update_credentials(tenant_id, vendor, {**own, **adopted})
    store.import_tenant(tenant_id, data)
    tenants.restore_settings(tenant_id, float(offset), faults)
    tenants.set_profile(tenant_id, choices)


def _checked_data(snapshot: Mapping[str, Any], table_prefixes: tuple[str, ...]) -> dict[str, Any]:
    """The snapshot's tables, if they look like this sandbox's: ``{table: {doc id: doc}}``."""
    if snapshot.get("format") != FORMAT:
        raise SnapshotInvalid(f"format: this sandbox restores {FORMAT} snapshots")
    data = snapshot.get("data")
    if not isinstance(data, dict):
        raise SnapshotInvalid("data: an object of tables")
    for table, documents in data.items():
        if not table.startswith(table_prefixes):
            raise SnapshotInvalid(f"data.{table}: not a table of this sandbox")
        if not isinstance(documents, dict):
            raise SnapshotInvalid(f"data.{table}: an object of documents by id")
        for doc_id, document in documents.items():
            if not doc_id.isdigit() or not isinstance(document, dict):
                raise SnapshotInvalid(f"data.{table}.{doc_id}: documents are objects by number")
    return data
