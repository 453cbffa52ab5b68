"""``creditbox contracts --api solvimon``: rules, Solvimon invariants, schema conformance."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from contracts.vendors.solvimon import checks as checks
from contracts.vendors.solvimon.client import line_credit
from tests.contracts.support import check_quietly, failing_checks, solvimon_args
from tests.support.clients import MAIN, SOLVIMON_KEY, lines, solvimon_client
from tests.support.processes import run_cli, serving


def test_in_process_sandbox_conforms_on_every_rule(tmp_path: Path) -> None:
    """The rules layer; the schema layer's run is in tests/contracts/test_fuzzing.py."""
    args = ["contracts", "--api", "solvimon", "--in-process", "--allow-writes", "--layers", "rules"]
    report, printed = check_quietly([*args, "--report-dir", str(tmp_path)])
    found = {v.id: v.outcome for v in report.verdicts if v.layer == "rule"}
    assert set(found.values()) == {"pass"}, printed
    assert {
        "SV-CREDIT-PERMISSION-403",
        "SV-IDEMPOTENT-REPLAY",
        "SV-OTHER-PLATFORM-404",
        "SV-REQUEST-ID-EVERY-RESPONSE",
        "SV-DELIVERY-DATE-WHOLE-SECONDS",
        "SV-DEPRECATED-GROUPS-CREDIT-EXACT",
        "SV-CREDIT-AND-COPY",
        "SV-ONE-OFF-DRAFT-ON-HOLD",
        "SV-ONE-OFF-CREDIT-LINKS-BOTH-WAYS",
        "SV-LINKED-IDS-ONLY-ONE-OFF-CREDIT-400",
        "SV-ONE-OFF-CUSTOMER-REQUIRED-400",
        "SV-ONE-OFF-REFUND-PERMISSION-403",
        "SV-REFUND-CREDIT-INVOICE",
    } <= set(found)


def test_a_running_sandbox_is_checked_over_http(tmp_path: Path) -> None:
    with serving(["--in-memory"]) as base_url:
        result = run_cli(solvimon_args(base_url, tmp_path, "--allow-writes", "--layers", "rules"))
    assert result.returncode == 0, result.stdout[-3000:]
    assert "PASS     SV-CREDIT-NEVER-TWICE" in result.stdout
    assert SOLVIMON_KEY not in (tmp_path / "report.md").read_text()


def test_read_only_skips_every_rule_that_credits(tmp_path: Path) -> None:
    with serving(["--in-memory"]) as base_url:
        result = run_cli(solvimon_args(base_url, tmp_path, "--layers", "rules"))
    assert result.returncode == 0, result.stdout[-3000:]
    assert "SKIP     SV-PARTIAL-CREDIT-EXACT" in result.stdout
    assert "PASS     SV-UNREACHABLE-PLATFORM-403" in result.stdout


def test_without_a_control_api_the_rules_credit_the_invoices_they_are_given(
    tmp_path: Path,
) -> None:
    """A key the control API does not list as a tenant's own looks like a real deployment:
    nothing can be seeded, so the crediting rules need --final-invoices and say so."""
    with serving(["--in-memory"]) as base_url, httpx.Client(base_url=base_url) as http:
        solvimon = solvimon_client(http)
        key = solvimon.create_key(
            ["INVOICE.VIEW", "INVOICE.CREDIT.CREATE", "INVOICE.ONE_OFF.CREATE"], platform_ids=[MAIN]
        )
        viewer = solvimon.create_key(["INVOICE.VIEW"], platform_ids=[MAIN])
        args = [
            *solvimon_args(base_url, tmp_path, "--allow-writes", "--layers", "rules"),
            "--api-key",
            key,
        ]
        report, printed = check_quietly(args)
        skipped = {v.id: v.reason for v in report.verdicts if v.outcome == "skip"}
        assert "--final-invoices" in skipped["SV-PARTIAL-CREDIT-EXACT"], printed
        assert "--view-only-api-key" in skipped["SV-CREDIT-PERMISSION-403"]

        finals = ",".join(solvimon.seed_invoice()["id"] for _ in range(13))
        draft = solvimon.seed_invoice(status="DRAFT")["id"]
        given = ["--final-invoices", finals, "--open-invoice", draft, "--view-only-api-key", viewer]
        report, printed = check_quietly([*args, *given])
    found = {v.id: v.outcome for v in report.verdicts if v.layer == "rule"}
    assert found.pop("SV-OTHER-PLATFORM-404") == "skip"
    # only on a creditbox sandbox: a copy of a customer's invoice; a test clock; a refund
    assert found.pop("SV-CREDIT-AND-COPY") == "skip"
    assert found.pop("SV-REFUND-CREDIT-INVOICE") == "skip"
    assert found.pop("SV-DRAFT-FINAL-AFTER-GRACE") == "skip"
    assert set(found.values()) == {"pass"}, printed


@pytest.fixture
def bodies(client: TestClient) -> list[Any]:
    solvimon = solvimon_client(client)
    invoice = solvimon.seed_invoice([{"groups": [{"lines": lines("100.00", "50.00")}]}])
    solvimon.credit(invoice["id"], line_credit(1, 1, 1, "20.00"))
    listed = solvimon.expect(
        "GET", "/invoices", 200, params={"include_periods": "true", "include_lines": "true"}
    )
    one_off = solvimon.seed_invoice(type="ONE_OFF")
    made = solvimon.credit(one_off["id"], line_credit(1, 1, 1, "20.00")).json()
    return [listed, solvimon.invoice(invoice["id"]), solvimon.invoice(made["id"])]


def test_solvimon_invariants_hold_on_real_responses(bodies: list[Any]) -> None:
    for name in checks.INVARIANTS.checks:
        assert sum(checks.INVARIANTS.run(name, body) for body in bodies) >= 1, name
    assert failing_checks(checks, bodies) == set()


def test_a_credit_that_forgets_its_original_is_caught(bodies: list[Any]) -> None:
    credit = next(i for i in bodies[0]["data"] if i["type"] == "CREDIT")
    credit["linked_invoices"] = []
    assert failing_checks(checks, bodies) == {
        "solvimon_credit_names_its_original",
        "solvimon_links_point_both_ways",
    }


def test_lines_that_do_not_add_up_are_caught(bodies: list[Any]) -> None:
    original = next(i for i in bodies[0]["data"] if i["type"] == "STANDARD")
    original["periods"][0]["groups"][0]["lines"][0]["amount_including_tax"]["quantity"] = "99.00"
    assert failing_checks(checks, bodies) == {"solvimon_totals_add_up"}


def test_an_amount_in_another_currency_is_caught(bodies: list[Any]) -> None:
    bodies[1]["paid_invoice_amount"] = {"quantity": "0", "currency": "JPY"}
    assert failing_checks(checks, bodies) == {"solvimon_amounts_are_decimals_in_the_currency"}


def test_linked_invoices_ids_on_a_credit_that_is_not_one_off_is_no_violation(
    bodies: list[Any],
) -> None:
    """The seed says only that a request may use linked_invoices_ids for ONE_OFF_CREDIT
    invoices: a CREDIT invoice that lists its original there breaks nothing documented."""
    credit = next(i for i in bodies[0]["data"] if i["type"] == "CREDIT")
    credit["linked_invoices_ids"] = [credit["credit"]["original_invoice_id"]]
    assert failing_checks(checks, bodies) == set()


def test_a_one_off_credit_names_its_original_in_linked_invoices_ids(client: TestClient) -> None:
    solvimon = solvimon_client(client)
    invoice = solvimon.seed_invoice(type="ONE_OFF")
    made = solvimon.credit(invoice["id"], line_credit(1, 1, 1, "20.00")).json()
    assert made["type"] == "ONE_OFF_CREDIT"
    assert failing_checks(checks, [made]) == set()
    made["linked_invoices_ids"] = []
    assert failing_checks(checks, [made]) == {"solvimon_one_off_credits_link_their_original"}
