"""Tally's authentication: the tenant's key in ``X-Tally-Key``."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import Headers

from sandbox.credential_lookup import by_credential
from sandbox.runtime import sandbox_of
from sandbox.tenants import TenantRegistry

VENDOR = "tally"
DEMO_CREDENTIALS = {"api_key": "tly_demo_0123456789abcdef"}


def new_credentials() -> dict[str, str]:
    return {"api_key": f"tly_{secrets.token_hex(16)}"}


def request_headers(credentials: Mapping[str, Any]) -> dict[str, str]:
    return {"X-Tally-Key": credentials["api_key"]}


def tenant_of_request(tenants: TenantRegistry, headers: Headers) -> str | None:
    return by_credential(VENDOR, "api_key", headers.get("x-tally-key"), tenants)


def key_info(api_key: str, request: Any) -> dict[str, Any] | None:
    """Connexion's ``x-apikeyInfoFunc``: None (→ 401) unless the key is a tenant's."""
    tenant = sandbox_of(request.scope).tenants.find_by_credential(VENDOR, "api_key", api_key)
    return {"sub": tenant["id"]} if tenant else None
