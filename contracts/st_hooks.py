"""Schemathesis hooks module: registers creditbox's invariant checks as Schemathesis checks.

Loaded by the Schemathesis process that ``creditbox contracts`` starts (``SCHEMATHESIS_HOOKS``),
so each invariant runs on every response and a failure is reported under the invariant's name,
e.g. ``Custom check failed: `dayzero_remaining_is_amount_minus_applied```.
"""

from __future__ import annotations

import atexit
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import schemathesis

from contracts.checks import COUNTS_ENV, dayzero

_checked: Counter[str] = Counter()


def _json_body(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _make_check(name: str) -> Any:
    def check(ctx: Any, response: Any, case: Any) -> None:
        if 200 <= response.status_code < 300:
            _checked[name] += dayzero.run_check(name, _json_body(response))

    check.__name__ = name
    check.__qualname__ = name
    check.__doc__ = dayzero.ALL_CHECKS[name].__doc__
    return check


def _write_counts() -> None:
    """Tell ``creditbox contracts`` how many objects each check saw: a check that saw none
    proved nothing, and is reported as skipped rather than passed."""
    path = os.environ.get(COUNTS_ENV)
    if path:
        Path(path).write_text(json.dumps(dict(_checked)), encoding="utf-8")


for _name in dayzero.ALL_CHECKS:
    schemathesis.check(_make_check(_name))
atexit.register(_write_counts)
