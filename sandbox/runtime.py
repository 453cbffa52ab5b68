"""What a request handler needs from the running sandbox, found through the request itself.

The app factory stores one :class:`Sandbox` in every request's ASGI scope, and the sandbox and
profile serving the request in a context variable (:func:`serving`), so handlers and the
vendors' errors (plain module functions, as Connexion resolves them from ``operationId``) reach
the store of the app that is serving them without importing the web framework. Several apps can
live in one process, as they do in the tests.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import httpx

from sandbox.faults import RateLimiter
from sandbox.idempotency import InFlightKeys
from sandbox.journal import RequestJournal
from sandbox.seams import Seams
from sandbox.store import Store
from sandbox.tenants import TenantRegistry
from sandbox.vendor_traits import VendorTraits
from specs.readings import Profile

SCOPE_KEY = "creditbox.sandbox"
# marks the sandbox's own requests (fixtures, the console): see ``Loopback``
INTERNAL_HEADER = "x-creditbox-internal"


@dataclass
class Loopback:
    """The sandbox's own ASGI app, so that fixtures load through the vendors' APIs in process.

    ``token`` marks the sandbox's own requests (header ``x-creditbox-internal``): the tenant's
    faults do not apply to them. It is random per process and never shown to clients.
    """

    app: Any = None
    token: str = field(default_factory=lambda: secrets.token_hex(16))

    def client(self) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=self.app)
        return httpx.AsyncClient(transport=transport, base_url="http://creditbox.internal")


@dataclass(frozen=True)
class Sandbox:
    store: Store
    tenants: TenantRegistry
    vendors: tuple[VendorTraits, ...]
    # what stands in for the sandbox's own classes and functions (none unless a test asks)
    seams: Seams = field(default_factory=Seams)
    # Idempotency keys of requests being handled right now (never stored)
    in_flight: InFlightKeys = field(default_factory=InFlightKeys)
    # the last requests of each tenant (never stored)
    journal: RequestJournal = field(default_factory=RequestJournal)
    # rate-limit windows of the tenants that asked for rate limiting (never stored)
    rate_limiter: RateLimiter = field(default_factory=RateLimiter)
    # draws for fault injection (error rates, jitter)
    rng: random.Random = field(default_factory=random.Random)
    loopback: Loopback = field(default_factory=Loopback)
    # the bearer token the control API asks for (``sandbox.control_access``); None: it is open
    admin_token: str | None = None
    # the readings of disputed points the server answers in, where a tenant chose none
    profile: Profile = field(default_factory=Profile.of)


def sandbox_of(scope: MutableMapping[str, Any]) -> Sandbox:
    sandbox: Sandbox = scope[SCOPE_KEY]
    return sandbox


_serving: ContextVar[tuple[Sandbox, Profile]] = ContextVar("creditbox.serving")


@contextmanager
def serving(sandbox: Sandbox, profile: Profile) -> Iterator[None]:
    """While a request is handled: the sandbox and the profile answering it (nested requests of
    the sandbox's own, through :class:`Loopback`, put back the outer ones when done)."""
    token = _serving.set((sandbox, profile))
    try:
        yield
    finally:
        _serving.reset(token)


def current() -> Sandbox:
    """The sandbox serving the request being handled."""
    return _serving.get()[0]


def reading(point: str) -> str:
    """The reading of a disputed point (``specs/readings.py``) the current request is answered
    in: its tenant's profile over the server's."""
    return _serving.get()[1].reading(point)
