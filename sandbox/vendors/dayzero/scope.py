"""Whom a DayZero call acts for, as the models see it: the tenant and the business. The HTTP
layer (``auth.business_scope``) builds it from the request; the models never read a request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BusinessScope:
    """The tenant partition and the business a call acts on."""

    tenant_id: str
    business_id: str
