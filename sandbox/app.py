"""Build the sandbox's ASGI app: one Connexion mount per vendor spec, plus ``/_sandbox``.

The specs are the routing table: every route comes from a spec's ``operationId``; there are no
hand-written routes. The request pipeline reads as steps: route (spec) → authenticate (spec
security) → validate (``sandbox.validation``) → handle (vendor handlers → backend) → respond, with
every refusal shaped by ``sandbox.error_handlers``.
"""

from __future__ import annotations

import copy
import functools
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.resolver import RelativeResolver, Resolver
from connexion.utils import get_function_from_name
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox import control, control_access, error_handlers
from sandbox.body_limits import BodyLimits, RequestLimits
from sandbox.connexion_app import SandboxApp
from sandbox.control_spec import with_vendors as control_spec_with_vendors
from sandbox.direct_routes import DirectRoutes
from sandbox.errors import ErrorShape
from sandbox.journal import DEFAULT_SIZE as DEFAULT_JOURNAL_SIZE
from sandbox.journal import RequestJournal
from sandbox.json_encoding import JSONIFIER
from sandbox.profiled_apps import ProfiledApps
from sandbox.runtime import SCOPE_KEY, Sandbox, serving
from sandbox.seams import Seams
from sandbox.store import Store
from sandbox.tenant_middleware import FaultInjection, MountedVendor, TenantRequests, VendorMounts
from sandbox.tenants import DEMO_TENANT_ID, TenantRegistry
from sandbox.validation import VALIDATOR_MAP
from sandbox.vendors import VENDORS
from specs import spec_path
from specs.readings import Profile, served_spec

CONTROL_BASE_PATH = "/_sandbox"


class _SandboxInScope:
    """ASGI middleware: puts the :class:`Sandbox` into every request's scope, and it and the
    profile the app answers in into the request's context (``sandbox.runtime.serving``), for the
    handlers and the vendors' errors."""

    def __init__(self, app: ASGIApp, sandbox: Sandbox, profile: Profile) -> None:
        self._app = app
        self._sandbox = sandbox
        self._profile = profile

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[SCOPE_KEY] = self._sandbox
        with serving(self._sandbox, self._profile):
            await self._app(scope, receive, send)


@functools.cache
def _parsed_spec(name: str) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec: dict[str, Any] = yaml.load(spec_path(name).read_text(encoding="utf-8"), Loader=loader)
    return spec


def _load_spec(name: str) -> dict[str, Any]:
    """A spec as a fresh dict: parsed once per process (apps are built often in tests), copied
    because Connexion resolves references in place."""
    return copy.deepcopy(_parsed_spec(name))


def create_app(
    data_dir: Path | None = None,
    *,
    demo: bool = True,
    validate_responses: bool = False,
    stand_ins: Mapping[Any, Any] | None = None,
    journal_size: int = DEFAULT_JOURNAL_SIZE,
    admin_token: str | None = None,
    limits: RequestLimits | None = None,
    profile: Profile | None = None,
) -> ProfiledApps:
    """The whole sandbox. ``data_dir=None`` keeps everything in memory.

    ``validate_responses`` makes every response be checked against the spec (a mismatch is a 500):
    the test suite turns it on so that drift between the sandbox and its specs cannot pass.
    ``stand_ins`` puts a caller's classes and functions in place of the sandbox's own
    (``sandbox/seams.py``): the tests use it to serve a drifted deployment on purpose.
    ``admin_token``: the control API asks for it as a bearer token (``sandbox.control_access``);
    without one the control API is open, as it should be only on loopback. ``limits``: body
    sizes and the time a body may take (``sandbox.body_limits``). ``profile``: the readings of
    the disputed points the server answers in (``specs/readings.py``), where a tenant has not
    chosen its own; default readings if None.
    """
    store = Store(data_dir)
    tenants = TenantRegistry(store, {v.name: v.new_credentials for v in VENDORS})
    demo_credentials = {v.name: v.demo_credentials for v in VENDORS}
    if demo:
        tenants.ensure(DEMO_TENANT_ID, "Demo tenant", demo_credentials)
    tenants.add_missing_credentials(demo_credentials)
    sandbox = Sandbox(
        store=store,
        tenants=tenants,
        vendors=tuple(v.traits for v in VENDORS),
        seams=Seams(stand_ins),
        journal=RequestJournal(journal_size),
        admin_token=admin_token,
        profile=profile or Profile.of(),
    )

    # Connexion logs a client's invalid multipart form as an error; it is the client's 400.
    logging.getLogger("connexion.validators.form_data").setLevel(logging.CRITICAL)
    mounts = VendorMounts(
        MountedVendor(vendor.name, vendor.base_path, vendor.tenant_of_request) for vendor in VENDORS
    )

    def build(served: Profile) -> AsyncApp:
        return _profile_app(
            sandbox,
            served,
            mounts,
            validate_responses=validate_responses,
            limits=limits or RequestLimits(),
        )

    apps = ProfiledApps(build, sandbox, mounts)
    sandbox.loopback.app = apps
    return apps


def _profile_app(
    sandbox: Sandbox,
    profile: Profile,
    mounts: VendorMounts,
    *,
    validate_responses: bool,
    limits: RequestLimits,
) -> AsyncApp:
    """The Connexion app that answers in ``profile``'s readings, its routing built at once."""
    app = SandboxApp(__name__, validator_map=VALIDATOR_MAP, jsonifier=JSONIFIER)
    allowed = error_handlers.AllowedMethods()
    shapes: dict[str, ErrorShape] = {CONTROL_BASE_PATH: control.SHAPE}
    for vendor in VENDORS:
        spec = sandbox.seams.of(served_spec)(_parsed_spec(vendor.spec), vendor.name, profile)
        app.add_api(
            spec,
            base_path=vendor.base_path,
            resolver=RelativeResolver(vendor.handlers),
            validate_responses=validate_responses,
            strict_validation=False,
        )
        allowed.add_spec(vendor.base_path, spec)
        shapes[vendor.base_path] = vendor.shape
        for path, shape in vendor.other_shapes:
            shapes[vendor.base_path + path] = shape
        if vendor.before_security is not None:
            app.add_middleware(vendor.before_security, position=MiddlewarePosition.BEFORE_SECURITY)
    control_spec = control_spec_with_vendors(_load_spec("control.yaml"), VENDORS)
    if sandbox.admin_token is None:
        control_spec = control_access.unguarded(control_spec)
    else:
        control_spec = control_access.guarded(control_spec)
    app.add_api(
        control_spec,
        base_path=CONTROL_BASE_PATH,
        resolver=Resolver(_control_route),
        validate_responses=validate_responses,
    )
    allowed.add_spec(CONTROL_BASE_PATH, control_spec)

    error_shapes = error_handlers.ErrorShapes(shapes, control.SHAPE)
    error_handlers.install(app, error_shapes, allowed, profile)
    app.add_middleware(
        _SandboxInScope,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        sandbox=sandbox,
        profile=profile,
    )
    app.add_middleware(
        TenantRequests, position=MiddlewarePosition.BEFORE_EXCEPTION, sandbox=sandbox, mounts=mounts
    )
    app.add_middleware(
        BodyLimits,
        position=MiddlewarePosition.BEFORE_SWAGGER,
        shapes=error_shapes,
        limits=limits,
    )
    app.add_middleware(
        FaultInjection,
        position=MiddlewarePosition.BEFORE_SWAGGER,
        sandbox=sandbox,
        shapes=error_shapes,
    )
    # innermost of the layers before the Swagger UI: where Connexion's routing walk begins
    app.add_middleware(DirectRoutes, position=MiddlewarePosition.BEFORE_SWAGGER)
    for vendor in VENDORS:
        if vendor.stamp_responses is not None:
            for position in (
                MiddlewarePosition.BEFORE_EXCEPTION,
                MiddlewarePosition.BEFORE_CONTEXT,
            ):
                app.add_middleware(vendor.stamp_responses, position=position)
    app.build_now()
    stack = app.middleware.middleware_stack
    for layer in stack:
        if isinstance(layer, DirectRoutes):
            layer.compile(stack)
    return app


def _control_route(operation_id: str) -> Any:
    """A control API route: a vendor's own (its registry entry's ``control_routes``), or the
    function its operationId names (``sandbox.control``)."""
    for vendor in VENDORS:
        if operation_id in vendor.control_routes:
            return vendor.control_routes[operation_id]
    return get_function_from_name(operation_id)


def demo_banner(base_url: str) -> str:
    """What ``creditbox serve`` prints: the demo tenant's credentials and a first request."""
    lines = ["Demo tenant (fixed credentials):"]
    for vendor in VENDORS:
        credentials = ", ".join(
            f"{key}={','.join(value) if isinstance(value, list) else value}"
            for key, value in vendor.demo_credentials.items()
            if value != []
        )
        lines.append(f"  {vendor.name}: {credentials}  base URL {base_url}{vendor.base_path}")
    lines.append(
        "API docs: "
        + "  ".join(f"{base_url}{vendor.base_path}/ui/" for vendor in VENDORS)
        + f"  control API: {base_url}{CONTROL_BASE_PATH}/ui/"
    )
    return "\n".join(lines)
