"""Whom a Solvimon call acts for, as the models see it: the tenant and the platform picked for
the call. The HTTP layer (``auth.caller``) builds it from the request; the models never read a
request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Caller:
    """Who a request acts for: the tenant and the platform picked for this call."""

    tenant_id: str
    platform_id: str
