"""One app per profile in use: each tenant is answered in the readings its profile picks.

A disputed point's reading can change the contract (``specs/readings.py``), and the spec is the
routing table and the validator, so a profile is served by a Connexion app of its own, built
from the specs with that profile's overlays applied. All the apps share one :class:`Sandbox`
(store, tenants, journal), so a tenant's data is the same whichever readings present it.

:class:`ProfiledApps` sits outside every app: it names the tenant of a vendor request from its
credentials, merges the tenant's own choices over the server's profile and hands the request to
that profile's app, building it on first use in a worker thread (a build takes about a second,
and no request may stall the others). Everything else (the control API, the console, the docs
of the server's profile) goes to the server profile's app. The sandbox's own requests (fixtures,
the console, through ``Loopback``) always speak the default readings, so one fixture file loads
under every profile.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.runtime import INTERNAL_HEADER, Sandbox
from sandbox.tenant_middleware import VendorMounts, named_tenant
from specs.readings import Profile

AppBuilder = Callable[[Profile], ASGIApp]


class ProfiledApps:
    def __init__(self, build: AppBuilder, sandbox: Sandbox, mounts: VendorMounts) -> None:
        self._build = build
        self._sandbox = sandbox
        self._mounts = mounts
        server = self._server = sandbox.profile
        self._apps: dict[Profile, ASGIApp] = {server: build(server)}
        self._building = threading.Lock()

    def profile_of(self, tenant_id: str | None) -> Profile:
        return tenant_profile(self._sandbox, tenant_id)

    def _app_now(self, profile: Profile) -> ASGIApp:
        with self._building:
            app = self._apps.get(profile)
            if app is None:
                app = self._build(profile)
                self._apps[profile] = app
            return app

    async def app_for(self, profile: Profile) -> ASGIApp:
        app = self._apps.get(profile)
        if app is None:
            app = await asyncio.to_thread(self._app_now, profile)
        return app

    def _profile_of_request(self, scope: Scope) -> Profile:
        found = self._mounts.find(scope["path"])
        if found is None:
            return self._server
        headers = Headers(scope=scope)
        if headers.get(INTERNAL_HEADER) == self._sandbox.loopback.token:
            return Profile.of()
        vendor, _ = found
        return self.profile_of(named_tenant(scope, vendor, self._sandbox.tenants, headers))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):  # lifespan: the server profile's app
            await self._apps[self._server](scope, receive, send)
            return
        app = await self.app_for(self._profile_of_request(scope))
        await app(scope, receive, send)


def tenant_profile(sandbox: Sandbox, tenant_id: str | None) -> Profile:
    """The readings a tenant is answered in: its own choices over the server's profile."""
    choices = sandbox.tenants.profile(tenant_id) if tenant_id else {}
    return sandbox.profile.overriding(choices) if choices else sandbox.profile
