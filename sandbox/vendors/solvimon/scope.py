"""Whom a Solvimon call acts for, as the models see it: the tenant and the platform picked for
the call; and Solvimon-style ids. The HTTP layer (``auth.caller``) builds the caller from the
request; the models never read a request."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

_ALPHABET = string.ascii_letters + string.digits


def random_id(prefix: str, length: int = 20) -> str:
    """Solvimon-style ids: a short type prefix and random letters and digits."""
    return f"{prefix}_{''.join(secrets.choice(_ALPHABET) for _ in range(length))}"


@dataclass(frozen=True)
class Caller:
    """Who a request acts for: the tenant and the platform picked for this call."""

    tenant_id: str
    platform_id: str
