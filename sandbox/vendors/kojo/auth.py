"""Kojo authentication: a Bearer token from OAuth 2 client credentials (valid 3600 seconds), or
a legacy API key, which never expires (Kojo's authentication page, https://docs.kojo.tech/docs).
The key's format is ours: Kojo's pages do not show one.

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

from starlette.datastructures import Headers

from sandbox import clock
from sandbox.credential_lookup import bearer_token, by_credential
from sandbox.runtime import sandbox_of
from sandbox.tenants import TenantRegistry
from sandbox.vendors.kojo import errors

VENDOR = "kojo"
TOKEN_SECONDS = 3600
PREFIX = "kj_"
LEGACY_KEY_PREFIX = "kjk_"
DEMO_CREDENTIALS = {
    "client_id": "kojo_demo_client",
    "client_secret": "kojo_demo_secret_0123456789abcdef",
    "api_key": f"{LEGACY_KEY_PREFIX}demo_0123456789abcdef",
}


def new_credentials() -> dict[str, str]:
    return {
        "client_id": f"kojo_{secrets.token_hex(8)}",
        "client_secret": secrets.token_hex(24),
        "api_key": f"{LEGACY_KEY_PREFIX}{secrets.token_hex(20)}",
    }


def _signature(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()[:40]


def issue_token(tenants: TenantRegistry, client_id: str, client_secret: str) -> dict[str, Any]:
    """The token response for valid client credentials; OAuth's ``invalid_client`` otherwise."""
    tenant = tenants.find_by_credential(VENDOR, "client_id", client_id)
    known = tenant["credentials"][VENDOR]["client_secret"] if tenant else ""
    if tenant is None or not hmac.compare_digest(known.encode(), client_secret.encode()):
        raise errors.OAuthError("invalid_client", "Unknown client or wrong secret", 401)
    with clock.tenant_time(tenants.clock_offset(tenant["id"])):
        expires = int(clock.now().timestamp()) + TOKEN_SECONDS
    claims = json.dumps({"t": tenant["id"], "e": expires}, separators=(",", ":"))
    payload = base64.urlsafe_b64encode(claims.encode()).decode().rstrip("=")
    token = f"{PREFIX}{payload}.{_signature(known, payload)}"
    return {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_SECONDS}


def tenant_of(tenants: TenantRegistry, token: str) -> str | None:
    """The tenant a token was issued to, if it is genuine, or whose legacy API key it is; raises
    when a token has expired (a legacy key never does)."""
    if token.startswith(LEGACY_KEY_PREFIX):
        return by_credential(VENDOR, "api_key", token, tenants)
    claims = _genuine_claims(tenants, token)
    if claims is None:
        return None
    tenant_id, expires = claims
    if clock.now().timestamp() >= expires:
        raise errors.Unauthenticated(errors.EXPIRED_TOKEN)
    return tenant_id


def tenant_of_request(tenants: TenantRegistry, headers: Headers) -> str | None:
    """The tenant of the request's bearer token (expired or not), or of the client id in the
    token request's Basic credentials. A token request that sends its credentials in the form
    body names no tenant here; ``issue_token`` still stamps it with the tenant's clock."""
    token = bearer_token(headers)
    if token and token.startswith(LEGACY_KEY_PREFIX):
        return by_credential(VENDOR, "api_key", token, tenants)
    if token:
        claims = _genuine_claims(tenants, token)
        return None if claims is None else claims[0]
    scheme, _, encoded = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id = base64.b64decode(encoded.strip(), validate=True).decode().split(":", 1)[0]
    except (ValueError, UnicodeDecodeError):
        return None
    return by_credential(VENDOR, "client_id", client_id, tenants)


# a genuine token's claims are a tenant id and an expiry: anything longer is forged
MAX_PAYLOAD = 400


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a token carries")


def _genuine_claims(tenants: TenantRegistry, token: str) -> tuple[str, int] | None:
    """A token's tenant and expiry, if the tenant's current secret signed it."""
    if not token.startswith(PREFIX) or "." not in token:
        return None
    payload, signature = token[len(PREFIX) :].rsplit(".", 1)
    if len(payload) > MAX_PAYLOAD:  # the claims name the tenant whose secret signs them
        return None
    try:
        padded = payload + "=" * (-len(payload) % 4)
        claims = json.loads(base64.urlsafe_b64decode(padded.encode()), parse_constant=_no_constant)
        tenant_id, expires = str(claims["t"]), claims["e"]
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    if not isinstance(expires, int) or isinstance(expires, bool):
        return None
    tenant = tenants.view(tenant_id)
    if tenant is None or VENDOR not in tenant["credentials"]:
        return None
    expected = _signature(tenant["credentials"][VENDOR]["client_secret"], payload)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        return None
    return tenant_id, expires


def bearer_info(token: str, request: Any) -> dict[str, Any] | None:
    """Connexion's ``x-bearerInfoFunc`` for ``/graphql``."""
    sandbox = sandbox_of(request.scope)
    tenant_id = sandbox.seams.of(tenant_of)(sandbox.tenants, token)
    return None if tenant_id is None else {"sub": tenant_id}
