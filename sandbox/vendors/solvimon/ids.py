"""Solvimon's ids: a short type prefix and random letters and digits (``invo_…``, ``cust_…``), for
its records and its ``X-REQUEST-ID``s alike."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


def random_id(prefix: str, length: int = 20) -> str:
    """Solvimon-style ids: a short type prefix and random letters and digits."""
    return f"{prefix}_{''.join(secrets.choice(_ALPHABET) for _ in range(length))}"
