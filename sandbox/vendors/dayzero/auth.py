"""DayZero authentication: ``Authorization: Bearer dz_…`` plus ``x-business-id``.

The bearer token identifies the tenant (401 when unknown); the business id must be the token's
own business (403 otherwise), as DayZero answers for a business the token may not act on.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping
from typing import Any

from connexion import request as current_request
from connexion.context import context as request_context
from starlette.datastructures import Headers

from sandbox.credential_lookup import bearer_token, by_credential
from sandbox.runtime import current, sandbox_of
from sandbox.tenants import TenantRegistry
from sandbox.vendors.dayzero.errors import Forbidden
from sandbox.vendors.dayzero.scope import BusinessScope

VENDOR = "dayzero"
DEMO_CREDENTIALS = {
    "token": "dz_demo_0123456789abcdef",
    "business_id": "8f2b6d1e-3c4a-4e5f-9a7b-0c1d2e3f4a5b",
}


def new_credentials() -> dict[str, str]:
    return {"token": f"dz_{secrets.token_hex(16)}", "business_id": str(uuid.uuid4())}


def request_headers(credentials: Mapping[str, Any]) -> dict[str, str]:
    """The headers that authenticate a request as the credentials' tenant."""
    return {
        "Authorization": f"Bearer {credentials['token']}",
        "x-business-id": credentials["business_id"],
    }


def tenant_of_request(tenants: TenantRegistry, headers: Headers) -> str | None:
    """The tenant whose bearer token the request carries (see ``sandbox.credential_lookup``)."""
    return by_credential(VENDOR, "token", bearer_token(headers), tenants)


def token_info(token: str, request: Any) -> dict[str, Any] | None:
    """Connexion's ``x-bearerInfoFunc``: None (→ 401) unless the token belongs to a tenant."""
    tenant = sandbox_of(request.scope).tenants.find_by_credential(VENDOR, "token", token)
    if tenant is None:
        return None
    return {"sub": tenant["id"], "business_id": tenant["credentials"][VENDOR]["business_id"]}


def business_scope() -> BusinessScope:
    """The scope of the current request: its ``x-business-id`` must be the token's business.

    The header is a plain string, as DayZero's OpenAPI slices declare it: one that is no UUID is
    refused here like any business that is not the token's (403). Its length (and, under the
    ``required`` reading of ``dayzero.business-header``, its presence) is checked against the
    spec before this runs (422). Left out, the call acts on
    the token's own business: DayZero's OpenAPI slices declare the header optional and no page
    says what a call without it does (ours; a sandbox token has exactly one business).
    """
    info = request_context["token_info"]
    given = current_request.headers.get("x-business-id")
    if not current().seams.of(may_act_for)(given, info["business_id"]):
        raise Forbidden()
    return BusinessScope(tenant_id=info["sub"], business_id=info["business_id"])


def may_act_for(given: str | None, own_business: str) -> bool:
    """Whether a token of ``own_business`` may act on the business the request names."""
    return given is None or given.lower() == own_business.lower()
