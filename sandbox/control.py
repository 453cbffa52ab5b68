"""The ``/_sandbox`` control API (specs/control.yaml): health; tenants (create, list, delete,
reset, snapshot and restore); each tenant's test clock, faults and request journal.

Seeding what a vendor's API cannot create itself is the vendor's own ``control.py``, reached
through its registry entry's ``control_routes``. Not a vendor API, so its errors are a plain
``{"detail": "<text>"}`` (``sandbox/control_errors.py``).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sandbox import clock, fixtures, snapshots
from sandbox.control_errors import (
    AdminTokenNeeded,
    ControlError,
    TenantExists,
    TenantNotFound,
    known_tenant,
)
from sandbox.errors import VendorError
from sandbox.faults import FaultSettings, FaultSettingsInvalid
from sandbox.profiled_apps import tenant_profile
from sandbox.runtime import current
from sandbox.store import valid_tenant_id
from sandbox.tenants import UnknownTenant
from specs import readings

INVALID_TENANT_ID = "A tenant id is 1-64 letters, digits, _ or -, starting with a letter or digit"

Response = tuple[Any, int]


def _tenant_json(tenant: dict[str, Any]) -> dict[str, Any]:
    """A tenant with, for each vendor, where its API is mounted on this sandbox, and its clock."""
    credentials = {
        vendor: {**values, "base_url": f"/{vendor}"}
        for vendor, values in tenant["credentials"].items()
    }
    return {
        "id": tenant["id"],
        "name": tenant["name"],
        "created_at": tenant["created_at"],
        "clock": _clock_json(tenant["id"]),
        "credentials": credentials,
    }


def _clock_json(tenant_id: str) -> dict[str, Any]:
    offset = current().tenants.clock_offset(tenant_id)
    return {
        "now": clock.timestamp(clock.real_now() + offset),
        "offset_seconds": offset.total_seconds(),
    }


def _known(tenant_id: str) -> str:
    return str(known_tenant(tenant_id)["id"])


def health() -> Response:
    sandbox = current()
    store = sandbox.store
    return {
        "status": "ok",
        "storage": "memory" if store.in_memory else "disk",
        "data_dir": None if store.data_dir is None else str(store.data_dir),
        "vendors": sorted(vendor.name for vendor in sandbox.vendors),
    }, 200


def list_tenants() -> Response:
    return {"items": [_tenant_json(t) for t in current().tenants.all()]}, 200


def create_tenant(body: dict[str, Any] | None = None) -> Response:
    body = body or {}
    tenants = current().tenants
    if body.get("id") and tenants.find(body["id"]) is not None:
        raise TenantExists()
    tenant = tenants.create(name=body.get("name"), tenant_id=body.get("id"))
    return _tenant_json(tenant), 201


def get_tenant(tenant_id: str) -> Response:
    return _tenant_json(known_tenant(tenant_id)), 200


def reset_tenant(tenant_id: str) -> Response:
    sandbox = current()
    try:
        tenant = sandbox.tenants.reset(tenant_id)
    except UnknownTenant:
        raise TenantNotFound() from None
    sandbox.journal.forget(tenant_id)
    sandbox.rate_limiter.forget(tenant_id)
    return _tenant_json(tenant), 200


def delete_tenant(tenant_id: str) -> Response:
    sandbox = current()
    try:
        sandbox.tenants.delete(tenant_id)
    except UnknownTenant:
        raise TenantNotFound() from None
    sandbox.journal.forget(tenant_id)
    sandbox.rate_limiter.forget(tenant_id)
    return None, 204


# the test clock ---------------------------------------------------------------------------------


def get_clock(tenant_id: str) -> Response:
    return _clock_json(_known(tenant_id)), 200


def advance_clock(tenant_id: str, body: dict[str, Any]) -> Response:
    by = timedelta(
        days=body.get("days", 0),
        hours=body.get("hours", 0),
        minutes=body.get("minutes", 0),
        seconds=body.get("seconds", 0),
    )
    try:
        current().tenants.advance_clock(_known(tenant_id), by)
    except (OverflowError, ValueError) as problem:
        raise ControlError(str(problem), 400) from None
    return _clock_json(tenant_id), 200


# faults and the journal -------------------------------------------------------------------------


def get_faults(tenant_id: str) -> Response:
    stored = current().tenants.faults(_known(tenant_id))
    return FaultSettings.stored(stored).to_json(), 200


def set_faults(tenant_id: str, body: dict[str, Any]) -> Response:
    sandbox = current()
    _known(tenant_id)
    try:
        settings = FaultSettings.parse(body, sandbox.vendors)
    except FaultSettingsInvalid as problem:
        raise ControlError(str(problem), 400) from None
    sandbox.tenants.set_faults(tenant_id, settings.to_json())
    sandbox.rate_limiter.forget(tenant_id)
    return settings.to_json(), 200


def clear_faults(tenant_id: str) -> Response:
    sandbox = current()
    sandbox.tenants.set_faults(_known(tenant_id), {})
    sandbox.rate_limiter.forget(tenant_id)
    return FaultSettings().to_json(), 200


# disputed points and profiles ------------------------------------------------------------------


def list_disputed_points() -> Response:
    served = current().profile
    return {
        "points": [
            {
                "name": point.name,
                "vendor": point.vendor,
                "question": point.question,
                "default": point.default,
                "why_default": point.why_default,
                "served": served.reading(point.name),
                "readings": [
                    {
                        "name": reading.name,
                        "says": reading.says,
                        "evidence": [vars(evidence) for evidence in reading.evidence],
                    }
                    for reading in point.readings.values()
                ],
            }
            for point in readings.points().values()
        ]
    }, 200


def _profile_json(tenant_id: str) -> dict[str, Any]:
    sandbox = current()
    return {
        "chosen": sandbox.tenants.profile(tenant_id),
        "readings": tenant_profile(sandbox, tenant_id).choices(),
    }


def get_profile(tenant_id: str) -> Response:
    return _profile_json(_known(tenant_id)), 200


def set_profile(tenant_id: str, body: dict[str, Any]) -> Response:
    _known(tenant_id)
    try:
        choices = readings.check_choices(body["readings"])
    except readings.ProfileError as problem:
        raise ControlError(str(problem), 400) from None
    current().tenants.set_profile(tenant_id, choices)
    return _profile_json(tenant_id), 200


def clear_profile(tenant_id: str) -> Response:
    current().tenants.set_profile(_known(tenant_id), {})
    return _profile_json(tenant_id), 200


def get_journal(tenant_id: str, limit: int | None = None) -> Response:
    return {"items": current().journal.recent(_known(tenant_id), limit)}, 200


# fixtures ---------------------------------------------------------------------------------------


async def load_fixture(tenant_id: str, body: dict[str, Any]) -> Response:
    sandbox = current()
    _known(tenant_id)
    try:
        return await fixtures.load_into(sandbox, tenant_id, body), 201
    except fixtures.FixtureError as problem:
        raise ControlError(str(problem), 400) from None


# snapshots --------------------------------------------------------------------------------------


def export_tenant(tenant_id: str) -> Response:
    sandbox = current()
    tenant = known_tenant(tenant_id)
    return snapshots.export(sandbox.store, sandbox.tenants, tenant, sandbox.vendors), 200


def import_tenant(tenant_id: str, body: dict[str, Any]) -> Response:
    sandbox = current()
    if not valid_tenant_id(tenant_id):
        raise ControlError(INVALID_TENANT_ID, 400)
    created = sandbox.tenants.find(tenant_id) is None
    try:
        snapshots.restore(sandbox.store, sandbox.tenants, tenant_id, body, sandbox.vendors)
    except snapshots.SnapshotInvalid as problem:
        raise ControlError(str(problem), 400) from None
    sandbox.journal.forget(tenant_id)
    sandbox.rate_limiter.forget(tenant_id)
    return _tenant_json(sandbox.tenants.get(tenant_id)), 201 if created else 200


class ControlShape:
    """:class:`sandbox.errors.ErrorShape` for the control API: ``{"detail": ...}`` throughout."""

    def invalid_request(self, issues: list[dict[str, Any]]) -> VendorError:
        where = ", ".join(".".join(str(step) for step in issue["loc"]) for issue in issues)
        return ControlError(f"Invalid request: {where}", 400)

    def http_error(self, status: int, detail: str | None) -> VendorError:
        if status == 401:  # only a sandbox with an admin token refuses (sandbox.control_access)
            return AdminTokenNeeded()
        return ControlError(detail or "Error", status)

    def rate_limited(self, retry_after: int) -> VendorError:
        return ControlError("Too many requests", 429).retrying_after(retry_after)


SHAPE = ControlShape()
