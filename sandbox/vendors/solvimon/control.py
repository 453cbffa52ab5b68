"""Solvimon's routes on the control API: invoices of any type in any status (Solvimon's API
creates only one-off drafts on hold, without lines), and API keys with only some permissions or
platforms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.control_errors import ControlError, known_tenant
from sandbox.runtime import current
from sandbox.vendors.solvimon import auth
from sandbox.vendors.solvimon.amounts import AmountError
from sandbox.vendors.solvimon.models import InvoiceBackend

PLATFORM_NOT_OURS = "{platform} is not one of the tenant's Solvimon platforms"

Response = tuple[Any, int]


def _credentials(tenant_id: str) -> dict[str, Any]:
    credentials: dict[str, Any] = known_tenant(tenant_id)["credentials"][auth.VENDOR]
    return credentials


def seed_invoice(tenant_id: str, body: dict[str, Any]) -> Response:
    credentials = _credentials(tenant_id)
    platform = body.get("platform_id") or credentials["platform_id"]
    if platform not in credentials["platform_ids"]:
        raise ControlError(PLATFORM_NOT_OURS.format(platform=platform), 400)
    try:
        invoice = InvoiceBackend(current().store).seed(tenant_id, platform, body)
    except AmountError as problem:
        raise ControlError(str(problem), 400) from None
    return invoice, 201


def create_api_key(tenant_id: str, body: dict[str, Any]) -> Response:
    credentials = _credentials(tenant_id)
    try:
        key = auth.new_key(
            credentials, body["permissions"], body.get("platform_ids"), body.get("description")
        )
    except ValueError as problem:
        raise ControlError(str(problem), 400) from None
    credentials = {**credentials, "api_keys": [*credentials.get("api_keys", []), key]}
    current().tenants.update_credentials(tenant_id, auth.VENDOR, credentials)
    return key, 201


# operationId in specs/control.yaml -> the route
ROUTES: dict[str, Callable[..., Response]] = {
    "sandbox.control.seed_solvimon_invoice": seed_invoice,
    "sandbox.control.create_solvimon_api_key": create_api_key,
}
