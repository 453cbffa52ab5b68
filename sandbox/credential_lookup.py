"""Which tenant a request is for, read from its headers before any check runs.

The sandbox's per-tenant operations (the test clock, faults, the request journal) act around a
request, before the vendor's own authentication decides whether it may proceed. Each vendor
supplies a :data:`TenantOf` that names the tenant its credentials point to without verifying
them fully; a request whose credentials name no tenant gets no tenant's clock, faults or journal,
and is then refused by the vendor's authentication as usual.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import Headers

from sandbox.tenants import TenantRegistry

TenantOf = Callable[[TenantRegistry, Headers], "str | None"]


def bearer_token(headers: Headers) -> str | None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def by_credential(
    vendor: str, field: str, value: str | None, tenants: TenantRegistry
) -> str | None:
    if not value:
        return None
    return tenants.id_by_credential(vendor, field, value)
