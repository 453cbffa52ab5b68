"""Fixtures: a tenant's demo or test data, described per vendor in that vendor's own terms.

A fixture (YAML for people, JSON for the control API) has one section per vendor. Each entry is
the body the vendor's API takes, plus a few sandbox keys: ``ref`` names the object so that later
entries can refer to it (``customer: acme`` instead of a UUID nobody knows yet), and steps such
as ``finalize``, ``issue``, ``apply``, ``approve``, ``send`` or ``void`` walk the object through
its lifecycle. See ``fixtures/demo.yaml`` for every key.

Each vendor's section is loaded by its own ``sandbox/vendors/<vendor>/fixtures.py`` (its registry
entry's ``load_fixture``), through the vendor's own HTTP API (in process, with the tenant's
credentials), so a fixture obeys every rule an integrator's client does: an over-apply in a
fixture is refused as it would be over the wire. Data a vendor's API cannot create comes through
the control API's seeding routes. Requests the loader makes carry the sandbox's internal header,
so the tenant's faults do not fail them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from sandbox.fixture_loader import FixtureError, FixtureLoader, Json, mapping
from sandbox.runtime import Sandbox
from sandbox.vendors import VENDORS
from specs import readings

__all__ = ["FixtureError", "load_into", "read"]

PROFILE_SECTION = "profile"


async def _load(loader: FixtureLoader, fixture: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """Each vendor's section, in the registry's order, by that vendor's own loader."""
    names = [vendor.name for vendor in VENDORS]
    unknown = sorted(set(fixture) - set(names))
    if unknown:
        raise FixtureError(
            f"{unknown[0]}: not a vendor of this sandbox ({', '.join(names)}) "
            f"nor {PROFILE_SECTION!r}"
        )
    for vendor in VENDORS:
        section = fixture.get(vendor.name)
        if section:
            await vendor.load_fixture(loader, mapping(section, vendor.name))
    return loader.created


async def load_into(sandbox: Sandbox, tenant_id: str, fixture: Mapping[str, Any]) -> Json:
    """Load a fixture into a tenant, all or nothing: if any entry is refused, the tenant's data
    goes back to what it was before (requests other clients made meanwhile go with it).

    A ``profile`` section (disputed point → reading, ``specs/disputed-points.yaml``) becomes the
    tenant's own choice once the data has loaded. The data itself loads in the default readings
    (the sandbox's own requests always do), so one fixture file serves every profile."""
    tenant = sandbox.tenants.get(tenant_id)
    vendor_sections = {key: value for key, value in fixture.items() if key != PROFILE_SECTION}
    try:
        choices = readings.check_choices(fixture.get(PROFILE_SECTION) or {})
    except readings.ProfileError as problem:
        raise FixtureError(f"{PROFILE_SECTION}: {problem}") from None
    before = sandbox.store.export_tenant(tenant_id)
    async with sandbox.loopback.client() as http:
        try:
            loader = FixtureLoader(http, tenant, sandbox.loopback.token, sandbox.admin_token)
            created = await _load(loader, vendor_sections)
        except BaseException:
            sandbox.store.import_tenant(tenant_id, before)
            raise
    if choices:
        sandbox.tenants.set_profile(tenant_id, choices)
    return {"tenant_id": tenant_id, "created": created}


def read(path: str) -> Any:
    """A fixture file (YAML, or JSON, which is YAML too). A vendor's section left empty
    (``count:`` with nothing under it, as a template leaves it) loads nothing for that vendor."""
    with open(path, encoding="utf-8") as stream:
        try:
            fixture = yaml.safe_load(stream)
        except yaml.YAMLError as problem:
            raise FixtureError(f"{path}: not YAML: {problem}") from None
    if isinstance(fixture, dict):
        fixture = {section: entries for section, entries in fixture.items() if entries is not None}
    return fixture
