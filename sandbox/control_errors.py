"""The control API's errors, a plain ``{"detail": "<text>"}`` (it is not a vendor API), and the
tenant lookup its routes share: those of ``sandbox/control.py`` and the vendors' own seeding
routes (``sandbox/vendors/<vendor>/control.py``)."""

from __future__ import annotations

from typing import Any

from sandbox.errors import VendorError
from sandbox.runtime import current

TENANT_NOT_FOUND = "Tenant not found"
TENANT_EXISTS = "A tenant with this id already exists"
ADMIN_TOKEN_NEEDED = (
    "The control API needs this sandbox's admin token, as printed by creditbox serve: "
    "Authorization: Bearer <admin token>"
)


class ControlError(VendorError):
    def body(self) -> Any:
        return {"detail": self.message}


class TenantNotFound(ControlError):
    status_code = 404

    def __init__(self) -> None:
        super().__init__(TENANT_NOT_FOUND)


class AdminTokenNeeded(ControlError):
    status_code = 401

    def __init__(self) -> None:
        super().__init__(ADMIN_TOKEN_NEEDED)

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="creditbox control API"'}


class TenantExists(ControlError):
    status_code = 409

    def __init__(self) -> None:
        super().__init__(TENANT_EXISTS)


def known_tenant(tenant_id: str) -> dict[str, Any]:
    """The tenant, or the control API's 404."""
    tenant = current().tenants.find(tenant_id)
    if tenant is None:
        raise TenantNotFound()
    found: dict[str, Any] = tenant
    return found
