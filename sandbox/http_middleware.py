"""What the sandbox's own ASGI middlewares share: they act on HTTP requests only.

The server also hands the app its lifespan events, which carry no request: nothing to limit,
no tenant to name, no fault to inject. :class:`HttpMiddleware` passes every such event on
untouched, so each middleware says only what it does to a request.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send


class HttpMiddleware:
    """An ASGI middleware whose :meth:`handle` sees each HTTP request; anything else goes
    straight to the app it wraps."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self._app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        """One HTTP request, handed on to the wrapped app (``self._app``) or refused."""
        raise NotImplementedError
