"""Solvimon's ids: a short type prefix and random letters and digits (``invo_…``, ``cust_…``), for
its records and its ``X-REQUEST-ID``s alike."""

from __future__ import annotations

import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


# the largest multiple of the alphabet's size a byte can hold: bytes below it map onto the
# alphabet evenly, the rest are drawn again
_EVEN = 256 - 256 % len(_ALPHABET)


def random_id(prefix: str, length: int = 20) -> str:
    """Solvimon-style ids: a short type prefix and random letters and digits.

    Every response carries a new one (``X-REQUEST-ID``), so the random bytes are drawn at once
    (one call to the system's random source, where a choice per letter made twenty)."""
    letters: list[str] = []
    while len(letters) < length:
        drawn = secrets.token_bytes(length + length // 2)
        letters += [_ALPHABET[byte % len(_ALPHABET)] for byte in drawn if byte < _EVEN]
    return f"{prefix}_{''.join(letters[:length])}"
