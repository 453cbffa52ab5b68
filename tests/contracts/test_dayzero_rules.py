"""DayZero's rules for what a deployment cannot be made to do on demand: on a creditbox sandbox
they give the tenant a rate limit or a fault and see DayZero's answer, and put the tenant's own
settings back; on any other target they skip. The drifts of ``tests/contracts/drifts/dayzero.py``
prove each rule fails when its behaviour breaks."""

from __future__ import annotations

import httpx
import pytest

from contracts.http import Limits
from contracts.rules import Rule, catalogue, run_rules
from contracts.vendors.dayzero.client import DayZeroCredentials, DayZeroSession
from sandbox.embedded import EmbeddedSandbox
from tests.support.clients import DEMO_BUSINESS_ID, DEMO_TOKEN

ON_SANDBOX_ONLY = ["DZ-RATE-LIMITED-429", "DZ-SERVICE-UNAVAILABLE-503"]


def _session(base_url: str, transport: httpx.BaseTransport | None = None) -> DayZeroSession:
    credentials = DayZeroCredentials(DEMO_TOKEN, DEMO_BUSINESS_ID)
    limits = Limits(rate_per_second=0)
    return DayZeroSession(base_url, credentials, limits, "run", transport=transport)


def _rules(ids: list[str]) -> list[Rule]:
    return [rule for rule in catalogue("dayzero") if rule.id in ids]


def test_on_a_sandbox_the_rules_provoke_a_429_and_a_503_and_leave_the_faults_as_they_were() -> None:
    with EmbeddedSandbox() as sandbox:
        faults = f"{sandbox.base_url}/_sandbox/tenants/demo/faults"
        own = {"rules": [{"vendor": "count", "latency_ms": 1}]}
        before = httpx.put(faults, json=own).json()
        session = _session(f"{sandbox.base_url}/dayzero")
        verdicts = run_rules(_rules(ON_SANDBOX_ONLY), session, allow_writes=True)
        assert {v.id: v.outcome for v in verdicts} == dict.fromkeys(ON_SANDBOX_ONLY, "pass")
        assert httpx.get(faults).json() == before


@pytest.mark.parametrize("rule_id", ON_SANDBOX_ONLY)
def test_elsewhere_they_skip(rule_id: str) -> None:
    def deployment(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/_sandbox"):
            return httpx.Response(404, json={"detail": "Not Found"})
        return httpx.Response(201, json={"id": "c1", "name": "creditbox"})

    session = _session("http://dayzero.test/dayzero", httpx.MockTransport(deployment))
    verdicts = run_rules(_rules([rule_id]), session, allow_writes=True)
    assert [(v.id, v.outcome) for v in verdicts] == [(rule_id, "skip")], verdicts[0].reason
