"""Schemathesis hooks module: registers creditbox's invariant checks as Schemathesis checks.

Loaded by the Schemathesis process that ``creditbox contracts`` starts (``SCHEMATHESIS_HOOKS``),
so each invariant runs on every response and a failure is reported under the invariant's name,
e.g. ``Custom check failed: `dayzero_remaining_is_amount_minus_applied```.
"""

from __future__ import annotations

from typing import Any

import schemathesis

from contracts.checks import dayzero


def _json_body(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _make_check(name: str) -> Any:
    def check(ctx: Any, response: Any, case: Any) -> None:
        if 200 <= response.status_code < 300:
            dayzero.run_check(name, _json_body(response))

    check.__name__ = name
    check.__qualname__ = name
    check.__doc__ = dayzero.ALL_CHECKS[name].__doc__
    return check


for _name in dayzero.ALL_CHECKS:
    schemathesis.check(_make_check(_name))
