"""Invariant checks: plain functions over a response body that raise AssertionError.

Each vendor's ``checks`` module declares its invariants in one :class:`Invariants` registry,
``INVARIANTS``: a check's statement is its docstring, its name the API's name and its own."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from specs.readings import Profile

JSON = dict[str, Any]
# A check returns False when the object lacks what it judges (the check does not apply to it).
Check = Callable[[JSON], bool | None]
# What runs on a whole response body: how many objects it judged.
BodyCheck = Callable[[Any], int]
# What runs on a whole response, whatever its status: (HTTP status, body) -> how many it judged.
ResponseCheck = Callable[[int, Any], int]

# Where the Schemathesis process writes how many objects each check saw (see st_hooks.py).
COUNTS_ENV = "CREDITBOX_CHECK_COUNTS"
# The module of the API under test's invariants: the only checks the Schemathesis process runs.
CHECKS_MODULE_ENV = "CREDITBOX_CHECKS_MODULE"
# A module of the API's own Schemathesis hooks (adapter.schema_env), imported by st_hooks.
VENDOR_HOOKS_ENV = "CREDITBOX_VENDOR_HOOKS"
# The readings of disputed points the run expects (JSON {point: reading}; see expect()).
READINGS_ENV = "CREDITBOX_READINGS"

_expected = [Profile.of()]


def expect(profile: Profile) -> None:
    """The readings of disputed points (``specs/readings.py``) the target is expected to speak:
    the checks read bodies in them, and judge a body that speaks another as drift. Set once per
    run (``creditbox contracts --profile``; in the Schemathesis process, from READINGS_ENV)."""
    _expected[0] = profile


def current() -> Profile:
    """The readings the run expects (what :func:`expect` set last)."""
    return _expected[0]


def expected(point: str) -> str:
    return _expected[0].reading(point)


def unwrapped(point: str, is_envelope: Callable[[Any], bool], body: Any) -> Any:
    """What a 2xx body carries in the expected reading of an envelope point (``dayzero.envelope``,
    ``count.envelope``): what is under ``data`` when the point is read ``wrapped`` and the body is
    an envelope; else the body as it is (a body in the other reading is the envelope check's to
    fail)."""
    if expected(point) == "wrapped" and is_envelope(body):
        return body["data"]
    return body


def every_object(body: Any) -> Iterator[JSON]:
    """Every JSON object in ``body``, at any depth (``body`` itself first)."""
    if isinstance(body, dict):
        yield body
        for value in body.values():
            yield from every_object(value)
    elif isinstance(body, list):
        for value in body:
            yield from every_object(value)


def judge(check: Check, objects: Iterable[JSON], label: Callable[[JSON], str], kind: str) -> int:
    """Run ``check`` over ``objects``; return how many it judged.

    An object too malformed to judge (a string where cents belong, a missing field) fails the
    check by name rather than crashing it.
    """
    judged = 0
    for obj in objects:
        try:
            applied = check(obj)
        except AssertionError:
            raise
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            raise AssertionError(
                f"{label(obj)}: malformed {kind} ({type(error).__name__}: {error})"
            ) from None
        if applied is not False:
            judged += 1
    return judged


@dataclass
class Invariants:
    """An API's invariants by name, in the order they are declared, with what each states (its
    docstring) and the source that documents it. ``checks`` run on every 2xx response;
    ``positive`` ones only on queries Schemathesis generated as valid; ``responses`` on every
    response whatever its status, error responses included (they are given the status too)."""

    api: str
    module: str  # the module whose import declares them (the Schemathesis process imports it)
    checks: dict[str, BodyCheck] = field(default_factory=dict)
    positive: dict[str, BodyCheck] = field(default_factory=dict)
    responses: dict[str, ResponseCheck] = field(default_factory=dict)
    statements: dict[str, tuple[str, str]] = field(default_factory=dict)

    def run(self, name: str, body: Any) -> int:
        """Run one named check over ``body``; return how many objects it judged."""
        return self.checks[name](body)

    def over(
        self, kind: str, objects: Callable[[Any], Iterable[JSON]], label: Callable[[JSON], str]
    ) -> Callable[..., Callable[[Check], Check]]:
        """A decorator of checks of one object (``check(obj)``, see :func:`judge`), run on every
        object of ``kind`` that ``objects`` finds in a body: ``@memo(source=...)``."""

        def declare(*, source: str) -> Callable[[Check], Check]:
            def register(check: Check) -> Check:
                def run(body: Any) -> int:
                    return judge(check, objects(body), label, kind)

                self._add(self.checks, check, source, run)
                return check

            return register

        return declare

    def body(
        self, *, source: str, name: str = "", positive: bool = False
    ) -> Callable[[BodyCheck], BodyCheck]:
        """Declare a check of a whole body (``check(body)`` -> objects judged)."""

        def register(check: BodyCheck) -> BodyCheck:
            self._add(self.positive if positive else self.checks, check, source, check, name)
            return check

        return register

    def response(self, *, source: str, name: str = "") -> Callable[[ResponseCheck], ResponseCheck]:
        """Declare a check of a whole response of any status (``check(status, body)`` -> how
        many it judged): what only an error response can show, its status first."""

        def register(check: ResponseCheck) -> ResponseCheck:
            self._add(self.responses, check, source, check, name)
            return check

        return register

    def _add(
        self,
        table: dict[str, Any],
        check: Callable[..., Any],
        source: str,
        run: Callable[..., int],
        name: str = "",
    ) -> None:
        name = f"{self.api}_{name or check.__name__}"
        if name in self.statements:
            raise ValueError(f"duplicate check {name}")
        if not check.__doc__:
            raise ValueError(f"check {name} has no docstring to state what it checks")
        table[name] = run
        self.statements[name] = (" ".join(check.__doc__.split()), source)
