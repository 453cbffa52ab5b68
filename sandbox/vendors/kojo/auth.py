"""Kojo authentication: OAuth 2 client credentials for a Bearer token valid 3600 seconds.

Tokens are self-contained (the tenant and the expiry, signed with the tenant's client secret),
so they survive a restart of the sandbox and need no table; a token stops working when it
expires or when the client secret it was signed with is no longer the tenant's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from typing import Any

from sandbox import clock
from sandbox.runtime import sandbox_of
from sandbox.tenants import TenantRegistry
from sandbox.vendors.kojo import errors

VENDOR = "kojo"
TOKEN_SECONDS = 3600
PREFIX = "kj_"
DEMO_CREDENTIALS = {
    "client_id": "kojo_demo_client",
    "client_secret": "kojo_demo_secret_0123456789abcdef",
}


def new_credentials() -> dict[str, str]:
    return {"client_id": f"kojo_{secrets.token_hex(8)}", "client_secret": secrets.token_hex(24)}


def _signature(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()[:40]


def issue_token(tenants: TenantRegistry, client_id: str, client_secret: str) -> dict[str, Any]:
    """The token response for valid client credentials; OAuth's ``invalid_client`` otherwise."""
    tenant = tenants.find_by_credential(VENDOR, "client_id", client_id)
    known = tenant["credentials"][VENDOR]["client_secret"] if tenant else ""
    if tenant is None or not hmac.compare_digest(known, client_secret):
        raise errors.OAuthError("invalid_client", "Unknown client or wrong secret", 401)
    expires = int(clock.now().timestamp()) + TOKEN_SECONDS
    claims = json.dumps({"t": tenant["id"], "e": expires}, separators=(",", ":"))
    payload = base64.urlsafe_b64encode(claims.encode()).decode().rstrip("=")
    token = f"{PREFIX}{payload}.{_signature(known, payload)}"
    return {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_SECONDS}


def tenant_of(tenants: TenantRegistry, token: str) -> str | None:
    """The tenant a token was issued to, if it is genuine; raises when it has expired."""
    if not token.startswith(PREFIX) or "." not in token:
        return None
    payload, signature = token[len(PREFIX) :].rsplit(".", 1)
    try:
        padded = payload + "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded.encode()))
        tenant_id, expires = str(claims["t"]), int(claims["e"])
    except (ValueError, KeyError, TypeError):
        return None
    tenant = tenants.find(tenant_id)
    if tenant is None or VENDOR not in tenant["credentials"]:
        return None
    expected = _signature(tenant["credentials"][VENDOR]["client_secret"], payload)
    if not hmac.compare_digest(expected, signature):
        return None
    if clock.now().timestamp() >= expires:
        raise errors.Unauthenticated(errors.EXPIRED_TOKEN)
    return tenant_id


def bearer_info(token: str, request: Any) -> dict[str, Any] | None:
    """Connexion's ``x-bearerInfoFunc`` for ``/graphql``."""
    sandbox = sandbox_of(request.scope)
    tenant_id = tenant_of(sandbox.tenants, token)
    if tenant_id is None and sandbox.planted.on("kojo_any_token_accepted"):
        tenant_id = "demo"
    return None if tenant_id is None else {"sub": tenant_id}
