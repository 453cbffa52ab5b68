"""DayZero's rules for what a deployment cannot be made to do on demand: on a creditbox sandbox
they give the tenant a rate limit or a fault and see DayZero's answer, and put the tenant's own
settings back; on any other target they skip. The drifts of ``tests/contracts/drifts/dayzero.py``
prove each rule fails when its behaviour breaks. The list rules check the sandbox's own choices
(sort_by=amount, keyset cursors, has_more) only on a sandbox."""

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


SANDBOX_READINGS = ["DZ-LIST-ORDER", "DZ-PAGINATION-DIRECTION", "DZ-LIST-PAGE-SHAPE"]


def test_a_deployment_that_differs_only_where_dayzero_is_silent_passes() -> None:
    """Off a sandbox the list rules hold a deployment only to the pagination guide: one that
    refuses sort_by=amount, pages back in its own order and whose has_more is not has_next is
    not failed for it (on a sandbox the drifts prove the stricter checks)."""
    with EmbeddedSandbox() as sandbox, httpx.Client(base_url=sandbox.base_url) as upstream:

        def deployment(request: httpx.Request) -> httpx.Response:
            if request.url.path.startswith("/_sandbox"):
                return httpx.Response(404, json={"detail": "Not Found"})
            if request.url.params.get("sort_by") == "amount":
                return httpx.Response(422, json={"detail": [{"loc": [], "msg": "", "type": ""}]})
            answer = upstream.send(
                upstream.build_request(
                    request.method,
                    request.url.raw_path.decode(),
                    headers=request.headers,
                    content=request.content,
                )
            )
            body = answer.json() if answer.content else None
            if isinstance(body, dict) and isinstance(body.get("items"), list):
                if request.url.params.get("direction") == "prev":
                    body["items"].reverse()
                body["has_more"] = not body.get("has_more", False)
                return httpx.Response(answer.status_code, json=body)
            return httpx.Response(
                answer.status_code, content=answer.content, headers=answer.headers
            )

        session = _session("http://dayzero.test/dayzero", httpx.MockTransport(deployment))
        verdicts = run_rules(_rules(SANDBOX_READINGS), session, allow_writes=True)
    assert {v.id: v.outcome for v in verdicts} == dict.fromkeys(SANDBOX_READINGS, "pass"), [
        (v.id, v.reason) for v in verdicts
    ]


def test_the_payments_rules_make_remove_their_payments_afterwards() -> None:
    """Each payment a rule makes is removed once the rule is done: the invoices it paid owe
    their totals again (the transactions stay, tagged)."""
    with EmbeddedSandbox() as sandbox:
        session = _session(f"{sandbox.base_url}/dayzero")
        rules = ["DZ-INVOICE-PAYMENT", "DZ-PAYMENT-WITHIN-TRANSACTION"]
        verdicts = run_rules(_rules(rules), session, allow_writes=True)
        assert [(v.id, v.outcome, v.reason) for v in verdicts] == [(i, "pass", "") for i in rules]
        headers = {"Authorization": f"Bearer {DEMO_TOKEN}", "x-business-id": DEMO_BUSINESS_ID}
        listed = httpx.get(
            f"{sandbox.base_url}/dayzero/api/v1/invoices", headers=headers, params={"limit": 100}
        ).json()["items"]
    # the rules' invoices: their lines carry the rule's tag
    paid = [i for i in listed if any(r in i["line_items"][0]["description"] for r in rules)]
    assert paid and all(invoice["total_paid"] == 0 for invoice in paid), [
        (invoice["status"], invoice["total_paid"]) for invoice in paid
    ]
