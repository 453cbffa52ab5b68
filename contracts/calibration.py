"""Which reading of each disputed point a deployment speaks, found by asking it.

Every disputed point (``specs/disputed-points.yaml``) has a probe in its vendor's ``probes``
module: the smallest request sequence that tells the point's readings apart, read-only wherever
a read shows it. A probe gets the vendor's client, as a rule does (its writes tagged and cleaned
up after it), and returns the name of the reading the answers speak; it raises
``AssertionError`` when they speak none of them, and :class:`~contracts.rules.Skipped` when this
target cannot show it.

Each probe runs twice: a point whose two answers differ is *flaky*, not read, and one that could
not be read both times is *unknown*. Probes run in the order their module declares them, the
reads first, and the clients read every answer in the readings already seen (a wrapped envelope
is unwrapped before the next probe reads a record's id); a probe whose requests rely on a point
not seen (a create body in an unknown reading) does not run, and says so.

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
from contracts.http import BudgetExhausted, Exchange
from contracts.rules import Rule, RuleSession, Skipped, statement_of
from specs.readings import Profile, points

SEEN, UNKNOWN, FLAKY = "seen", "unknown", "flaky"
WRITES_NEEDED = "writes to the target: run with --allow-writes"
REGISTRY_SOURCE = "specs/disputed-points.yaml"


@dataclass(frozen=True)
class Probe:
    """The probe of one disputed point: a rule-like step (its id tags what it creates) whose
    function returns the reading seen, and the points whose readings its requests rely on."""

    point: str
    rule: Rule
    needs: tuple[str, ...] = ()


PROBES: dict[str, list[Probe]] = {}


def probe(
    api: str, point: str, *, writes: bool = False, needs: tuple[str, ...] = ()
) -> Callable[..., Any]:
    """Register the decorated function as the probe of ``point`` (a disputed point of ``api``);
    its docstring says how it tells the readings apart. ``needs``: the points whose readings its
    requests or the answers it reads rely on (it runs only once they were seen)."""
    known = points()
    if point not in known or known[point].vendor != api or not set(needs) <= set(known):
        raise ValueError(f"{point} (needing {needs}) is not a disputed point of {api}")

    def register(find: Callable[[Any], str]) -> Callable[[Any], str]:
        if any(existing.point == point for existing in PROBES.get(api, [])):
            raise ValueError(f"a second probe of {point}")
        statement = statement_of(find, f"the probe of {point}")
        step = Rule(f"CALIBRATE {point}", api, statement, REGISTRY_SOURCE, writes, find)
        PROBES.setdefault(api, []).append(Probe(point, step, needs))
        return find

    return register


def probes(api: str) -> list[Probe]:
    """The probes of ``api``, in the order its ``probes`` module (its adapter names it) declares
    them: read-only ones first, then each write probe after those it needs. An API without
    disputed points has none."""
    from contracts.vendors import ADAPTERS

    module = ADAPTERS[api].probes
    if importlib.util.find_spec(module) is not None:
        importlib.import_module(module)
    return list(PROBES.get(api, []))


@dataclass
class Finding:
    """What calibration found of one disputed point."""

    point: str
    state: str  # SEEN, UNKNOWN or FLAKY
    reading: str | None = None  # the reading seen (SEEN only)
    why: str = ""  # UNKNOWN and FLAKY: what the answers were; SEEN: what was not cleaned up
    evidence: list[Exchange] = field(default_factory=list)


@dataclass(frozen=True)
class Answer:
    """One run of a probe: the reading its answers speak; or that they speak none of the
    readings (``neither``: an answer too); or, with neither, that it could not run (``why``)."""

    reading: str | None
    neither: bool
    why: str
    evidence: list[Exchange]
    trouble: str = ""  # what its cleanup could not undo

    @property
    def answered(self) -> bool:
        return self.reading is not None or self.neither

    @property
    def said(self) -> str:
        return self.reading or self.why


@contextlib.contextmanager
def expecting(profile: Profile) -> Iterator[None]:
    """While the block runs, the clients and checks read answers in ``profile``."""
    before = checks.current()
    checks.expect(profile)
    try:
        yield
    finally:
        checks.expect(before)


def _once(probe_: Probe, session: RuleSession, allow_writes: bool) -> Answer:
    """One run of a probe; :class:`BudgetExhausted` goes on up (the run stops)."""
    reading, neither, why = None, False, ""
    api = session.begin(probe_.rule, allow_writes)
    try:
        found = probe_.rule.check(api)
        if isinstance(found, str) and found in points()[probe_.point].readings:
            reading = found
        else:
            why = f"the probe named no reading of the point: {found!r}"
    except Skipped as skipped:
        why = str(skipped)
    except AssertionError as other:
        neither, why = True, f"the answers speak none of the readings: {other}"
    except BudgetExhausted:
        raise
    except Exception as error:  # an answer the probe cannot even read
        why = f"the answers could not be read: {type(error).__name__}: {error}"
    finally:
        evidence, trouble = session.end()
    return Answer(reading, neither, session.mask(why), evidence, session.mask(trouble))


def finding_of(point: str, first: Answer, second: Answer | None) -> Finding:
    """What one or two runs of a point's probe add up to: a reading seen every time; answers
    that differ (flaky); else unknown, and why."""
    runs = [first] if second is None else [first, second]
    evidence = [exchange for run in runs for exchange in run.evidence]
    trouble = "; ".join(f"cleanup: {run.trouble}" for run in runs if run.trouble)
    if all(run.reading is not None for run in runs) and len({r.reading for r in runs}) == 1:
        return Finding(point, SEEN, first.reading, trouble, first.evidence)
    if second and first.answered and second.answered and first.reading != second.reading:
        said = f"first {first.said!r}, then {second.said!r}"
        return Finding(point, FLAKY, why=f"{said} {trouble}".strip(), evidence=evidence)
    why = next(run.why for run in runs if run.reading is None)
    read = [run.reading for run in runs if run.reading]
    if read:
        why = f"read {read[0]!r} once; the other time: {why}"
    return Finding(point, UNKNOWN, why=f"{why} {trouble}".strip(), evidence=evidence)


def calibrate(
    api: str,
    session: RuleSession,
    *,
    allow_writes: bool,
    repeat: bool = True,
    no_writes: str = WRITES_NEEDED,
    on_finding: Callable[[Finding], None] = lambda finding: None,
) -> list[Finding]:
    """Run every probe of ``api`` through ``session``, twice unless not ``repeat`` (a contract
    run's report, which only shows what the target answered); what each found. A write probe
    without ``allow_writes`` is unknown for ``no_writes``; a probe whose needed points were not
    seen, for that; once the request budget is spent, every probe left."""
    seen: dict[str, str] = {}
    findings = []
    spent = ""
    for current in probes(api):
        missing = [point for point in current.needs if point not in seen]
        refused = no_writes if current.rule.writes and not allow_writes else ""
        if not_run := spent or refused or _needs(missing):
            finding = Finding(current.point, UNKNOWN, why=not_run)
        else:
            try:
                with expecting(Profile.of(seen)):
                    first = _once(current, session, allow_writes)
                    second = _once(current, session, allow_writes) if repeat else None
                finding = finding_of(current.point, first, second)
            except BudgetExhausted as exhausted:
                spent = str(exhausted)
                finding = Finding(current.point, UNKNOWN, why=spent)
        if finding.state == SEEN and finding.reading:
            seen[current.point] = finding.reading
        findings.append(finding)
        on_finding(finding)
    return findings


def _needs(missing: list[str]) -> str:
    """Why a probe whose needed points were not all seen does not run ("" when they were)."""
    return f"needs the reading of {', '.join(missing)}, which was not seen" if missing else ""


def seen_profile(findings: list[Finding]) -> dict[str, str]:
    """The readings seen, by point (what a profile file's ``readings`` says)."""
    return {f.point: f.reading for f in findings if f.state == SEEN and f.reading}
