"""Money helpers. Inside the sandbox money is always an integer number of minor units (cents);
conversion to a vendor's format happens only at the edge, in the vendor's views."""

from decimal import ROUND_HALF_UP, Decimal


def cents_to_dollars(cents: int) -> str:
    """Format cents as a dollar string with exactly two decimals: 1050 -> "10.50", -5 -> "-0.05"."""
    sign = "-" if cents < 0 else ""
    whole, fraction = divmod(abs(cents), 100)
    return f"{sign}{whole}.{fraction:02d}"


def line_amount(quantity: float | int, unit_price_cents: int) -> int:
    """``quantity x unit price`` in cents, rounded half-up to the cent.

    The quantity goes through ``str`` so that a JSON ``1.1`` is the decimal 1.1, not the nearest
    binary float.
    """
    exact = Decimal(str(quantity)) * Decimal(unit_price_cents)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
