"""What the drifts of several vendors share: a page that repeats a row, a refusal answered as a
success."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from tests.support.drift_proxy import Exchange

JSON = dict[str, Any]


def duplicate_last(rows: Any) -> None:
    """The page's last row replaced by its first: one row seen twice, one never."""
    if isinstance(rows, list) and len(rows) >= 2:
        rows[-1] = rows[0]


def duplicated_page(path: str, rows: str) -> Callable[[Exchange], None]:
    """A list at ``path`` whose page (under ``rows``) repeats its first row in place of its
    last."""

    def rewrite(exchange: Exchange) -> None:
        body = exchange.body
        if exchange.method == "GET" and exchange.path == path and isinstance(body, dict):
            duplicate_last(body.get(rows))

    return rewrite


def answers_unchanged(exchange: Exchange) -> None:
    """The answer as the deployment gives it: for a drift in what it answers itself
    (``Drift.answers``) or in how it reads requests."""


def refusal_accepted(exchange: Exchange, method: str, path: re.Pattern[str], ok: int) -> None:
    if exchange.method == method and path.search(exchange.path) and exchange.status == 400:
        exchange.status, exchange.body = ok, {}
