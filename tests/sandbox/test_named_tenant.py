"""Which tenant a request names is worked out before the app (and its error handling) runs: a
vendor whose credentials reader fails on what a client sent names no tenant, and its own
authentication refuses the request in its own shape, not the server with a bare 500."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import Headers

from sandbox.tenant_middleware import NAMED_TENANT_KEY, MountedVendor, named_tenant


def _unreadable(tenants: Any, headers: Headers) -> str | None:
    raise OverflowError("a claim no genuine token has")


def test_credentials_the_vendor_cannot_read_name_no_tenant() -> None:
    scope: dict[str, Any] = {}
    vendor = MountedVendor("kojo", "/kojo", _unreadable)
    assert named_tenant(scope, vendor, tenants=None, headers=Headers()) is None  # type: ignore[arg-type]
    assert scope[NAMED_TENANT_KEY] is None
