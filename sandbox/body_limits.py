"""How big a request body may be, and how long a client may take to send it.

:class:`BodyLimits` sits just inside error handling, so its refusals are answered in the shape of
the API the request was sent to:

- a body larger than its limit is refused **413** without being read whole: at once when
  ``Content-Length`` says so, otherwise (a chunked body) as soon as the bytes received pass the
  limit. Uploads (``multipart/form-data``) have a limit of their own;
- a body that does not arrive in time is refused **408**, so a client that trickles its body in a
  byte at a time holds a connection for a bounded time, not for ever.

The control API, which takes whole tenants (snapshot imports), has a limit of its own.

A body sent without ``Content-Type`` is taken as JSON, as FastAPI (DayZero) takes it and as every
API here speaks it: otherwise the framework would check it as JSON yet hand it on as bytes.

The real vendors do not publish body limits; 1 MiB of JSON is far above any request of theirs,
and the upload limit fits the largest upload the sandbox takes (COUNT's attachments: ten files of
2 MiB, ``sandbox/vendors/count/attachments.py``). Both can be set on ``creditbox serve``.
A body within its limits is read here once and handed on unchanged, with its length in
``Content-Length`` however it was sent, so every later step (COUNT's signature check, validation,
the handlers) sees exactly the bytes the client sent.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.asgi_body import replaying
from sandbox.error_handlers import ErrorShapes
from sandbox.errors import ErrorShape
from sandbox.http_middleware import HttpMiddleware

MIB = 1024 * 1024
JSON = b"application/json"
CONTROL_PATH = "/_sandbox/"


@dataclass(frozen=True)
class RequestLimits:
    json_bytes: int = 1 * MIB
    upload_bytes: int = 21 * MIB  # ten files of 2 MiB and the form around them
    # how long the whole body may take to arrive, from the moment the request's head was read
    body_seconds: float = 30.0
    # the control API takes whole tenants (snapshot imports, fixtures): its own, larger limit
    control_bytes: int = 1024 * MIB

    def bytes_for(self, path: str, content_type: str) -> int:
        if path.startswith(CONTROL_PATH):
            return self.control_bytes
        return self.upload_bytes if content_type.startswith("multipart/") else self.json_bytes


TOO_LARGE = "Request body too large: at most {limit} bytes here"
TOO_SLOW = "Request body not received within {seconds:g} seconds"


class BodyLimits(HttpMiddleware):
    def __init__(self, app: ASGIApp, shapes: ErrorShapes, limits: RequestLimits) -> None:
        super().__init__(app)
        self._shapes = shapes
        self._limits = limits

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        declared = headers.get("content-length")
        if declared in (None, "0") and "transfer-encoding" not in headers:
            await self._app(scope, receive, send)  # no body
            return
        limit = self._limits.bytes_for(scope["path"], headers.get("content-type", "").lower())
        shape = self._shapes.for_path(scope["path"])
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise shape.http_error(413, TOO_LARGE.format(limit=limit))
        body = await self._read(receive, limit, shape)
        await self._app(_as_read(scope, body), replaying(body, receive), send)

    async def _read(self, receive: Receive, limit: int, shape: ErrorShape) -> bytes:
        """The body, or the vendor's 413 once it passes ``limit``, or 408 when it is late."""
        seconds = self._limits.body_seconds
        deadline = time.monotonic() + seconds
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            try:
                message = await asyncio.wait_for(receive(), deadline - time.monotonic())
            except TimeoutError:
                raise shape.http_error(408, TOO_SLOW.format(seconds=seconds)) from None
            if message["type"] != "http.request":
                break  # the client went away; the app sees the disconnect
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise shape.http_error(413, TOO_LARGE.format(limit=limit))
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)


def _as_read(scope: Scope, body: bytes) -> Scope:
    """The request as every later step should see it: the body's length in ``Content-Length``
    (Connexion decides "no body" from it alone, so a chunked body would read as missing), and
    JSON when no ``Content-Type`` was sent."""
    headers = [
        (name, value)
        for name, value in scope["headers"]
        if name.lower() not in (b"content-length", b"transfer-encoding")
    ]
    headers.append((b"content-length", str(len(body)).encode()))
    if body and not any(name.lower() == b"content-type" for name, _ in headers):
        headers.append((b"content-type", JSON))
    return {**scope, "headers": headers}
