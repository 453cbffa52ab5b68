"""Solvimon authentication: API keys with permissions and platforms, ``x-platform-id``.

Each tenant has one full-access key (every permission, every platform of the tenant) and may
get restricted keys through the control API. A key reaches a set of platforms; ``x-platform-id``
picks one of them (the key's first when left out), and every invoice belongs to one platform.

Where the sandbox differs from Solvimon: Solvimon grants access through roles on account
memberships; the sandbox gives a key a plain list of permission names, the ones Solvimon's
reference names (``INVOICE.VIEW``, ``INVOICE.CREDIT.CREATE``, ...). Solvimon's Bearer tokens are
user tokens; the sandbox accepts any of the tenant's API keys as a Bearer token.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from connexion.context import context as request_context
from starlette.datastructures import Headers

from sandbox import clock
from sandbox.credential_lookup import bearer_token
from sandbox.runtime import sandbox_of
from sandbox.tenants import TenantRegistry
from sandbox.vendors.solvimon import errors
from sandbox.vendors.solvimon.ids import random_id
from sandbox.vendors.solvimon.scope import Caller

VENDOR = "solvimon"
VIEW = "INVOICE.VIEW"
CREDIT = "INVOICE.CREDIT.CREATE"
ONE_OFF_CREATE = "INVOICE.ONE_OFF.CREATE"
REFUND = "INVOICE.REFUND"
PERMISSIONS = (VIEW, CREDIT, ONE_OFF_CREATE, REFUND, "INVOICE.UPDATE")

DEMO_CREDENTIALS: dict[str, Any] = {
    "api_key": "slv_demo_0123456789abcdef",
    "platform_id": "plat_demo_main",
    "platform_ids": ["plat_demo_main", "plat_demo_second"],
    "api_keys": [],
}


def new_credentials() -> dict[str, Any]:
    platforms = [random_id("plat"), random_id("plat")]
    return {
        "api_key": f"slv_{secrets.token_hex(16)}",
        "platform_id": platforms[0],
        "platform_ids": platforms,
        "api_keys": [],
    }


def new_key(
    credentials: Mapping[str, Any],
    permissions: Iterable[str],
    platform_ids: Iterable[str] | None,
    description: str | None,
) -> dict[str, Any]:
    """A restricted key of the tenant: ``platform_ids`` must be the tenant's own platforms."""
    platforms = list(platform_ids or credentials["platform_ids"])
    foreign = [p for p in platforms if p not in credentials["platform_ids"]]
    if foreign:
        raise ValueError(f"not a platform of this tenant: {', '.join(foreign)}")
    unknown = [p for p in permissions if p not in PERMISSIONS]
    if unknown:
        raise ValueError(f"unknown permission: {', '.join(unknown)}")
    return {
        "api_key": f"slv_{secrets.token_hex(16)}",
        "description": description or "",
        "permissions": sorted(set(permissions)),
        "platform_ids": platforms,
        "created_at": clock.timestamp(),
    }


@dataclass(frozen=True)
class Grant:
    """What one key may do: its tenant, permissions and platforms (first = default)."""

    tenant_id: str
    permissions: frozenset[str]
    platform_ids: tuple[str, ...]

    def info(self) -> dict[str, Any]:
        return {
            "sub": self.tenant_id,
            "permissions": sorted(self.permissions),
            "platform_ids": list(self.platform_ids),
        }


def grant_for(tenants: TenantRegistry, key: str) -> Grant | None:
    tenant = tenants.find_by_credential(VENDOR, "api_key", key)  # its own key or an extra one
    if tenant is None:
        return None
    credentials = tenant["credentials"][VENDOR]
    if credentials["api_key"] == key:
        return Grant(tenant["id"], frozenset(PERMISSIONS), tuple(credentials["platform_ids"]))
    extra = next(k for k in credentials["api_keys"] if k["api_key"] == key)
    return Grant(tenant["id"], frozenset(extra["permissions"]), tuple(extra["platform_ids"]))


def request_headers(credentials: Mapping[str, Any]) -> dict[str, str]:
    """The headers that authenticate a request as the credentials' tenant, on its platform."""
    return {"X-API-KEY": credentials["api_key"], "x-platform-id": credentials["platform_id"]}


def tenant_of_request(tenants: TenantRegistry, headers: Headers) -> str | None:
    """The tenant holding the request's API key (``X-API-KEY`` or a bearer token)."""
    key = headers.get("x-api-key") or bearer_token(headers)
    grant = grant_for(tenants, key) if key else None
    return None if grant is None else grant.tenant_id


def api_key_info(api_key: str, request: Any) -> dict[str, Any] | None:
    """Connexion's ``x-apikeyInfoFunc`` for ``X-API-KEY``."""
    grant = grant_for(sandbox_of(request.scope).tenants, api_key)
    return grant.info() if grant else None


def bearer_info(token: str, request: Any) -> dict[str, Any] | None:
    """Connexion's ``x-bearerInfoFunc``: the sandbox takes the tenant's API keys as tokens."""
    return api_key_info(token, request)


def caller(*any_of: str) -> Caller:
    """The caller of the current request, if its key holds one of ``any_of`` and reaches the
    platform in ``x-platform-id``; Solvimon's 403 otherwise."""
    from connexion import request

    info = request_context["token_info"]
    info = info.get("API-Key") or info.get("JWT-Authentication") or info
    platforms = info["platform_ids"]
    platform = request.headers.get("x-platform-id") or platforms[0]
    if platform not in platforms:
        raise errors.NotAllowed(
            errors.PLATFORM_NOT_ALLOWED.format(platform=platform[:256]),
            resource_id=platform[:256],
            resource_type=errors.PLATFORM,
        )
    if not sandbox_of(request.scope).seams.of(granted)(info["permissions"], any_of):
        message = errors.PERMISSION_MISSING if len(any_of) == 1 else errors.PERMISSIONS_MISSING
        raise errors.NotAllowed(
            message.format(permission=any_of[0], permissions=" or ".join(any_of))
        )
    return Caller(info["sub"], platform)


def granted(permissions: list[str], any_of: tuple[str, ...]) -> bool:
    """Whether a key with ``permissions`` holds one of ``any_of``."""
    return any(permission in permissions for permission in any_of)
