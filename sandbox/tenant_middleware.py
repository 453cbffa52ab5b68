"""Around every vendor request: whose it is, on whose clock, with which faults, in whose journal.

Two ASGI middlewares, installed by the app factory:

- :class:`TenantRequests`, outermost, names the tenant from the request's credentials (each
  vendor's ``tenant_of_request``), runs the request on that tenant's test clock and records it in
  the tenant's journal with the status that was finally sent. Control-API requests about one
  tenant (``/_sandbox/tenants/{id}/...``) run on its clock too, so data seeded through them is
  stamped with the tenant's time; they are not journaled.
- :class:`FaultInjection`, inside error handling (so its refusals are answered in the vendor's
  shape), applies the tenant's rate limit, latency and error rate before the vendor's code runs.
  The control API is never faulted: it is how faults are switched off.
"""

from __future__ import annotations

import asyncio
import http
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox import clock
from sandbox.credential_lookup import TenantOf
from sandbox.error_handlers import ErrorShapes
from sandbox.faults import FaultSettings
from sandbox.http_middleware import HttpMiddleware
from sandbox.runtime import INTERNAL_HEADER, Sandbox
from sandbox.tenants import TenantRegistry

TENANT_KEY = "creditbox.tenant"
# the tenant a vendor request's credentials name, once named (``named_tenant``)
NAMED_TENANT_KEY = "creditbox.named_tenant"
VENDOR_KEY = "creditbox.vendor"
INTERNAL_KEY = "creditbox.internal"
_CONTROL_TENANT = re.compile(r"^/_sandbox/tenants/([^/]+)/")


_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MountedVendor:
    name: str
    base_path: str
    tenant_of: TenantOf


def named_tenant(
    scope: Scope, vendor: MountedVendor, tenants: TenantRegistry, headers: Headers
) -> str | None:
    """The tenant the request's credentials name, worked out once per request: the profile
    dispatch (``sandbox.profiled_apps``) and ``TenantRequests`` both ask, and naming a Kojo
    tenant checks a token's signature."""
    if NAMED_TENANT_KEY not in scope:
        try:
            scope[NAMED_TENANT_KEY] = vendor.tenant_of(tenants, headers)
        except Exception:  # credentials a vendor cannot read name no tenant: its auth refuses
            _log.exception("naming the tenant of a %s request failed", vendor.name)
            scope[NAMED_TENANT_KEY] = None
    named: str | None = scope[NAMED_TENANT_KEY]
    return named


class VendorMounts:
    def __init__(self, mounts: Iterable[MountedVendor]) -> None:
        self._mounts = tuple(mounts)

    def find(self, path: str) -> tuple[MountedVendor, str] | None:
        """The vendor a path belongs to, and the path under its mount."""
        for mount in self._mounts:
            if path == mount.base_path or path.startswith(mount.base_path + "/"):
                return mount, path[len(mount.base_path) :] or "/"
        return None


class TenantRequests(HttpMiddleware):
    def __init__(self, app: ASGIApp, sandbox: Sandbox, mounts: VendorMounts) -> None:
        super().__init__(app)
        self._sandbox = sandbox
        self._mounts = mounts

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        tenants = self._sandbox.tenants
        found = self._mounts.find(scope["path"])
        if found is None:
            about = _CONTROL_TENANT.match(scope["path"])
            with clock.tenant_time(tenants.clock_offset(about.group(1) if about else "")):
                await self._app(scope, receive, send)
            return
        vendor, path = found
        headers = Headers(scope=scope)
        tenant_id = named_tenant(scope, vendor, tenants, headers)
        if headers.get(INTERNAL_HEADER) == self._sandbox.loopback.token:
            scope[INTERNAL_KEY] = True  # the sandbox's own request: no faults, no journal
        if tenant_id is None:
            await self._app(scope, receive, send)
            return
        scope[TENANT_KEY] = tenant_id
        scope[VENDOR_KEY] = (vendor.name, path)
        status = 500  # what the client sees if the app fails before answering

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        started = time.perf_counter()
        at = clock.real_now()
        with clock.tenant_time(tenants.clock_offset(tenant_id)):
            tenant_time = clock.now()  # the journal writes both out when it is read
            try:
                await self._app(scope, receive, sending)
            finally:
                if not scope.get(INTERNAL_KEY):
                    self._sandbox.journal.record(
                        tenant_id,
                        {
                            "at": at,
                            "tenant_time": tenant_time,
                            "vendor": vendor.name,
                            "method": scope["method"],
                            "path": scope["path"],
                            "query": scope.get("query_string", b"").decode("latin-1"),
                            "status": status,
                            "latency_ms": round((time.perf_counter() - started) * 1000, 1),
                        },
                    )


class FaultInjection(HttpMiddleware):
    def __init__(self, app: ASGIApp, sandbox: Sandbox, shapes: ErrorShapes) -> None:
        super().__init__(app)
        self._sandbox = sandbox
        self._shapes = shapes

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        tenant_id = scope.get(TENANT_KEY)
        internal = scope.get(INTERNAL_KEY, False)
        stored = self._sandbox.tenants.faults(tenant_id) if tenant_id and not internal else None
        if stored:
            await self._inject(FaultSettings.stored(stored), tenant_id or "", scope)
        await self._app(scope, receive, send)

    async def _inject(self, settings: FaultSettings, tenant_id: str, scope: Scope) -> None:
        """Wait, or raise the vendor-shaped refusal, as the tenant's faults say."""
        vendor, path = scope[VENDOR_KEY]
        method, rng = scope["method"], self._sandbox.rng
        shape = self._shapes.for_path(scope["path"])
        limits = settings.rate_limits_of(vendor)
        if limits:
            # the tenant's clock (set by TenantRequests, outside): its offset moves the windows
            now = time.monotonic() + clock.offset_seconds()
            wait = self._sandbox.rate_limiter.admit(tenant_id, limits, now)
            if wait is not None:
                raise shape.rate_limited(wait)
        delay = settings.delay_seconds(vendor, method, path, rng)
        if delay > 0:
            await asyncio.sleep(delay)
        status = settings.error_status(vendor, method, path, rng)
        if status is not None:
            raise shape.http_error(status, http.HTTPStatus(status).phrase)
