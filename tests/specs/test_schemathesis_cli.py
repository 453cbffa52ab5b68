"""Schemathesis' own CLI, run as an integrator runs it: the spec each API serves, Schemathesis'
default checks, no configuration of ours, against a sandbox holding the demo data `make run`
serves (fixtures/demo.yaml: records in every state). Whatever it calls a failure, an integrator's
CI would too.

The specs state every constraint on a single request that their languages can, so the data
Schemathesis generates as valid is accepted. What the CLI still reports, and all it may report,
is in ``RULES_NO_SCHEMA_STATES``: refusals that depend on records already stored (a memo's
status, the customer an invoice belongs to, what is left to credit), and the few single-request
rules OpenAPI 3.0 and GraphQL cannot express (at most one primary contact; Kojo's `limit` and
`offset` ranges), answered as each vendor documents them. Schemathesis' ``positive_data_acceptance``
expects a 2xx, 401, 403, 404, 409, 429 or 5xx for valid data, so it reports a documented 400 for
them; ``creditbox contracts`` runs Schemathesis with those refusals expected. Anything else the CLI
reports, a server error or a response that breaks the spec included, fails these tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml

from sandbox.embedded import EmbeddedSandbox
from sandbox.vendors import BUILT_IN

SCHEMATHESIS = str(Path(sys.executable).parent / "st")
DEMO_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "demo.yaml"

_DAYZERO_CONFLICTS = (
    "an operation the record's status does not allow: 400 as DayZero's reference pages list it "
    "(409 under the disputed point dayzero.conflict-status, which Schemathesis accepts)"
)
_DAYZERO_BUSINESS = "DayZero's error-handling guide: 400 for business-logic errors"
_COUNT_STATUS = "COUNT: only drafts can be changed or approved, and only approved records sent"
_COUNT_PAYMENTS = (
    "COUNT's client (COUNT_assign_transaction_to_bills_invoices, invoice_lifecycle): an Income "
    "transaction pays approved invoices, each at most its open balance, all at most the "
    "transaction's amount"
)
_SOLVIMON = "Solvimon's credit page: only a FINAL invoice, not itself a credit, can be credited"
_SOLVIMON_ONE_OFF = (
    "Solvimon's schema: a one-off needs customer_id or customer_reference, and only a "
    "ONE_OFF_CREDIT takes linked_invoices_ids; which applies hangs on another field's value "
    "(type, or which of two fields is given), which Solvimon's schema leaves to prose"
)
_SOLVIMON_OURS = (
    "ours where Solvimon is silent: POST /invoices creates only one-off types, a ONE_OFF_CREDIT "
    "names its originals, and only a credit invoice is refunded, once"
)
_KOJO_RANGE = (
    "GraphQL's Int states no minimum or maximum: Kojo's pagination page makes 100 limit's maximum, "
    "and an offset below 0 means nothing"
)

# vendor -> (what the refusal says, matched from its start; why no schema can state it)
RULES_NO_SCHEMA_STATES: dict[str, tuple[tuple[str, str], ...]] = {
    "dayzero": (
        (r"Only draft credit memos can be (issued|updated|deleted)$", _DAYZERO_CONFLICTS),
        (
            r"Only draft or issued credit memos with no applications can be voided$",
            _DAYZERO_CONFLICTS,
        ),
        (r"Only issued or partially applied credit memos can be applied$", _DAYZERO_CONFLICTS),
        (r"Only draft invoices can be finalized$", _DAYZERO_CONFLICTS),
        (r"Only open invoices can be voided$", _DAYZERO_CONFLICTS),
        (r"Credit can only be applied to an open invoice$", _DAYZERO_CONFLICTS),
        (r"Invoice belongs to a different customer$", _DAYZERO_BUSINESS),
        (
            r"(Customer|Invoice) not found$",
            "a record the body names must exist: 400 where the path names another record (ours; "
            "a 404 there would say the addressed record is missing)",
        ),
        (r"Only finalized invoices that are not void can be paid$", _DAYZERO_CONFLICTS),
        (
            r"(Transaction|Payment) not found$",
            "the transaction a payment names, or the payment, must be the business's own",
        ),
        (r"(Credit memo|Transaction) and invoice currencies differ$", _DAYZERO_BUSINESS),
        (
            r"Amount exceeds the (credit memo's remaining balance|invoice's amount due|"
            r"transaction's unallocated amount)$",
            _DAYZERO_BUSINESS,
        ),
    ),
    "count": (
        (r"Only drafts can be (updated|deleted); this record is approved$", _COUNT_STATUS),
        (r"Only drafts can be approved$", _COUNT_STATUS),
        (r"Approve the record before sending it$", _COUNT_STATUS),
        (
            r"Only one contact can be the primary contact \(isPrimary: true\)$",
            "COUNT's create-customer page: only one contact should be marked isPrimary; OpenAPI "
            "3.0 has no `contains` to say at most one item has a value",
        ),
        (
            r"The credit exceeds the (invoice's open balance|credit memo's remaining credit)$",
            "COUNT: credit is bounded by what the invoice owes and the memo has left",
        ),
        (
            r"(The authorization code|The refresh token) is invalid, expired or already used$",
            "COUNT's OAuth flow: a code or refresh token is one the flow issued, used once",
        ),
        (r"state does not match the authorization request$", "COUNT's OAuth flow: the state sent"),
        (r"Tag not found: ", "COUNT: a record's tagUuids name the workspace's tags (ours: 404)"),
        (
            r"Invoice not found$",
            "an invoice a payment names must exist: 400 where the path names the transaction "
            "(ours; a 404 there would say the transaction is missing)",
        ),
        (
            r"(Only an Income transaction can pay invoices|Transactions can only pay records of "
            r"invoiceType invoice|Only approved invoices with something open can be paid; .+)$",
            _COUNT_PAYMENTS,
        ),
        (
            r"(The payment exceeds the invoice's open balance|The payments exceed what the "
            r"transaction has left to assign|The transaction and the invoice are in different "
            r"currencies)$",
            _COUNT_PAYMENTS,
        ),
    ),
    "solvimon": (
        (r"Only a FINAL invoice can be credited; this one is [A-Z_]+$", _SOLVIMON),
        (r"A credit invoice cannot be credited$", _SOLVIMON),
        (r"Nothing on this invoice is left to credit$", _SOLVIMON),
        (r"Only .+ of this is left to credit; .+ was asked$", _SOLVIMON),
        (
            r"Invoice \S+ not found$",
            "an invoice the body names must exist: 400 where the path names another record "
            "(ours; a 404 there would say the addressed record is missing)",
        ),
        (
            r"customer_id: give customer_id or customer_reference for a one-off invoice$",
            _SOLVIMON_ONE_OFF,
        ),
        (r"linked_invoices_ids can only be used for ONE_OFF_CREDIT invoices$", _SOLVIMON_ONE_OFF),
        (r"type: only ONE_OFF and ONE_OFF_CREDIT invoices can be created; ", _SOLVIMON_OURS),
        (
            r"linked_invoices_ids: name the original invoices a ONE_OFF_CREDIT credits$",
            _SOLVIMON_OURS,
        ),
        (r"Only a credit invoice can be refunded; this one is [A-Z_]+$", _SOLVIMON_OURS),
        (r"This credit invoice was already refunded at \S+$", _SOLVIMON_OURS),
    ),
    "kojo": (
        (r"limit must be between 0 and 100; got -?\d+$", _KOJO_RANGE),
        (r"offset must be 0 or more; got -\d+$", _KOJO_RANGE),
        (
            r"The query returns more than \d+ (entities|fields)\b",
            "Kojo's api-limits page: at most 100 entities a request, counted over stored data",
        ),
    ),
}

README = Path(__file__).resolve().parents[2] / "README.md"
README_ORIGIN = "http://127.0.0.1:8000"


def readme_commands() -> dict[str, str]:
    """The README's ``st run`` commands, by the API each runs on (continued lines joined)."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"Schemathesis' CLI runs on the specs.*?```sh\n(.*?)```", text, re.S)
    assert block, "the README's Schemathesis commands are gone"
    commands = block.group(1).replace("\\\n", " ").splitlines()
    found = {}
    for command in commands:
        api = re.search(rf"{re.escape(README_ORIGIN)}/(\w+)/", command)
        assert api, command
        found[api.group(1)] = command
    return found


@dataclass(frozen=True)
class Finding:
    operation: str
    check: str
    message: str


def _run(base_url: str, api: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """``st run`` as the README gives it for ``api``, against ``base_url``, from an empty
    folder; with a sample size and seed, and a JUnit report to read."""
    reports = tmp_path / "reports"
    command = readme_commands()[api].replace(README_ORIGIN, base_url)
    command += f" --max-examples 30 --seed 1 --no-color --report junit --report-dir {reports}"
    environment = {**os.environ, "PATH": f"{Path(SCHEMATHESIS).parent}:{os.environ['PATH']}"}
    done = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,
        env=environment,
    )
    [report] = reports.glob("*.xml")
    return done, report


def _message(body: str) -> str:
    """The refusal's text in any of the four vendors' error bodies."""
    try:
        found = json.loads(body)
    except ValueError:  # a body Schemathesis cut short
        return body
    if isinstance(found.get("errors"), list) and found["errors"]:
        return str(found["errors"][0].get("message"))
    return str(found.get("detail") or found.get("message"))


def findings(report: Path) -> Iterator[Finding]:
    """Every failure in a Schemathesis JUnit report, with the refusal it got."""
    root = ElementTree.parse(report).getroot()
    for case in root.iter("testcase"):
        for failure in case:
            for found in re.split(r"^\d+\. Test Case ID: \S+$", failure.text or "", flags=re.M):
                checks = re.findall(r"^- (ST\d+|[A-Za-z][\w ]+?) ", found, flags=re.M)
                bodies = re.findall(r"^    `(\{.*\})`$", found, flags=re.M)
                for check in checks:
                    message = _message(bodies[0]) if bodies else found.strip()[:300]
                    yield Finding(case.get("name", ""), check, message)


def unexplained(api: str, found: list[Finding]) -> list[Finding]:
    """The findings that are not a documented rule this API's schema cannot state."""
    rules = [re.compile(pattern) for pattern, _ in RULES_NO_SCHEMA_STATES[api]]
    return [
        finding
        for finding in found
        if finding.check not in ("ST202", "ST206")
        or not any(rule.match(finding.message) for rule in rules)
    ]


@pytest.fixture(scope="module")
def demo_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedSandbox]:
    """A sandbox whose demo tenant holds fixtures/demo.yaml, as `make run` serves it."""
    with EmbeddedSandbox(tmp_path_factory.mktemp("data")) as sandbox:
        fixture = yaml.safe_load(DEMO_FIXTURE.read_text(encoding="utf-8"))
        loaded = httpx.post(f"{sandbox.base_url}/_sandbox/tenants/demo/fixtures", json=fixture)
        assert loaded.status_code == 201, loaded.text
        yield sandbox


def test_the_readme_gives_one_command_per_built_in_vendor() -> None:
    names = sorted(vendor.name for vendor in BUILT_IN)
    assert sorted(readme_commands()) == sorted(RULES_NO_SCHEMA_STATES) == names


@pytest.mark.parametrize("api", sorted(RULES_NO_SCHEMA_STATES))
def test_schemathesis_default_checks_find_only_documented_rules_no_schema_states(
    api: str, demo_sandbox: EmbeddedSandbox, tmp_path: Path
) -> None:
    done, report = _run(demo_sandbox.base_url, api, tmp_path)
    summary = done.stdout[-3000:]
    assert done.returncode in (0, 1), summary  # 1: failures found; anything else: it broke
    suite = ElementTree.parse(report).getroot()
    assert suite.get("errors") == "0", summary
    assert int(suite.get("tests", "0")) >= 4, summary
    # refused credentials pass Schemathesis' checks: only a run whose calls got in says anything
    assert "Authentication failed" not in done.stdout, summary
    found = list(findings(report))
    assert bool(found) == (done.returncode == 1), summary
    assert not unexplained(api, found), (unexplained(api, found), summary)


def test_the_report_reader_sees_a_finding_no_documented_rule_explains(tmp_path: Path) -> None:
    """The reader above must see what is not explained, or the test above could not fail."""
    report = tmp_path / "junit.xml"
    text = (
        "1. Test Case ID: abc\n\n- ST202 Schema-valid request rejected\n\n"
        "[400] Bad Request:\n\n"
        '    `{"detail": "Invoice total must be greater than zero"}`\n\n'
        "2. Test Case ID: def\n\n- ST202 Schema-valid request rejected\n\n"
        "[400] Bad Request:\n\n"
        '    `{"detail": "Only draft invoices can be finalized"}`\n'
    )
    suite = ElementTree.Element("testsuites", errors="0", failures="1", tests="1")
    case = ElementTree.SubElement(suite, "testcase", name="POST /api/v1/invoices")
    ElementTree.SubElement(case, "failure", type="failure", message="ST202").text = text
    ElementTree.ElementTree(suite).write(report)
    found = list(findings(report))
    assert [finding.message for finding in found] == [
        "Invoice total must be greater than zero",
        "Only draft invoices can be finalized",
    ]
    assert unexplained("dayzero", found) == found[:1]
    assert unexplained("count", found) == found
