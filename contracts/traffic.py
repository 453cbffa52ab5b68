"""The invariants on the harness's own traffic: every response the rules (and the seeding before
Schemathesis) receive from the API under test is judged by the same checks Schemathesis runs,
and, for an OpenAPI spec, by the spec itself (``contracts/spec_judge.py``).

The rules make the richest objects of a run (memos applied and unapplied, invoices credited,
a Kojo memo queried in full), and their queries select what Schemathesis' generated ones rarely
do, so an invariant that only watched Schemathesis' traffic could see none of them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any
from urllib.parse import urlsplit

import httpx

from contracts import spec_judge
from contracts.checks import Invariants
from contracts.http import Exchange
from contracts.rules import FAIL, PASS, Verdict
from contracts.spec_judge import SpecJudge

# Failures kept per invariant as evidence: the first few are enough to show the drift.
EVIDENCE_PER_CHECK = 3


@dataclass
class Judged:
    """One invariant's failure on one response, with the exchange that shows it."""

    message: str
    exchange: Exchange


@dataclass
class RuleTraffic:
    """Counts what each invariant of ``checks`` judged on the responses it is shown (2xx ones;
    every status for the invariants of whole responses), and keeps the failures. Only the API's
    own responses (under ``base_url``) count: a creditbox sandbox's control API answers in other
    shapes. With a ``spec``, every response is also judged against it, status and body, its
    failures kept under Schemathesis' codes for the same failures."""

    checks: Invariants
    base_url: str
    spec: SpecJudge | None = None
    checked: Counter[str] = field(default_factory=Counter)
    failures: dict[str, list[Judged]] = field(default_factory=dict)

    def __call__(self, response: httpx.Response, exchange: Exchange) -> None:
        if not self._of_the_api(response):
            return
        if self.spec is not None:
            for code, message in self.spec.failures(response):
                self._keep(code, Judged(message, exchange))
        try:
            body = json.loads(response.content)
        except ValueError:
            return
        status = response.status_code
        for name, check in self.checks.responses.items():
            self._run(name, partial(check, status), body, exchange)
        if not 200 <= status < 300:
            return
        for name, body_check in self.checks.checks.items():
            self._run(name, body_check, body, exchange)

    def _run(self, name: str, check: Callable[[Any], int], body: Any, exchange: Exchange) -> None:
        try:
            self.checked[name] += check(body)
        except AssertionError as failure:
            self.checked[name] += 1
            self._keep(name, Judged(str(failure), exchange))

    def _keep(self, name: str, judged: Judged) -> None:
        found = self.failures.setdefault(name, [])
        if len(found) < EVIDENCE_PER_CHECK:
            found.append(judged)

    def _of_the_api(self, response: httpx.Response) -> bool:
        base = urlsplit(self.base_url)
        url = response.request.url
        return url.netloc.decode() == base.netloc and url.path.startswith(base.path)

    def add_counts(self, checked: dict[str, int]) -> dict[str, int]:
        """``checked`` (Schemathesis' counts) with what this traffic judged added."""
        return dict(Counter(checked) + self.checked)

    def judge(self, verdicts: list[Verdict], source: str) -> list[Verdict]:
        """``verdicts`` with every check that failed on this traffic failed, its exchanges as the
        evidence: the verdict of that name if there is one, else a new one (a failure seen is
        reported whatever the layers chosen). The spec's failures here make a passing
        ``SCHEMA-CONFORMANCE`` untrue, so it goes. ``source`` is the spec's, for those."""
        known = {verdict.id for verdict in verdicts}
        for name in self.failures:
            if name in known:
                continue
            if name in self.checks.statements:
                statement, cited = self.checks.statements[name]
                verdicts.append(Verdict(name, "invariant", statement, cited, FAIL))
            else:
                statement = spec_judge.STATEMENTS.get(name, f"Schemathesis' check {name} holds")
                statement += " (Schemathesis' check, also on the harness's own requests)"
                verdicts.append(Verdict(name, "schema", statement, source, FAIL))
        if any(name not in self.checks.statements for name in self.failures):
            verdicts = [
                verdict
                for verdict in verdicts
                if not (verdict.id == "SCHEMA-CONFORMANCE" and verdict.outcome == PASS)
            ]
        for verdict in verdicts:
            failures = self.failures.get(verdict.id)
            if not failures:
                continue
            seen = f"on the harness's own requests: {failures[0].message}"
            earlier = verdict.reason if verdict.outcome == FAIL else ""
            verdict.reason = f"{earlier}; {seen}" if earlier else seen
            verdict.outcome = FAIL
            verdict.notes = [judged.message for judged in failures] + verdict.notes
            verdict.evidence = [judged.exchange for judged in failures] + verdict.evidence
        return verdicts
