"""The harness passes nothing it did not check, leaks no token, and survives odd input."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from contracts import baseline, runner, schema_layer
from contracts.config import UsageError
from contracts.http import Limits
from contracts.report import RunReport, junit
from contracts.rules import FAIL, Verdict, catalogue, run_rules
from contracts.vendors.dayzero import checks as checks
from contracts.vendors.dayzero.client import DayZeroCredentials, DayZeroSession
from creditbox.cli import main
from sandbox.embedded import EmbeddedSandbox
from tests.contracts.support import demo_args, settings_for
from tests.support.clients import DEMO_BUSINESS_ID, DEMO_TOKEN, dayzero_client

MEMO = {
    "number": "CM-0001",
    "status": "issued",
    "amount": 1000,
    "amount_applied": 0,
    "amount_remaining": 1000,
    "can_be_deleted": False,
}


def test_a_malformed_object_fails_the_check_by_name_instead_of_crashing_it() -> None:
    broken = {**MEMO, "amount_applied": "0"}
    with pytest.raises(AssertionError, match="CM-0001: malformed memo"):
        checks.INVARIANTS.run("dayzero_remaining_is_amount_minus_applied", broken)


def test_a_check_that_does_not_apply_counts_nothing() -> None:
    assert checks.INVARIANTS.run("dayzero_has_applications_iff_applications", MEMO) == 0
    with_list = {**MEMO, "applications": [], "has_applications": False}
    assert checks.INVARIANTS.run("dayzero_has_applications_iff_applications", with_list) == 1


def _verdicts(run: schema_layer.SchemaRun) -> dict[str, Verdict]:
    statements = checks.INVARIANTS.statements
    return {v.id: v for v in schema_layer.verdicts(run, "dayzero.yaml", statements)}


def test_schemathesis_errors_fail_the_run_even_beside_other_failures() -> None:
    run = schema_layer.SchemaRun(
        exit_code=1,
        requests=50,
        failures=[{"code": "ST204", "title": "Undocumented HTTP method", "operations": ["X"]}],
        errors=[{"title": "Runtime Error"}],
    )
    assert _verdicts(run)["SCHEMATHESIS-RUN"].outcome == FAIL


def test_a_run_that_completed_no_request_is_not_a_pass() -> None:
    verdicts = _verdicts(schema_layer.SchemaRun(exit_code=0, requests=0))
    assert verdicts["SCHEMATHESIS-RUN"].outcome == FAIL
    assert "SCHEMA-CONFORMANCE" not in verdicts


def test_credentials_never_reach_the_schemathesis_command_line(tmp_path: Path) -> None:
    args = ["contracts", "--api", "dayzero", "--base-url", "http://x/dayzero"]
    settings = settings_for(
        [*args, "--token", "dz_secret", "--business-id", "b", "--rate-limit", "0.2"]
    )
    command = schema_layer.command(settings, "dayzero.yaml", "http://x/dayzero", tmp_path)
    assert not any("dz_secret" in part for part in command)
    assert command[command.index("--rate-limit") + 1] == "12/m"
    toml = schema_layer._headers_toml({"Authorization": "Bearer dz_secret"})
    assert "dz_secret" not in toml and "${CREDITBOX_HEADER_0}" in toml


def test_junit_stays_valid_xml_whatever_the_target_sent(tmp_path: Path) -> None:
    report = RunReport("dayzero", "t", False, "now")
    report.verdicts = [Verdict("R", "rule", "s", "src", FAIL, "body \x00\x01\x1b[31m end")]
    root = ET.parse(junit.write(report, tmp_path / "j.xml")).getroot()
    assert next(root.iter("failure")).get("message") == "body ???[31m end"


def test_tokens_are_masked_in_evidence_and_reasons(tmp_path: Path) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text=f"your token is {DEMO_TOKEN}")

    session = DayZeroSession(
        "http://dz.test/dayzero",
        DayZeroCredentials(DEMO_TOKEN, DEMO_BUSINESS_ID),
        Limits(rate_per_second=0),
        "run",
        transport=httpx.MockTransport(echo),
    )
    verdicts = run_rules(catalogue("dayzero")[:1], session, allow_writes=False)
    text = verdicts[0].reason + "".join(e.as_text() for e in verdicts[0].evidence)
    assert DEMO_TOKEN not in text and "[secret]" in text


def test_cleanup_is_not_refused_for_the_budget() -> None:
    create_draft = [rule for rule in catalogue("dayzero") if rule.id == "DZ-CREATE-DRAFT"]
    with EmbeddedSandbox() as sandbox:
        session = DayZeroSession(
            f"{sandbox.base_url}/dayzero",
            DayZeroCredentials(DEMO_TOKEN, DEMO_BUSINESS_ID),
            Limits(max_requests=2, rate_per_second=0),
            "run",
        )
        [verdict] = run_rules(create_draft, session, allow_writes=True)
        with httpx.Client(base_url=sandbox.base_url) as http:
            left = dayzero_client(http).memos()["items"]
    assert verdict.outcome == "pass", verdict.reason
    assert left == [], "the draft the rule created was deleted"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[contracts]\nlayers = ["bogus"]', "layers are"),
        ("[contracts]\nlayers = []", "layers are"),
        ("[contracts]\nreport_dir = 5", "not a valid value"),
        ("[contracts]\nrate_limit = nan", "--rate-limit"),
        ('[contracts]\ntoken = "dzé"', "printable ASCII"),
        ("contracts = 1", "must be a table"),
    ],
)
def test_bad_config_values_are_usage_errors(tmp_path: Path, toml: str, message: str) -> None:
    config = tmp_path / "creditbox.toml"
    config.write_text(toml, encoding="utf-8")
    args = ["contracts", "--api", "dayzero", "--base-url", "http://x/dayzero", "--business-id", "b"]
    if "token" not in toml:
        args += ["--token", "t"]
    with pytest.raises(UsageError, match=message):
        settings_for([*args, "--config", str(config)])


def test_a_flag_can_turn_off_writes_the_config_file_allows(tmp_path: Path) -> None:
    config = tmp_path / "creditbox.toml"
    config.write_text("[contracts]\nallow_writes = true\n")
    args = ["contracts", "--api", "dayzero", "--base-url", "http://x/dayzero", "--token", "t"]
    settings = settings_for(
        [*args, "--business-id", "b", "--config", str(config), "--no-allow-writes"]
    )
    assert settings.allow_writes is False


def test_a_config_path_that_is_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        settings_for(["contracts", "--api", "dayzero", "--in-process", "--config", str(tmp_path)])


def test_baseline_dates_with_times_and_undecodable_files(tmp_path: Path) -> None:
    path = tmp_path / "b.yaml"
    path.write_text("accepted:\n  - {id: X, reason: r, expires: 2027-01-01 10:00:00}\n")
    assert load_one(path).expires == dt.date(2027, 1, 1)
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(UsageError):
        baseline.load(path)


def load_one(path: Path) -> baseline.Acceptance:
    [entry] = baseline.load(path)
    return entry


def test_a_base_url_without_the_api_root_is_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with EmbeddedSandbox() as sandbox:
        args = demo_args(sandbox.base_url, tmp_path, "--layers", "rules")
        args[args.index("--base-url") + 1] = sandbox.base_url
        assert main(args) == 2
    assert "is the base URL the API's root" in capsys.readouterr().err


def test_an_unwritable_report_is_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with EmbeddedSandbox() as sandbox:
        assert main(demo_args(sandbox.base_url, blocker, "--layers", "rules")) == 2
    assert "creditbox contracts:" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("api", "where", "given", "pace"),
    [
        ("count", "--base-url", None, "100/m"),  # COUNT: 100 requests a minute per client id
        ("kojo", "--base-url", None, "10/s"),  # Kojo's 20 a second is above the default
        ("dayzero", "--base-url", None, "10/s"),  # documents none: the default
        ("count", "--in-process", None, None),  # the run's own sandbox: no cap
        ("count", "--in-process", "5", "5/s"),  # what the user asks for wins
        ("count", "--base-url", "50", "50/s"),
    ],
)
def test_a_url_target_is_paced_to_the_vendors_documented_limit(
    tmp_path: Path, api: str, where: str, given: str | None, pace: str | None
) -> None:
    credentials = {
        "count": ["--client-id", "c", "--client-secret", "s", "--token", "t"],
        "kojo": ["--client-id", "c", "--client-secret", "s"],
        "dayzero": ["--token", "t", "--business-id", "b"],
    }[api]
    target = [where, f"http://x/{api}"] if where == "--base-url" else [where]
    flags = ["--rate-limit", given] if given else []
    settings = settings_for(["contracts", "--api", api, *target, *credentials, *flags])
    paced = replace(settings, rate_limit=runner.rate_cap(settings))
    command = schema_layer.command(paced, f"{api}.yaml", f"http://x/{api}", tmp_path)
    if pace is None:
        assert "--rate-limit" not in command
    else:
        assert command[command.index("--rate-limit") + 1] == pace


@pytest.mark.parametrize(("given", "budget"), [(None, None), ("30", "30")])
def test_without_a_time_budget_schemathesis_runs_each_phase_once_and_ends(
    tmp_path: Path, given: str | None, budget: str | None
) -> None:
    flags = ["--max-time", given] if given else []
    settings = settings_for(["contracts", "--api", "dayzero", "--in-process", *flags])
    command = schema_layer.command(settings, "dayzero.yaml", "http://x/dayzero", tmp_path)
    if budget is None:
        assert "--max-time" not in command  # with one, fuzzing would go on until it is spent
    else:
        assert command[command.index("--max-time") + 1] == budget
