"""ASGI steps of the Solvimon mount that sit around the spec-driven pipeline.

- :class:`RequestIds`: every response under ``/solvimon``, errors included, carries
  ``X-REQUEST-ID: reqr_…``, as Solvimon's do. Installed twice (see ``VendorMount``); the inner
  one stamps handler responses, the outer one refusals, and neither stamps a response twice.
- :class:`VersionGuard` (after routing, before security): only API version 1 exists; a call to
  ``/v2/...`` is Solvimon's 404 ``UNSUPPORTED_VERSION`` whatever else is wrong with it.
"""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandbox.vendors.solvimon import errors
from sandbox.vendors.solvimon.ids import random_id

MOUNT = "/solvimon"
VERSION = "1"
_VERSIONED = re.compile(rf"^{MOUNT}/v([^/]*)/")


def _under_mount(scope: Scope) -> bool:
    path = str(scope.get("path", ""))
    return scope["type"] == "http" and (path == MOUNT or path.startswith(MOUNT + "/"))


class RequestIds:
    serves_only = MOUNT  # the direct routes of other mounts leave it out (sandbox.direct_routes)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _under_mount(scope):
            await self.app(scope, receive, send)
            return
        request_id = random_id("reqr")

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "x-request-id" not in headers:
                    headers["X-REQUEST-ID"] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)


class VersionGuard:
    serves_only = MOUNT

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if _under_mount(scope):
            versioned = _VERSIONED.match(str(scope["path"]))
            if versioned and versioned.group(1) != VERSION:
                raise errors.UnsupportedVersion(versioned.group(1))
        await self.app(scope, receive, send)
