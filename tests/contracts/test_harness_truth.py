"""The harness tells the truth about what it saw: its files land where the user ran it, a check
runs only on its own API's responses, every failure Schemathesis lists is reported (and can be
accepted) under the name the report gives it, lost results fail the run as lost, and the
invariants judge the rules' own exchanges too."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from contracts import baseline, schema_layer
from contracts.checks import CHECKS_MODULE_ENV
from contracts.http import Exchange
from contracts.rules import ACCEPTED, FAIL, PASS, SKIP
from contracts.spec_judge import SpecJudge
from contracts.traffic import RuleTraffic
from contracts.vendors.dayzero import checks as dayzero_checks
from contracts.vendors.kojo import checks as kojo_checks
from tests.contracts.support import settings_for

STATEMENTS = dayzero_checks.INVARIANTS.statements
MEMO = {
    "id": "cm_1",
    "number": "CM-0001",
    "status": "partially_applied",
    "amount": 1000,
    "amount_applied": 400,
    "amount_remaining": 600,
    "can_be_deleted": False,
}


def _by_id(run: schema_layer.SchemaRun) -> dict[str, object]:
    return {v.id: v for v in schema_layer.verdicts(run, "dayzero.yaml", STATEMENTS)}


def test_relative_report_paths_are_taken_from_where_creditbox_runs(tmp_path: Path) -> None:
    args = ["contracts", "--api", "dayzero", "--in-process", "--junit", "reports/dz.xml"]
    settings = settings_for([*args, "--baseline", "accepted.yaml"])
    cwd = Path.cwd()
    assert settings.report_dir == cwd / "creditbox-report"
    assert settings.junit == cwd / "reports" / "dz.xml"
    assert settings.baseline == cwd / "accepted.yaml"


def test_only_the_api_under_tests_checks_are_registered_with_schemathesis() -> None:
    probe = (
        "import contracts.st_hooks\n"
        "from schemathesis.checks import CHECKS\n"
        "print(' '.join(CHECKS.get_all_names()))\n"
    )
    env = {**os.environ, CHECKS_MODULE_ENV: "contracts.vendors.dayzero.checks"}
    names = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    ours = {
        name for name in names if name.split("_")[0] in {"dayzero", "count", "solvimon", "kojo"}
    }
    assert ours == set(dayzero_checks.INVARIANTS.checks)


def test_a_custom_check_of_no_statement_is_reported_under_its_name() -> None:
    run = schema_layer.SchemaRun(
        exit_code=1,
        requests=40,
        failures=[
            {
                "code": "ST901",
                "title": "Custom check failed: `kojo_valid_queries_accepted`",
                "operations": ["DELETE /api/v1/credit-memos/{credit_memo_id}"],
            }
        ],
        checked=dict.fromkeys(STATEMENTS, 3),
    )
    verdicts = _by_id(run)
    assert verdicts["kojo_valid_queries_accepted"].outcome == FAIL
    assert "SCHEMA-CONFORMANCE" not in verdicts and "SCHEMATHESIS-RUN" not in verdicts


def test_the_baseline_accepts_a_failure_by_the_name_the_report_gives_it() -> None:
    run = schema_layer.SchemaRun(
        exit_code=1,
        requests=40,
        failures=[{"code": "ST901", "title": "Custom check failed: `some_custom_check`"}],
        checked=dict.fromkeys(STATEMENTS, 3),
    )
    found = schema_layer.verdicts(run, "dayzero.yaml", STATEMENTS)
    entry = baseline.Acceptance("some_custom_check", "known", dt.date.today())
    baseline.apply(found, [entry], "target", dt.date.today())
    assert {v.id: v.outcome for v in found}["some_custom_check"] == ACCEPTED


def test_lost_results_fail_the_run_as_lost_not_as_a_silent_target() -> None:
    run = schema_layer.SchemaRun(exit_code=0, missing=["checked.json", "run.json"])
    verdict = _by_id(run)["SCHEMATHESIS-RUN"]
    assert verdict.outcome == FAIL
    assert "run.json" in verdict.reason and "lost" in verdict.reason
    assert "did not answer" not in verdict.reason


def test_a_read_of_an_empty_target_says_so_once_for_all_invariants() -> None:
    verdicts = _by_id(schema_layer.SchemaRun(exit_code=0, requests=120))
    assert verdicts["INVARIANTS"].outcome == SKIP
    assert "no data to read" in verdicts["INVARIANTS"].reason
    assert not set(STATEMENTS) & set(verdicts)
    assert verdicts["SCHEMA-CONFORMANCE"].outcome == PASS


def test_invariants_seen_by_some_responses_are_listed_one_by_one() -> None:
    checked = {"dayzero_remaining_is_amount_minus_applied": 4}
    verdicts = _by_id(schema_layer.SchemaRun(exit_code=0, requests=120, checked=checked))
    assert verdicts["dayzero_remaining_is_amount_minus_applied"].outcome == PASS
    assert verdicts["dayzero_can_be_deleted_iff_draft"].outcome == SKIP


def test_schema_run_reads_reports_from_an_absolute_directory(tmp_path: Path) -> None:
    out = tmp_path / "st"
    out.mkdir()
    (out / "run.json").write_text(json.dumps({"failures": [], "errors": []}))
    (out / "checked.json").write_text(json.dumps({"x": 2}))
    run = schema_layer.SchemaRun(exit_code=0)
    schema_layer._read_reports(run, out, counted=True)
    assert run.missing == ["requests.har"]
    assert run.checked == {"x": 2}


def _response(url: str, body: object, status: int = 200) -> tuple[httpx.Response, Exchange]:
    response = httpx.Response(status, json=body, request=httpx.Request("GET", url))
    exchange = Exchange("GET", url, {}, None, status, json.dumps(body), 1.0)
    return response, exchange


def test_rule_traffic_judges_the_apis_responses_and_keeps_the_evidence() -> None:
    traffic = RuleTraffic(dayzero_checks.INVARIANTS, "http://127.0.0.1:9/dayzero")
    traffic(*_response("http://127.0.0.1:9/dayzero/api/v1/credit-memos/cm_1", MEMO))
    broken = {**MEMO, "amount_remaining": 601}
    traffic(*_response("http://127.0.0.1:9/dayzero/api/v1/credit-memos/cm_1", broken))
    assert traffic.checked["dayzero_remaining_is_amount_minus_applied"] == 2
    failed = traffic.failures["dayzero_remaining_is_amount_minus_applied"]
    assert "601" in failed[0].exchange.response_body

    found = schema_layer.verdicts(
        schema_layer.SchemaRun(exit_code=0, requests=10, checked=dict(traffic.checked)),
        "dayzero.yaml",
        STATEMENTS,
    )
    judged = {v.id: v for v in traffic.judge(found, "specs/dayzero.yaml")}
    verdict = judged["dayzero_remaining_is_amount_minus_applied"]
    assert verdict.outcome == FAIL and "harness's own requests" in verdict.reason
    assert verdict.evidence


def test_the_spec_judges_the_rules_traffic_too_and_a_passing_schema_layer_is_overruled() -> None:
    """A field missing from an answer only a rule provokes, and an error body in another shape,
    fail Schemathesis' own checks by their codes, though its generated traffic never met them."""
    spec = schema_layer.served_openapi(
        settings_for(["x", "--api", "dayzero", "--in-process"]), "dayzero.yaml"
    )
    base = "http://127.0.0.1:9/dayzero"
    traffic = RuleTraffic(dayzero_checks.INVARIANTS, base, SpecJudge(spec, "/dayzero"))
    without_status = {key: value for key, value in MEMO.items() if key != "status"}
    traffic(*_response(f"{base}/api/v1/credit-memos/cm_1", without_status))
    traffic(*_response(f"{base}/api/v1/credit-memos/cm_1", {"error": "gone"}, status=404))
    traffic(*_response(f"{base}/api/v1/credit-memos/cm_1", {"detail": "teapot"}, status=418))
    traffic(*_response(f"{base}/api/v1/credit-memos/cm_1", {"detail": "gone"}, status=404))
    assert [judged.message.split(":")[0] for judged in traffic.failures["ST108"]] == [
        "GET /api/v1/credit-memos/{credit_memo_id} 200",
        "GET /api/v1/credit-memos/{credit_memo_id} 404",
    ]
    assert "418" in traffic.failures["ST103"][0].message
    passed = schema_layer.verdicts(
        schema_layer.SchemaRun(exit_code=0, requests=10), "dayzero.yaml", STATEMENTS
    )
    judged = {v.id: v for v in traffic.judge(passed, "specs/dayzero.yaml")}
    assert judged["ST108"].outcome == FAIL and judged["ST103"].outcome == FAIL
    assert judged["ST108"].evidence
    assert "SCHEMA-CONFORMANCE" not in judged


def test_rule_traffic_ignores_the_control_api_and_refusals() -> None:
    traffic = RuleTraffic(dayzero_checks.INVARIANTS, "http://127.0.0.1:9/dayzero")
    broken = {**MEMO, "amount_remaining": 601}
    traffic(*_response("http://127.0.0.1:9/_sandbox/tenants", broken))
    traffic(*_response("http://127.0.0.1:9/dayzero/api/v1/credit-memos", broken, status=400))
    assert not traffic.failures and not traffic.checked


def test_rule_traffic_shows_error_responses_to_the_invariants_of_whole_responses() -> None:
    traffic = RuleTraffic(kojo_checks.INVARIANTS, "http://127.0.0.1:9/kojo")
    refused = {"errors": [{"message": "limit must be between 0 and 100; got 101"}]}
    traffic(*_response("http://127.0.0.1:9/kojo/graphql", refused, status=400))
    # the status, and the error without its requestId, whatever the status it came with
    assert set(traffic.failures) == {
        "kojo_graphql_errors_come_with_http_200",
        "kojo_errors_carry_request_ids",
    }
    assert traffic.checked["kojo_errors_carry_request_ids"] == 1
