"""Documented-behaviour rules: deterministic scenarios, each tied to the statement it checks.

A rule has an id (``DZ-APPLY-OVER-REMAINING``), the statement in words (its function's
docstring), its source (a seed file or a vendor fact), whether it writes, and a function that
makes requests and raises ``AssertionError`` when the target drifts, or :class:`Skipped` with the
reason it cannot run.
Each vendor's catalogue lives in its own module and registers with :func:`rule`.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic

import httpx

from contracts.api_client import ApiClient, CredentialsT
from contracts.http import BudgetExhausted, Exchange, Limits, RecordingClient
from contracts.sandbox_control import control_url

PASS, FAIL, SKIP, ACCEPTED = "pass", "fail", "skip", "accepted"


class Skipped(Exception):
    """The rule cannot run against this target; the message says why."""


@dataclass(frozen=True)
class Rule:
    id: str
    api: str
    statement: str
    source: str
    writes: bool
    # raises on drift; what it returns is not read (a calibration probe returns its reading)
    check: Callable[[Any], object] = field(compare=False, repr=False)


@dataclass
class Verdict:
    """What a run concluded about one rule or check, with the exchanges that show it."""

    id: str
    layer: str
    statement: str
    source: str
    outcome: str
    reason: str = ""
    evidence: list[Exchange] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        return self.outcome == FAIL


CATALOGUE: dict[str, list[Rule]] = {}


def statement_of(check: Callable[..., Any], what: str) -> str:
    """The statement ``check`` (``what``: a rule, a probe) makes: its docstring on one line."""
    if not check.__doc__:
        raise ValueError(f"{what} has no docstring to state what it checks")
    return " ".join(check.__doc__.split())


def rule(api: str, rule_id: str, *, source: str, writes: bool = False) -> Callable[..., Any]:
    """Register the decorated function as a rule of ``api``'s catalogue; its docstring is the
    statement the rule checks."""

    def register(check: Callable[[Any], None]) -> Callable[[Any], None]:
        if any(existing.id == rule_id for existing in CATALOGUE.get(api, [])):
            raise ValueError(f"duplicate rule id {rule_id}")
        statement = statement_of(check, f"rule {rule_id}")
        CATALOGUE.setdefault(api, []).append(Rule(rule_id, api, statement, source, writes, check))
        return check

    return register


def catalogue(api: str) -> list[Rule]:
    """The rules of ``api``: its adapter names the module whose import registers them."""
    from contracts.vendors import ADAPTERS

    importlib.import_module(ADAPTERS[api].rules)
    return list(CATALOGUE.get(api, []))


class RuleSession:
    """What a rule gets: an API client for the target, plus cleanup after the rule."""

    def seed_examples(self) -> None:
        """Objects for the schema layer to read, made through the API (an adapter's
        ``prepare``); nothing by default: Schemathesis creates what it needs itself."""

    def close(self) -> None:
        """Let go of the session's connections."""

    def begin(self, rule: Rule, allow_writes: bool) -> Any:
        """The API object the rule gets; ``allow_writes`` says whether it may add test data."""
        raise NotImplementedError

    def end(self) -> tuple[list[Exchange], str]:
        """Clean up what the rule created; return its exchanges and any cleanup trouble."""
        raise NotImplementedError

    def mask(self, text: str) -> str:
        """Hide the session's secrets in text bound for a report."""
        return text


class RecordedSession(RuleSession, Generic[CredentialsT]):
    """A session over one :class:`RecordingClient` to ``base_url``: each rule gets a vendor's
    client (:meth:`client`) with ``credentials``, tagging what it creates; the rule's exchanges
    are its evidence, the credentials' secrets (and any further ``secrets``) masked; after it,
    every client the rule used undoes what it created where the API allows (paced, but never
    refused for the budget) and says what it could not."""

    def __init__(
        self,
        base_url: str,
        credentials: CredentialsT,
        limits: Limits,
        run_id: str,
        *,
        secrets: Iterable[str | None] = (),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url
        self.credentials = credentials
        self.http = RecordingClient(base_url, limits, transport=transport)
        self.http.secrets |= {secret for secret in (*credentials.secrets(), *secrets) if secret}
        self.run_id = run_id
        self.control_url = control_url(base_url)
        self.clients: list[ApiClient[Any]] = []  # the clients the current rule uses

    def client(self, tag: str) -> Any:
        """The vendor's client of the target, tagging what it creates with ``tag``."""
        raise NotImplementedError

    def begin(self, current: Rule, allow_writes: bool) -> Any:
        api = self.client(self.tag(current))
        api.writes_allowed = allow_writes
        self.clients = [api]
        return api

    def seed_examples(self) -> None:
        self.client(self.tag()).seed_examples()

    def tag(self, current: Rule | None = None) -> str:
        """What the records a rule creates are tagged with: the run, and the rule."""
        return f"creditbox-contracts {self.run_id}" + (f" {current.id}" if current else "")

    def end(self) -> tuple[list[Exchange], str]:
        evidence = self.http.take_exchanges()
        with self.http.unbudgeted():
            trouble = self.clean_up()
        self.http.take_exchanges()
        return evidence, "; ".join(trouble)

    def clean_up(self) -> list[str]:
        """Undo what the last rule created; what could not be undone, in words."""
        trouble = [problem for api in self.clients for problem in api.clean_up()]
        self.clients = []
        return trouble

    def mask(self, text: str) -> str:
        return self.http.mask(text)

    def close(self) -> None:
        self.http.close()


def run_rules(
    rules: Iterable[Rule],
    session: RuleSession,
    *,
    allow_writes: bool,
    on_verdict: Callable[[Verdict], None] = lambda verdict: None,
) -> list[Verdict]:
    verdicts = []
    budget_spent = ""
    for current in rules:
        verdict = Verdict(current.id, "rule", current.statement, current.source, SKIP)
        started = time.monotonic()
        if budget_spent:
            verdict.reason = budget_spent
        elif current.writes and not allow_writes:
            verdict.reason = "writes to the target: run with --allow-writes"
        else:
            api = session.begin(current, allow_writes)
            try:
                current.check(api)
                verdict.outcome = PASS
            except AssertionError as failure:
                verdict.outcome, verdict.reason = FAIL, str(failure) or "assertion failed"
            except Skipped as skipped:
                verdict.reason = str(skipped)
            except BudgetExhausted as spent:
                budget_spent = verdict.reason = str(spent)
            except Exception as error:  # an answer the rule could not even read is drift too
                verdict.outcome = FAIL
                verdict.reason = f"the rule could not complete: {type(error).__name__}: {error}"
            finally:
                verdict.evidence, trouble = session.end()
                if trouble:
                    verdict.reason = f"{verdict.reason} (cleanup: {trouble})".strip()
                verdict.reason = session.mask(verdict.reason)
        verdict.seconds = time.monotonic() - started
        verdicts.append(verdict)
        on_verdict(verdict)
    return verdicts
