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


def _seeded(tenant_id: str, body: dict[str, Any], kind: str) -> Response:
    """Seed an ``invoice`` or a ``creditMemo``; answer it as Kojo's API shows it."""
    backend = _backend(tenant_id)
    seed = backend.seed_invoice if kind == "invoice" else backend.seed_credit_memo
    try:
        seeded = seed(tenant_id, body)
    except SeedError as problem:
        raise ControlError(str(problem), 400) from None
    return seeded_json(tenant_id, kind, seeded["id"]), 201


def seed_invoice(tenant_id: str, body: dict[str, Any]) -> Response:
    return _seeded(tenant_id, body, "invoice")


def seed_credit_memo(tenant_id: str, body: dict[str, Any]) -> Response:
    return _seeded(tenant_id, body, "creditMemo")


# operationId in specs/control.yaml -> the route
ROUTES: dict[str, Callable[..., Response]] = {
    "sandbox.control.seed_kojo_invoice": seed_invoice,
    "sandbox.control.seed_kojo_credit_memo": seed_credit_memo,
}
