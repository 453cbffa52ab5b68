"""The vendor APIs the sandbox mounts, each from its spec: ``/<name>`` + the vendor's own paths."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp

from sandbox.console_reader import ConsoleReader, ConsoleSection
from sandbox.credential_lookup import TenantOf
from sandbox.errors import ErrorShape
from sandbox.fixture_loader import FixtureLoader
from sandbox.vendor_traits import VendorTraits
from sandbox.vendors.count import auth as count_auth
from sandbox.vendors.count import console as count_console
from sandbox.vendors.count import control as count_control
from sandbox.vendors.count import errors as count_errors
from sandbox.vendors.count import fixtures as count_fixtures
from sandbox.vendors.dayzero import auth as dayzero_auth
from sandbox.vendors.dayzero import console as dayzero_console
from sandbox.vendors.dayzero import errors as dayzero_errors
from sandbox.vendors.dayzero import fixtures as dayzero_fixtures
from sandbox.vendors.kojo import auth as kojo_auth
from sandbox.vendors.kojo import console as kojo_console
from sandbox.vendors.kojo import control as kojo_control
from sandbox.vendors.kojo import errors as kojo_errors
from sandbox.vendors.kojo import fixtures as kojo_fixtures
from sandbox.vendors.solvimon import auth as solvimon_auth
from sandbox.vendors.solvimon import console as solvimon_console
from sandbox.vendors.solvimon import control as solvimon_control
from sandbox.vendors.solvimon import errors as solvimon_errors
from sandbox.vendors.solvimon import fixtures as solvimon_fixtures
from sandbox.vendors.solvimon import middleware as solvimon_middleware


@dataclass(frozen=True)
class VendorMount:
    name: str
    spec: str
    handlers: str
    shape: ErrorShape
    new_credentials: Callable[[], dict[str, Any]]
    demo_credentials: dict[str, Any]
    # which tenant a request's credentials name, before they are checked (sandbox.credential_lookup)
    tenant_of_request: TenantOf
    # loads the vendor's section of a fixture (sandbox/vendors/<name>/fixtures.py)
    load_fixture: Callable[[FixtureLoader, dict[str, Any]], Awaitable[None]]
    # reads the vendor's part of the demo console (sandbox/vendors/<name>/console.py)
    read_console: Callable[[ConsoleReader], Awaitable[ConsoleSection]]
    # ASGI middleware that must see the raw request before security (e.g. COUNT's HMAC check)
    before_security: Callable[[ASGIApp], ASGIApp] | None = None
    # ASGI middleware that stamps headers on every response (e.g. Solvimon's X-REQUEST-ID):
    # installed around error handling, for refusals, and inside response validation, so that a
    # handler's response is validated with the header on
    stamp_responses: Callable[[ASGIApp], ASGIApp] | None = None
    # error shapes for parts of the mount that answer in another shape (path under the mount)
    other_shapes: tuple[tuple[str, ErrorShape], ...] = ()
    # the rate limit the vendor documents: (requests, window in seconds)
    documented_rate_limit: tuple[int, float] | None = None
    # the non-secret credential fields its stored data refers to (kept by snapshots)
    identity_fields: tuple[str, ...] = ()
    # the fixed headers that authenticate a request as a tenant (none when each request is
    # signed or needs a token first): the pytest plugin hands them to integrators' tests
    request_headers: Callable[[Mapping[str, Any]], dict[str, str]] | None = None
    # its routes on the control API (seeding what its API cannot create), by operationId
    control_routes: Mapping[str, Callable[..., Any]] = field(default_factory=dict)

    @property
    def base_path(self) -> str:
        return f"/{self.name}"

    @property
    def traits(self) -> VendorTraits:
        """What the sandbox's shared parts (faults, snapshots) read of the vendor."""
        return VendorTraits(self.name, self.documented_rate_limit, self.identity_fields)


VENDORS: tuple[VendorMount, ...] = (
    VendorMount(
        name="dayzero",
        spec="dayzero.yaml",
        handlers="sandbox.vendors.dayzero.handlers",
        shape=dayzero_errors.SHAPE,
        new_credentials=dayzero_auth.new_credentials,
        demo_credentials=dayzero_auth.DEMO_CREDENTIALS,
        tenant_of_request=dayzero_auth.tenant_of_request,
        load_fixture=dayzero_fixtures.load,
        read_console=dayzero_console.read,
        request_headers=dayzero_auth.request_headers,
        identity_fields=("business_id",),
    ),
    VendorMount(
        name="count",
        spec="count.yaml",
        handlers="sandbox.vendors.count.handlers",
        shape=count_errors.SHAPE,
        new_credentials=count_auth.new_credentials,
        demo_credentials=count_auth.DEMO_CREDENTIALS,
        tenant_of_request=count_auth.tenant_of_request,
        load_fixture=count_fixtures.load,
        read_console=count_console.read,
        control_routes=count_control.ROUTES,
        before_security=count_auth.SignatureMiddleware,
        # 100 requests a minute per client id: COUNT's getting-started/important-note page
        documented_rate_limit=(100, 60.0),
        identity_fields=("workspace_id",),
    ),
    VendorMount(
        name="solvimon",
        spec="solvimon.yaml",
        handlers="sandbox.vendors.solvimon.handlers",
        shape=solvimon_errors.SHAPE,
        new_credentials=solvimon_auth.new_credentials,
        demo_credentials=solvimon_auth.DEMO_CREDENTIALS,
        tenant_of_request=solvimon_auth.tenant_of_request,
        load_fixture=solvimon_fixtures.load,
        read_console=solvimon_console.read,
        request_headers=solvimon_auth.request_headers,
        control_routes=solvimon_control.ROUTES,
        before_security=solvimon_middleware.VersionGuard,
        stamp_responses=solvimon_middleware.RequestIds,
        identity_fields=("platform_id", "platform_ids"),
    ),
    VendorMount(
        name="kojo",
        spec="kojo.yaml",
        handlers="sandbox.vendors.kojo.handlers",
        shape=kojo_errors.SHAPE,
        new_credentials=kojo_auth.new_credentials,
        demo_credentials=kojo_auth.DEMO_CREDENTIALS,
        tenant_of_request=kojo_auth.tenant_of_request,
        load_fixture=kojo_fixtures.load,
        read_console=kojo_console.read,
        control_routes=kojo_control.ROUTES,
        other_shapes=(("/oauth2", kojo_errors.OAUTH_SHAPE),),
        # 20 requests a second per organisation: Kojo's getting-started/api-limits page
        documented_rate_limit=(20, 1.0),
    ),
)
