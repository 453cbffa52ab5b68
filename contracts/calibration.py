"""Which reading of each disputed point a deployment speaks, found by asking it.

Every disputed point (``specs/disputed-points.yaml``) has a probe in its vendor's ``probes``
module: the smallest request sequence that tells the point's readings apart, read-only wherever
a read shows it. A probe gets the vendor's client, as a rule does (its writes tagged and cleaned
up after it), and returns the name of the reading the answers speak; it raises
``AssertionError`` when they speak none of them, and :class:`~contracts.rules.Skipped` when this
target cannot show it.

Each probe runs twice: a point whose two answers differ is *flaky*, not read. Probes run in the
registry's order and the clients read every answer in the readings already seen (a wrapped
envelope is unwrapped before the next probe reads a record's id), so the write probes, which
come last, work whatever the read-only ones found.

``creditbox calibrate`` writes what they found as a profile file (``creditbox serve --profile``
serves it); ``creditbox contracts`` lists it in its report, beside the readings it expected.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from contracts import checks
from contracts.http import Exchange
from contracts.rules import Rule, RuleSession, Skipped
from specs.readings import Profile, points

SEEN, UNKNOWN, FLAKY = "seen", "unknown", "flaky"
WRITES_NEEDED = "writes to the target: run with --allow-writes"
REGISTRY_SOURCE = "specs/disputed-points.yaml"


@dataclass(frozen=True)
class Probe:
    """The probe of one disputed point: a rule-like step (its id tags what it creates) whose
    function returns the reading seen."""

    point: str
    rule: Rule
    find: Callable[[Any], str]


PROBES: dict[str, list[Probe]] = {}


def probe(api: str, point: str, *, writes: bool = False) -> Callable[..., Any]:
    """Register the decorated function as the probe of ``point`` (a disputed point of ``api``);
    its docstring says how it tells the readings apart."""
    known = points().get(point)
    if known is None or known.vendor != api:
        raise ValueError(f"{point} is not a disputed point of {api}")

    def register(find: Callable[[Any], str]) -> Callable[[Any], str]:
        if any(existing.point == point for existing in PROBES.get(api, [])):
            raise ValueError(f"a second probe of {point}")
        if not find.__doc__:
            raise ValueError(f"the probe of {point} has no docstring to say how it tells")
        statement = " ".join(find.__doc__.split())
        step = Rule(f"CALIBRATE {point}", api, statement, REGISTRY_SOURCE, writes, find)
        PROBES.setdefault(api, []).append(Probe(point, step, find))
        return find

    return register


def probes(api: str) -> list[Probe]:
    """The probes of ``api``, in the order its ``probes`` module declares them (read-only ones
    first, then each write probe after those whose readings its writes depend on). An API
    without disputed points has none."""
    from contracts.vendors import ADAPTERS

    module = f"{ADAPTERS[api].rules.rpartition('.')[0]}.probes"
    if importlib.util.find_spec(module) is not None:
        importlib.import_module(module)
    return list(PROBES.get(api, []))


@dataclass
class Finding:
    """What calibration found of one disputed point."""

    point: str
    state: str  # SEEN, UNKNOWN or FLAKY
    reading: str | None = None  # the reading seen (SEEN only)
    why: str = ""  # for UNKNOWN and FLAKY: what the answers were
    evidence: list[Exchange] = field(default_factory=list)


@contextlib.contextmanager
def expecting(profile: Profile) -> Iterator[None]:
    """While the block runs, the clients and checks read answers in ``profile``."""
    before = checks.current()
    checks.expect(profile)
    try:
        yield
    finally:
        checks.expect(before)


def _once(probe_: Probe, session: RuleSession, allow_writes: bool) -> tuple[str | None, str, list]:
    """One run of a probe: the reading seen (or None and why), with its exchanges."""
    reading: str | None = None
    why = ""
    api = session.begin(probe_.rule, allow_writes)
    try:
        reading = probe_.find(api)
        readings = points()[probe_.point].readings
        if reading not in readings:
            reading, why = None, f"the probe named no reading of the point: {reading!r}"
    except Skipped as skipped:
        why = str(skipped)
    except AssertionError as neither:
        why = f"the answers speak none of the readings: {neither}"
    except Exception as error:  # an answer the probe cannot even read speaks no reading
        why = f"the answers could not be read: {type(error).__name__}: {error}"
    finally:
        evidence, trouble = session.end()
    if trouble:
        why = f"{why} (cleanup: {trouble})".strip()
    return reading, session.mask(why), evidence


def calibrate(
    api: str,
    session: RuleSession,
    *,
    allow_writes: bool,
    repeat: bool = True,
    on_finding: Callable[[Finding], None] = lambda finding: None,
) -> list[Finding]:
    """Run every probe of ``api`` through ``session``, twice unless not ``repeat`` (a contract
    run's report, which only shows what the target answered); what each found."""
    seen: dict[str, str] = {}
    findings = []
    for current in probes(api):
        if current.rule.writes and not allow_writes:
            finding = Finding(current.point, UNKNOWN, why=WRITES_NEEDED)
        else:
            with expecting(Profile.of(seen)):
                first, why, evidence = _once(current, session, allow_writes)
                second, why_again, again = (
                    _once(current, session, allow_writes) if repeat else (first, why, [])
                )
            if first is not None and first == second:
                finding = Finding(current.point, SEEN, first, evidence=evidence)
                seen[current.point] = first
            elif first is None and second is None:
                finding = Finding(current.point, UNKNOWN, why=why, evidence=evidence)
            else:
                said = f"first {first or why!r}, then {second or why_again!r}"
                finding = Finding(current.point, FLAKY, why=said, evidence=evidence + again)
        findings.append(finding)
        on_finding(finding)
    return findings


def seen_profile(findings: list[Finding]) -> dict[str, str]:
    """The readings seen, by point (what a profile file's ``readings`` says)."""
    return {f.point: f.reading for f in findings if f.state == SEEN and f.reading}
