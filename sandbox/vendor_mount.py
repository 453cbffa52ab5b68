"""What the sandbox needs of one vendor API, as one object: its spec and handlers, its error
shape, its credentials, how a request names its tenant, and the parts the shared code calls
(fixture loader, console reader, control-API routes, middleware, documented limits). Each
vendor's entry is listed in ``sandbox/vendors/__init__.py``, or comes from another installed
package through the ``creditbox.vendors`` entry point (docs/adding-a-vendor.md). Most of an
entry follows from its vendor package's modules (``VendorMount.of_package``)."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp

from sandbox.console_reader import ConsoleReader, ConsoleSection
from sandbox.credential_lookup import TenantOf
from sandbox.errors import ErrorShape
from sandbox.fixture_loader import FixtureLoader
from sandbox.vendor_traits import VendorTraits


@dataclass(frozen=True)
class VendorMount:
    name: str
    # the spec: a file name in specs/ (the built-in vendors), or a path to the vendor's own
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
    # the rate limits the vendor documents, each (requests, window in seconds), shortest first
    documented_rate_limits: tuple[tuple[int, float], ...] = ()
    # the non-secret credential fields its stored data refers to (kept by snapshots)
    identity_fields: tuple[str, ...] = ()
    # the fixed headers that authenticate a request as a tenant (none when each request is
    # signed or needs a token first): the pytest plugin hands them to integrators' tests
    request_headers: Callable[[Mapping[str, Any]], dict[str, str]] | None = None
    # its routes on the control API (seeding what its API cannot create), by operationId
    control_routes: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    # its section of a fixture and its credentials in a tenant, for the control API's spec
    # (sandbox/control_spec.py); the built-in vendors are described in specs/control.yaml
    fixture_schema: Mapping[str, Any] = field(default_factory=lambda: {"type": "object"})
    credentials_schema: Mapping[str, Any] = field(default_factory=lambda: {"type": "object"})

    @classmethod
    def of_package(cls, package: str, name: str | None = None, **differs: Any) -> VendorMount:
        """The mount of the vendor package ``package``, read from the modules every vendor
        package has (docs/adding-a-vendor.md): ``auth`` (``new_credentials``,
        ``DEMO_CREDENTIALS``, ``tenant_of_request``, ``request_headers`` when fixed headers
        authenticate), ``errors`` (``SHAPE``), ``fixtures`` (``load``), ``console`` (``read``),
        ``handlers``, and ``control`` (``ROUTES``) when the vendor has routes on the control API.
        Its name is the package's last part unless ``name`` says otherwise, its spec
        ``<name>.yaml`` in specs/; ``differs`` gives the other fields, and any it overrides.
        A package without a ``handlers`` module is refused here, not when the app is built."""
        name = name or package.rpartition(".")[2]
        auth = importlib.import_module(f"{package}.auth")
        if importlib.util.find_spec(f"{package}.handlers") is None:
            raise ValueError(f"{package}: a vendor package has a handlers module")
        has_control = importlib.util.find_spec(f"{package}.control") is not None
        conventions: dict[str, Any] = {
            "spec": f"{name}.yaml",
            "handlers": f"{package}.handlers",
            "shape": importlib.import_module(f"{package}.errors").SHAPE,
            "new_credentials": auth.new_credentials,
            "demo_credentials": auth.DEMO_CREDENTIALS,
            "tenant_of_request": auth.tenant_of_request,
            "request_headers": getattr(auth, "request_headers", None),
            "load_fixture": importlib.import_module(f"{package}.fixtures").load,
            "read_console": importlib.import_module(f"{package}.console").read,
            "control_routes": (
                importlib.import_module(f"{package}.control").ROUTES if has_control else {}
            ),
        }
        return cls(name=name, **{**conventions, **differs})

    @property
    def base_path(self) -> str:
        return f"/{self.name}"

    @property
    def traits(self) -> VendorTraits:
        """What the sandbox's shared parts (faults, snapshots) read of the vendor."""
        return VendorTraits(self.name, self.documented_rate_limits, self.identity_fields)
