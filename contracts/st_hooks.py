"""Schemathesis hooks module: creditbox's invariant checks, and the API's own hooks.

Loaded by the Schemathesis process that ``creditbox contracts`` starts (``SCHEMATHESIS_HOOKS``),
so each invariant runs on every response and a failure is reported under the invariant's name,
e.g. ``Custom check failed: `dayzero_remaining_is_amount_minus_applied```.

Schemathesis' check registry is process-wide, so only the invariants of the API under test are
registered (the module named by ``CREDITBOX_CHECKS_MODULE``): another API's checks would judge
responses they know nothing about.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import schemathesis

from contracts.checks import (
    CHECKS_MODULE_ENV,
    COUNTS_ENV,
    READINGS_ENV,
    VENDOR_HOOKS_ENV,
    BodyCheck,
    Invariants,
    ResponseCheck,
    expect,
)
from specs.readings import Profile

_checked: Counter[str] = Counter()


def _json_body(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _has_body(response: Any) -> bool:
    """A response with no body at all (a 204) gives a check nothing to judge."""
    return bool(getattr(response, "content", b""))


def _named(check: Any, name: str, statement: str) -> Any:
    check.__name__ = name
    check.__qualname__ = name
    check.__doc__ = statement
    return check


def _make_check(name: str, run: BodyCheck, statement: str) -> Any:
    def check(ctx: Any, response: Any, case: Any) -> None:
        if 200 <= response.status_code < 300 and _has_body(response):
            _checked[name] += run(_json_body(response))

    return _named(check, name, statement)


def _make_positive_check(name: str, run: BodyCheck, statement: str) -> Any:
    """A check of queries Schemathesis generated as valid (whatever the status)."""

    def check(ctx: Any, response: Any, case: Any) -> None:
        mode = getattr(getattr(getattr(case, "meta", None), "generation", None), "mode", None)
        positive = str(getattr(mode, "value", mode)).lower() == "positive"
        if positive and response.status_code < 500 and _has_body(response):
            _checked[name] += run(_json_body(response))

    return _named(check, name, statement)


def _make_response_check(name: str, run: ResponseCheck, statement: str) -> Any:
    """A check of every response with a body, whatever its status (given to it)."""

    def check(ctx: Any, response: Any, case: Any) -> None:
        if _has_body(response):
            _checked[name] += run(response.status_code, _json_body(response))

    return _named(check, name, statement)


def _write_counts() -> None:
    """Tell ``creditbox contracts`` how many objects each check saw: a check that saw none
    proved nothing, and is reported as skipped rather than passed."""
    path = os.environ.get(COUNTS_ENV)
    if path:
        Path(path).write_text(json.dumps(dict(_checked)), encoding="utf-8")


def _register(invariants: Invariants) -> None:
    for name, run in invariants.checks.items():
        schemathesis.check(_make_check(name, run, invariants.statements[name][0]))
    for name, run in invariants.positive.items():
        schemathesis.check(_make_positive_check(name, run, invariants.statements[name][0]))
    for name, any_status in invariants.responses.items():
        statement = invariants.statements[name][0]
        schemathesis.check(_make_response_check(name, any_status, statement))


if os.environ.get(READINGS_ENV):
    expect(Profile.of(json.loads(os.environ[READINGS_ENV])))
if os.environ.get(CHECKS_MODULE_ENV):
    _register(importlib.import_module(os.environ[CHECKS_MODULE_ENV]).INVARIANTS)
atexit.register(_write_counts)
if os.environ.get(VENDOR_HOOKS_ENV):
    # the API's own hooks (e.g. signing every request), from its adapter's schema_env
    importlib.import_module(os.environ[VENDOR_HOOKS_ENV])
