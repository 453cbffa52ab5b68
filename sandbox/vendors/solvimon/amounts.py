"""Solvimon's Amount ``{quantity: "<decimal>", currency: "<ISO 4217>"}`` ↔ integer minor units.

Inside the sandbox every amount is an integer count of the currency's minor unit; the decimal
string is made only at the edge, with exactly as many decimals as the currency has (ISO 4217:
two for most, none for JPY, three for BHD).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

# ISO 4217 currencies whose minor unit is not the hundredth.
_EXPONENTS = {
    **dict.fromkeys(
        ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI"], 0
    ),
    **dict.fromkeys(["VND", "VUV", "XAF", "XOF", "XPF"], 0),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    **dict.fromkeys(["CLF", "UYW"], 4),
}


class AmountError(ValueError):
    """The amount cannot be read in this currency (the message says why)."""


def exponent(currency: str) -> int:
    return _EXPONENTS.get(currency, 2)


def to_minor(quantity: str, currency: str) -> int:
    """``"12.50"`` in EUR → 1250. Refuses more decimals than the currency has."""
    try:
        value = Decimal(quantity)
    except InvalidOperation:
        raise AmountError(f"{quantity!r} is not a decimal number") from None
    scaled = value.scaleb(exponent(currency))
    if scaled != scaled.to_integral_value():
        raise AmountError(f"{currency} amounts have at most {exponent(currency)} decimals")
    return int(scaled)


def to_quantity(minor: int, currency: str) -> str:
    """1250 in EUR → ``"12.50"``; -5 → ``"-0.05"``; 7 in JPY → ``"7"``."""
    digits = exponent(currency)
    if digits == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    whole, fraction = divmod(abs(minor), 10**digits)
    return f"{sign}{whole}.{fraction:0{digits}d}"


def amount(minor: int, currency: str) -> dict[str, Any]:
    return {"quantity": to_quantity(minor, currency), "currency": currency}
