"""COUNT authentication: HMAC headers on every call plus a Bearer partner access token.

The signature covers the body's exact bytes, which Connexion's security handlers never see, so
:class:`SignatureMiddleware` checks it before security runs (and replays the body). The bearer
token then names the workspace: a token of another tenant's workspace is 403, an unknown one 401.
"""

from __future__ import annotations

import secrets
import time
import uuid
from typing import Any

from connexion.context import context as request_context
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.asgi_body import read_body, replaying
from sandbox.credential_lookup import by_credential
from sandbox.runtime import sandbox_of
from sandbox.tenants import TenantRegistry
from sandbox.vendors.count import errors
from sandbox.vendors.count.oauth import TOKEN_EXPIRED, OAuthBackend
from sandbox.vendors.count.scope import Workspace
from sandbox.vendors.count.signature import SignatureError, verify

VENDOR = "count"
MOUNT = "/count"
PREFIX = "/partners"
CLIENT_KEY = "creditbox.count.client"
DEMO_CREDENTIALS = {
    "client_id": "cnt_demo_client",
    "client_secret": "cnt_demo_secret_0123456789abcdef",
    "access_token": "cpt_demo_0123456789abcdef",
    "workspace_id": "5d1c2b3a-4e5f-4a6b-9c7d-8e9f0a1b2c3d",
}


def new_credentials() -> dict[str, str]:
    return {
        "client_id": f"cnt_{secrets.token_hex(8)}",
        "client_secret": secrets.token_hex(24),
        "access_token": f"cpt_{secrets.token_hex(16)}",
        "workspace_id": str(uuid.uuid4()),
    }


def signed_path(scope_path: str) -> str:
    """The path COUNT signs: without the sandbox mount and without ``/partners``."""
    path = scope_path[len(MOUNT) :] if scope_path.startswith(MOUNT + "/") else scope_path
    return path[len(PREFIX) :] if path.startswith(PREFIX + "/") or path == PREFIX else path


class SignatureMiddleware:
    """ASGI middleware, before security: verify COUNT's HMAC over the exact body bytes."""

    serves_only = MOUNT  # the direct routes of other mounts leave it out (sandbox.direct_routes)

    def __init__(self, app: ASGIApp, window_seconds: float = 300) -> None:
        self.app = app
        self.window = window_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(f"{MOUNT}{PREFIX}"):
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        scope[CLIENT_KEY] = self._client(scope, body)
        await self.app(scope, replaying(body, receive), send)

    def _client(self, scope: Scope, body: bytes) -> str:
        """The tenant whose client signed the request; raises COUNT's 401 otherwise."""
        headers = Headers(scope=scope)
        client_id = headers.get("x-client-id")
        timestamp = headers.get("x-timestamp")
        signature = headers.get("x-signature")
        if not (client_id and timestamp and signature):
            raise errors.Unauthorized(errors.MISSING_HMAC_HEADERS)
        tenant = sandbox_of(scope).tenants.find_by_credential(VENDOR, "client_id", client_id)
        if tenant is None:
            raise errors.Unauthorized(errors.UNKNOWN_CLIENT)
        secret = tenant["credentials"][VENDOR]["client_secret"]
        raw = scope.get("raw_path")
        paths = [signed_path(scope["path"])]
        if isinstance(raw, bytes):
            paths.insert(0, signed_path(raw.decode("latin-1").split("?", 1)[0]))
        try:
            verify(
                secret,
                scope["method"],
                paths,
                timestamp,
                signature,
                body,
                now=time.time(),
                window=self.window,
            )
        except SignatureError as refusal:
            sandbox_of(scope).seams.of(refuse_signature)(refusal)
        return str(tenant["id"])


def refuse_signature(refusal: SignatureError) -> None:
    """A request whose signature does not verify is COUNT's 401."""
    raise errors.Unauthorized(str(refusal)) from None


def tenant_of_request(tenants: TenantRegistry, headers: Headers) -> str | None:
    """The tenant whose client id signs the request: COUNT's limits are per client."""
    return by_credential(VENDOR, "client_id", headers.get("x-client-id"), tenants)


def token_info(token: str, request: Any) -> dict[str, Any] | None:
    """Connexion's ``x-bearerInfoFunc``: the token's workspace must be the signing client's. The
    tenant's own access token never expires; one its client obtained through the OAuth flow
    (``oauth``) does: 401 ``token_expired`` once its hour has passed on the tenant's clock."""
    sandbox = sandbox_of(request.scope)
    tenant = sandbox.tenants.find_by_credential(VENDOR, "access_token", token)
    signer = request.scope.get(CLIENT_KEY)
    if tenant is None and signer is not None:
        valid = OAuthBackend(sandbox.store, signer).access(token)
        if valid is False:
            raise errors.TokenExpired(TOKEN_EXPIRED)
        tenant = sandbox.tenants.find(signer) if valid else None
    if tenant is None:
        return None
    if tenant["id"] != signer:
        raise errors.Forbidden(errors.WORKSPACE_NOT_AUTHORISED)
    return {"sub": tenant["id"], "workspace_id": tenant["credentials"][VENDOR]["workspace_id"]}


def signed_header_info(value: str, required_scopes: Any = None) -> dict[str, str]:
    """Connexion's ``x-apikeyInfoFunc`` for the HMAC headers: SignatureMiddleware has already
    verified them over the exact body, so here their presence is all that is left to check."""
    return {"value": value}


def workspace() -> Workspace:
    """The workspace the current request acts on (after signature and token checks)."""
    info = request_context["token_info"]
    info = info.get("partnerToken", info)  # several schemes together: keyed by scheme name
    from connexion import request

    client_id = request.headers.get("x-client-id", "")
    return Workspace(info["sub"], info["workspace_id"], client_id)
