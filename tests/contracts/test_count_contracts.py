"""``creditbox contracts --api count``: signed rules, COUNT invariants, schema conformance."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from contracts.vendors.count import checks as checks
from tests.contracts.support import check_quietly, count_args
from tests.support.clients import COUNT_DEMO, count_client, count_record
from tests.support.processes import run_cli, serving


def test_in_process_sandbox_conforms_on_every_rule(tmp_path: Path) -> None:
    """The rules layer; the schema layer's run is in tests/contracts/test_fuzzing.py."""
    args = ["contracts", "--api", "count", "--in-process", "--allow-writes", "--layers", "rules"]
    report, printed = check_quietly([*args, "--report-dir", str(tmp_path)])
    found = {v.id: v.outcome for v in report.verdicts if v.layer == "rule"}
    assert set(found.values()) == {"pass"}, printed
    assert {"CT-OVER-APPLY-400", "CT-AMBIGUOUS-UUID-409"} <= set(found)


def test_a_running_sandbox_is_checked_with_signed_requests(tmp_path: Path) -> None:
    with serving(["--in-memory"]) as base_url:
        args = count_args(base_url, tmp_path, "--allow-writes", "--layers", "rules")
        result = run_cli(args)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "PASS     CT-AMBIGUOUS-UUID-409" in result.stdout
    assert COUNT_DEMO["client_secret"] not in (tmp_path / "report.md").read_text()


@pytest.fixture
def records(client: TestClient) -> list[Any]:
    count = count_client(client)
    customer = count.customer("Acme", "ap@acme.example")["id"]
    product = count.product("Hour", 10)["id"]

    def new(kind: str, amount: float) -> Any:
        body = count_record(customer, product, amount, kind, date="2026-01-01", isDraft=False)
        return count.expect("POST", "/invoices", 201, json=body)

    invoice, memo = new("invoice", 100), new("memo", 30)
    count.expect(
        "PATCH",
        f"/invoices/{invoice['id']}/apply-multiple-credit-to-invoice",
        200,
        json={"creditMemos": [{"id": memo["id"], "amount": 10}]},
    )
    paid = new("invoice", 50)
    count.expect(
        "POST",
        f"/transactions/{count.transaction(20)['id']}/assign-to-bills-invoices",
        200,
        json={"matchingType": "invoice", "records": [{"id": paid["id"], "paymentAmount": 20}]},
    )
    return [count.invoices()]


def test_count_invariants_hold_on_real_responses(records: list[Any]) -> None:
    for name in checks.INVARIANTS.checks.keys() - {"count_envelope_as_expected"}:
        assert sum(checks.INVARIANTS.run(name, body) for body in records) >= 2, name
    for body in records:
        assert checks.INVARIANTS.run("count_envelope_as_expected", body) == 1


@pytest.mark.parametrize(
    ("field", "name"),
    [
        ("total", "count_total_is_lines_minus_discount"),
        ("openBalance", "count_balance_follows_credit"),
        ("status", "count_status_agrees_with_raw_fields"),
        ("amountPaid", "count_paid_and_credited_within_total"),
    ],
)
def test_each_count_invariant_catches_its_breakage(
    records: list[Any], field: str, name: str
) -> None:
    broken = copy.deepcopy(records)
    invoice = next(r for r in broken[0]["invoices"] if r["invoiceType"] == "invoice")
    invoice[field] = "draft" if field == "status" else invoice[field] + 1
    with pytest.raises(AssertionError):
        checks.INVARIANTS.run(name, broken[0])


def test_a_negative_balance_is_caught() -> None:
    record = {
        "invoiceType": "memo",
        "total": 10.0,
        "status": "paid",
        "remainingCredit": -5.0,
        "products": [],
    }
    with pytest.raises(AssertionError, match="remainingCredit"):
        checks.balance_never_negative(record)
