"""Kojo's routes on the control API: invoices and credit memos, which Kojo's API cannot create
(it has no public mutation)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.control_errors import ControlError, known_tenant
from sandbox.runtime import current
from sandbox.vendors.kojo.handlers import seeded_json
from sandbox.vendors.kojo.models import KojoBackend, SeedError

Response = tuple[Any, int]


def _backend(tenant_id: str) -> KojoBackend:
    known_tenant(tenant_id)
    return KojoBackend(current().store)


def seed_invoice(tenant_id: str, body: dict[str, Any]) -> Response:
    try:
        invoice = _backend(tenant_id).seed_invoice(tenant_id, body)
    except SeedError as problem:
        raise ControlError(str(problem), 400) from None
    return seeded_json(tenant_id, "invoice", invoice["id"]), 201


def seed_credit_memo(tenant_id: str, body: dict[str, Any]) -> Response:
    try:
        memo = _backend(tenant_id).seed_credit_memo(tenant_id, body)
    except SeedError as problem:
        raise ControlError(str(problem), 400) from None
    return seeded_json(tenant_id, "creditMemo", memo["id"]), 201


# operationId in specs/control.yaml -> the route
ROUTES: dict[str, Callable[..., Response]] = {
    "sandbox.control.seed_kojo_invoice": seed_invoice,
    "sandbox.control.seed_kojo_credit_memo": seed_credit_memo,
}
