"""The control API's spec as served: ``specs/control.yaml`` with every registered vendor's part
of a fixture and of a tenant's credentials.

The file describes the built-in vendors, so that a client generated from it knows them (a test
keeps its lists in step with the registry). A vendor another package adds
(docs/adding-a-vendor.md) is described from its ``VendorMount``: the served spec takes its
fixture section and its credentials, and nothing else changes."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from sandbox.vendor_mount import VendorMount


def with_vendors(spec: dict[str, Any], vendors: Iterable[VendorMount]) -> dict[str, Any]:
    """``spec`` (changed in place and returned) describing ``vendors`` too: each one the file
    does not describe gets its mount's schemas, and the credentials require them all."""
    vendors = tuple(vendors)
    schemas = spec["components"]["schemas"]
    fixture = schemas["Fixture"]["properties"]
    credentials = schemas["Tenant"]["properties"]["credentials"]
    for vendor in vendors:
        fixture.setdefault(vendor.name, copy.deepcopy(dict(vendor.fixture_schema)))
        credentials["properties"].setdefault(
            vendor.name, copy.deepcopy(dict(vendor.credentials_schema))
        )
    credentials["required"] = [vendor.name for vendor in vendors]
    return spec
