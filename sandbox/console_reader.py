"""What the vendors' console readers share: reads through the sandbox's own APIs (in process,
with the tenant's credentials) and the one row shape of the console's table.

Each vendor's ``console.py`` reads its records with a :class:`ConsoleReader` and answers a
:class:`ConsoleSection`; ``sandbox/console.py`` puts the sections together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from sandbox.runtime import INTERNAL_HEADER

Json = dict[str, Any]
# the newest records of each kind the console shows per vendor: a console for demos, not a report
LIMIT = 100


@dataclass
class ConsoleSection:
    """A vendor's rows of the console's table, and any part of the overview of its own."""

    rows: list[Json]
    extra: dict[str, Any] = field(default_factory=dict)


class ConsoleReader:
    def __init__(self, http: httpx.AsyncClient, internal: str, credentials: Mapping[str, Any]):
        self.http = http
        self.internal = {INTERNAL_HEADER: internal}
        self.credentials = credentials

    async def get(self, path: str, headers: Mapping[str, str], **params: Any) -> Any:
        answer = await self.http.get(path, headers={**headers, **self.internal}, params=params)
        answer.raise_for_status()
        return answer.json()


def row(
    vendor: str,
    kind: str,
    object_id: str,
    number: str | None,
    status: str,
    currency: str | None,
    total: Any,
    balance: Any,
    customer: str | None,
) -> Json:
    """One line of the console's table: the same columns for every vendor."""
    return {
        "vendor": vendor,
        "kind": kind,
        "id": object_id,
        "number": number,
        "status": status,
        "currency": currency,
        "total": _money(total),
        "balance": _money(balance),
        "customer": customer,
    }


def _money(value: Any) -> str | None:
    """Amounts as text with two decimals, whether the vendor gave a number or a string."""
    if value is None:
        return None
    return f"{value:.2f}" if isinstance(value, int | float) else str(value)
