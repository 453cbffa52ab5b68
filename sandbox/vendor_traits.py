"""What the sandbox's shared parts need to know of a vendor, so that they never name one.

Each vendor's registry entry (``sandbox/vendors/__init__.py``) carries its traits; the app factory
hands them to the running sandbox, where faults and snapshots read them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class VendorTraits:
    name: str
    # the rate limits the vendor documents, each (requests, window in seconds), shortest window
    # first; empty when it names none
    documented_rate_limits: tuple[tuple[int, float], ...] = ()
    # the non-secret credential fields the vendor's stored data refers to (a snapshot keeps them)
    identity_fields: tuple[str, ...] = ()

    @property
    def table_prefix(self) -> str:
        """Every table of the vendor's data starts with it (each vendor's backend names them)."""
        return f"{self.name}_"
