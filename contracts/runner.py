"""``creditbox contracts``: three layers against one target, one report.

1. documented-behaviour rules (``contracts/rules``), deterministic, each tied to its source;
2. invariants on every response and 3. schema conformance, both through Schemathesis
   (``contracts/schema_layer.py``).

Exit codes: 0 the target conforms, 1 drift found, 2 usage or connection error.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import httpx

from contracts import baseline, calibration, checks, config, schema_layer
from contracts.adapter import Credentials, SessionSetup
from contracts.config import Settings, UsageError
from contracts.http import Limits
from contracts.report import RunReport, human, junit, point_row
from contracts.report.terminal import Terminal
from contracts.rules import FAIL, Rule, Verdict, catalogue, run_rules
from contracts.traffic import RuleTraffic
from contracts.vendors import ADAPTERS

CONFORMS, DRIFT, USAGE = 0, 1, 2


def add_contract_arguments(parser: argparse.ArgumentParser) -> None:
    config.add_arguments(parser)


@dataclass(frozen=True)
class Target:
    base_url: str
    credentials: Credentials
    other: Credentials | None


class Unreachable(RuntimeError):
    """The target cannot be reached, or refuses the credentials (exit code 2)."""


def _sandbox_tenant(origin: str, api: str) -> dict[str, str]:
    created = httpx.post(f"{origin}/_sandbox/tenants", json={"name": "creditbox-contracts"})
    created.raise_for_status()
    values = dict(created.json()["credentials"][api])
    values.pop("base_url", None)
    return values


@contextlib.contextmanager
def open_target(settings: Settings, adapter: Any) -> Iterator[Target]:
    """The target to check: a base URL as given, or a fresh sandbox inside this process."""
    if not settings.in_process:
        assert settings.base_url
        credentials = adapter.credentials(settings)
        yield Target(settings.base_url.rstrip("/"), credentials, adapter.other(settings))
        return
    from sandbox.embedded import EmbeddedSandbox

    with EmbeddedSandbox(profile=settings.expected) as sandbox:
        yield Target(
            f"{sandbox.base_url}/{settings.api}",
            _sandbox_tenant(sandbox.base_url, settings.api),
            _sandbox_tenant(sandbox.base_url, settings.api),
        )


@contextlib.contextmanager
def reached(settings: Settings, adapter: Any) -> Iterator[Target]:
    """The target, logged in (with whatever credentials the API's login step adds) and found
    to answer the credentials; :class:`Unreachable` if it does not."""
    with open_target(settings, adapter) as target:
        target = _logged_in(target, adapter)
        _probe(target, adapter)
        yield target


def _logged_in(target: Target, adapter: Any) -> Target:
    """The target with whatever the API's login step adds to the credentials (Kojo's token)."""
    try:
        credentials = adapter.login(target.base_url, target.credentials)
    except httpx.HTTPError as error:
        raise Unreachable(f"cannot reach {target.base_url}: {error}") from None
    except PermissionError as refused:
        raise Unreachable(f"{target.base_url} refused the credentials: {refused}") from None
    return Target(target.base_url, credentials, target.other)


def _probe(target: Target, adapter: Any) -> None:
    url = f"{target.base_url}{adapter.probe_path}"
    try:
        response = adapter.probe(url, target.credentials)
    except httpx.HTTPError as error:
        raise Unreachable(f"cannot reach {target.base_url}: {error}") from None
    if response.status_code in (401, 403):
        raise Unreachable(f"{target.base_url} refused the credentials ({response.status_code})")
    if response.status_code == 404:
        raise Unreachable(
            f"{url} is 404: is the base URL the API's root "
            f"(for the sandbox, http://host:port/{adapter.name})?"
        )
    if response.status_code in (400, 422):
        raise Unreachable(
            f"{target.base_url} refused the request ({response.status_code}): {response.text[:200]}"
        )


DEFAULT_RATE = 10.0


def rate_cap(settings: Settings) -> float:
    """Requests per second for the run (0: no cap): what the user set; else none for the run's
    own in-process sandbox, which serves nobody else; else, on a URL (perhaps the vendor
    itself), the default or the vendor's documented limit where that is lower."""
    if settings.rate_limit is not None:
        return settings.rate_limit
    if settings.in_process:
        return 0.0
    documented = ADAPTERS[settings.api].documented_rate
    return min(DEFAULT_RATE, documented) if documented else DEFAULT_RATE


def check(
    settings: Settings,
    terminal: Terminal | None = None,
    accepted: list[baseline.Acceptance] | None = None,
) -> RunReport:
    """Run the chosen layers against the target and return what they found.

    Each verdict is weighed against the baseline (``accepted``) as it arrives, so the live view
    already shows an accepted deviation as such. Raises :class:`Unreachable` when the target
    cannot be reached or refuses the credentials.
    """
    terminal = terminal or Terminal()
    today = dt.date.today()
    rate = rate_cap(settings)
    settings = replace(settings, rate_limit=rate)

    def settle(verdict: Verdict) -> None:
        baseline.apply([verdict], accepted or [], settings.target, today)
        terminal.verdict(verdict)

    started = time.monotonic()
    report = RunReport(
        api=settings.api,
        target=settings.target,
        allow_writes=settings.allow_writes,
        started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    adapter = ADAPTERS[settings.api]
    chosen_rules(settings.api, settings.rules)  # a rule --rules names must exist: before any work
    checks.expect(settings.expected)
    with reached(settings, adapter) as target:
        mode = "writes allowed" if settings.allow_writes else "read-only: write checks are skipped"
        pace = f"at most {schema_layer.schemathesis_rate(rate)}" if rate else "no rate cap"
        terminal.line(f"creditbox contracts: {settings.api} on {target.base_url} ({mode}; {pace})")
        judge = schema_layer.spec_judge(settings, adapter.spec, target.base_url)
        traffic = RuleTraffic(adapter.checks, target.base_url, judge)
        limits = partial(Limits, settings.max_requests, rate, settings.admin_token, traffic)
        if settings.in_process or (settings.allow_writes and "schema" in settings.layers):
            # Objects for Schemathesis to read; the run's own sandbox starts empty and gets
            # them even on a read-only run, or the invariants would have nothing to check.
            for verdict in _prepared(adapter, target, limits()):
                settle(verdict)
                report.verdicts.append(verdict)
        if "rules" in settings.layers:
            terminal.line("Documented-behaviour rules")
            report.verdicts += _rules_layer(settings, adapter, target, limits(), terminal, settle)
            report.expected = settings.expected.for_vendor(settings.api)
            report.points = _disputed_points(settings, adapter, target, terminal, report.expected)
        found = _schema_layer(settings, adapter, target, traffic, report, terminal)
        terminal.expect(len(found))
        for verdict in found:
            settle(verdict)
        report.verdicts += found
    report.seconds = time.monotonic() - started
    return report


def _prepared(adapter: Any, target: Target, limits: Limits) -> list[Verdict]:
    """Seed the objects the schema layer reads. A target whose answers the seeding cannot read
    (a body in another shape, a refused documented call) has drifted: that is a failed verdict,
    and the run goes on; only an unreachable target stops it."""
    try:
        adapter.prepare(target.base_url, target.credentials, limits)
    except httpx.HTTPError as error:
        raise Unreachable(f"cannot reach {target.base_url}: {error}") from None
    except (AssertionError, LookupError, TypeError, ValueError) as drift:
        return [
            Verdict(
                "SEEDING",
                "rules",
                "The API's documented calls create the objects the schema layer reads "
                "(customers, invoices, memos in each state)",
                f"{type(adapter).__module__} (prepare)",
                FAIL,
                reason=f"{type(drift).__name__}: {drift}"[:500],
            )
        ]
    return []


def _rules_layer(
    settings: Settings,
    adapter: Any,
    target: Target,
    limits: Limits,
    terminal: Terminal,
    settle: Callable[[Verdict], None],
) -> list[Verdict]:
    rules = chosen_rules(settings.api, settings.rules)
    terminal.expect(len(rules))
    with opened_session(settings, adapter, target, limits) as session:
        return run_rules(rules, session, allow_writes=settings.allow_writes, on_verdict=settle)


def chosen_rules(api: str, wanted: tuple[str, ...] | None) -> list[Rule]:
    """The API's rules that ``--rules`` names, in the catalogue's order (all of them when it
    names none); a name that is no rule of the API is a usage error."""
    rules = catalogue(api)
    if wanted is None:
        return rules
    unknown = sorted(set(wanted) - {rule.id for rule in rules})
    if unknown:
        raise UsageError(
            f"--rules: {api} has no rule {', '.join(unknown)}; its rules are "
            f"{', '.join(rule.id for rule in rules)}"
        )
    return [rule for rule in rules if rule.id in wanted]


@contextlib.contextmanager
def opened_session(
    settings: Settings, adapter: Any, target: Target, limits: Limits
) -> Iterator[Any]:
    """The vendor's rule session over ``target`` (a run id of its own, the second tenant's
    credentials if any), closed afterwards."""
    run_id = uuid.uuid4().hex[:8]
    setup = SessionSetup(
        target.base_url, target.credentials, limits, run_id, target.other, settings
    )
    session = adapter.session(setup)
    try:
        yield session
    finally:
        session.close()


ONLY_WRITES_SHOW = "only writes show it: creditbox calibrate --allow-writes asks"


def _disputed_points(
    settings: Settings,
    adapter: Any,
    target: Target,
    terminal: Terminal,
    expected: dict[str, str],
) -> list[calibration.Finding]:
    """What the target answers on each disputed point of its API that a read shows, each probed
    once, for the report to show beside the reading expected (the points' own rules and
    invariants judge it). Reads only, whatever --allow-writes says: a probe that writes would use
    up test data the rules were given (Solvimon's FINAL invoices) and leave records behind;
    ``creditbox calibrate --allow-writes`` asks those points. The few reads have a budget of
    their own, and no invariant judges them: some are the other reading's requests on
    purpose."""
    if not calibration.probes(settings.api):
        return []
    terminal.line("Disputed points: the reading expected, and the one answered")
    limits = Limits(settings.max_requests, settings.rate_limit or 0.0, settings.admin_token)
    with opened_session(settings, adapter, target, limits) as session:
        return calibration.calibrate(
            settings.api,
            session,
            allow_writes=False,
            repeat=False,
            no_writes=ONLY_WRITES_SHOW,
            on_finding=lambda found: terminal.point(point_row(found, expected[found.point])),
        )


def _schema_layer(
    settings: Settings,
    adapter: Any,
    target: Target,
    traffic: RuleTraffic,
    report: RunReport,
    terminal: Terminal,
) -> list[Verdict]:
    """Schemathesis' verdicts, with the invariants' counts and the failures of every check on
    the rules' traffic added; without the schema layer, only the checks that failed on that
    traffic."""
    statements = adapter.checks.statements
    source = schema_layer.spec_source(adapter.spec)
    if "schema" not in settings.layers:
        return traffic.judge(schema_layer.skipped("not selected (--layers)", adapter.spec), source)
    budget = f"≤ {settings.max_time}s" if settings.max_time else "every phase once"
    terminal.line(f"Schemathesis: invariants and schema conformance ({budget})")
    result = schema_layer.run(
        settings,
        adapter.spec,
        target.base_url + adapter.schema_path,
        adapter.headers(target.credentials),
        settings.report_dir / "schemathesis",
        generation_toml=adapter.generation_toml,
        operations_toml=adapter.operations_toml,
        env=adapter.schema_env(target.credentials),
        reads_only=adapter.reads_only,
        checks=adapter.checks,
    )
    report.schema_requests = result.requests
    report.schema_server_errors = result.server_errors
    result.checked = traffic.add_counts(result.checked)
    return traffic.judge(schema_layer.verdicts(result, adapter.spec, statements), source)


def run_contracts(args: argparse.Namespace) -> int:
    terminal = Terminal()
    try:
        settings = config.resolve(args)
        accepted = baseline.load(settings.baseline) if settings.baseline else []
        report = check(settings, terminal, accepted)
    except (UsageError, Unreachable) as problem:
        print(f"creditbox contracts: {problem}", file=sys.stderr)
        return USAGE
    except Exception as error:  # a fault of the harness or this machine is not the target's drift
        print(f"creditbox contracts: error: {type(error).__name__}: {error}", file=sys.stderr)
        return USAGE
    try:
        written = [str(path) for path in human.write(report, settings.report_dir)]
        suggestion = baseline.write_suggested(report.verdicts, settings.target, settings.report_dir)
        written.append(str(suggestion))
        if settings.junit:
            written.append(str(junit.write(report, settings.junit)))
    except OSError as error:
        print(f"creditbox contracts: cannot write the report: {error}", file=sys.stderr)
        return USAGE
    terminal.finish(report, written)
    return DRIFT if report.drifted else CONFORMS
