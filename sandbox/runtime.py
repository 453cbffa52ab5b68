"""What a request handler needs from the running sandbox, found through the request itself.

The app factory stores one :class:`Sandbox` in every request's ASGI scope, so handlers (plain
module functions, as Connexion resolves them from ``operationId``) reach the store of the app
that is serving them. Several apps can live in one process, as they do in the tests.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass, field
from typing import Any

from connexion.context import scope as current_scope

from sandbox.idempotency import InFlightKeys
from sandbox.planted import PlantedBugs
from sandbox.store import Store
from sandbox.tenants import TenantRegistry

SCOPE_KEY = "creditbox.sandbox"


@dataclass(frozen=True)
class Sandbox:
    store: Store
    tenants: TenantRegistry
    vendors: tuple[str, ...]
    planted: PlantedBugs = field(default_factory=PlantedBugs)
    # Idempotency keys of requests being handled right now (never stored)
    in_flight: InFlightKeys = field(default_factory=InFlightKeys)


def sandbox_of(scope: MutableMapping[str, Any]) -> Sandbox:
    sandbox: Sandbox = scope[SCOPE_KEY]
    return sandbox


def current() -> Sandbox:
    """The sandbox serving the request being handled."""
    return sandbox_of(current_scope)
