"""COUNT's routes on the control API: a legacy duplicate of a record's UUID (COUNT answers 409
for it until it is migrated), made and migrated on purpose."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.control_errors import ControlError, known_tenant
from sandbox.runtime import current
from sandbox.vendors.count.invoices import InvoiceBackend

RECORD_NOT_FOUND = "No COUNT record has this UUID in the tenant"
NOT_DUPLICATED = "This UUID has no legacy duplicate to migrate"

Response = tuple[Any, int]


def _records(tenant_id: str) -> InvoiceBackend:
    known_tenant(tenant_id)
    return InvoiceBackend(current().store)


def make_duplicate(tenant_id: str, body: dict[str, Any]) -> Response:
    try:
        return _records(tenant_id).plant_duplicate(tenant_id, body["uuid"]), 201
    except LookupError:
        raise ControlError(RECORD_NOT_FOUND, 404) from None


def migrate_duplicate(tenant_id: str, uuid: str) -> Response:
    try:
        return _records(tenant_id).migrate_duplicates(tenant_id, uuid), 200
    except LookupError:
        raise ControlError(NOT_DUPLICATED, 404) from None


# operationId in specs/control.yaml -> the route
ROUTES: dict[str, Callable[..., Response]] = {
    "sandbox.control.plant_count_duplicate": make_duplicate,
    "sandbox.control.migrate_count_duplicate": migrate_duplicate,
}
