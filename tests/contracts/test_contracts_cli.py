"""``creditbox contracts`` against running servers, exactly as against a real deployment."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from contracts.rules import catalogue
from tests.contracts.support import demo_args, har_entries, seed
from tests.support.processes import run_cli, serving


def test_running_sandbox_conforms_on_every_rule_and_check(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    with serving(["--data-dir", str(tmp_path / "data")]) as base_url:
        result = run_cli(
            demo_args(
                base_url, tmp_path, "--allow-writes", "--max-examples", "10", "--junit", str(junit)
            )
        )
    assert result.returncode == 0, result.stdout[-4000:]
    rules = catalogue("dayzero")
    for rule in rules:
        assert f"PASS     {rule.id}" in result.stdout, rule.id
    assert " 0 fail" in result.stdout and " 0 skip" in result.stdout

    page = (tmp_path / "report.html").read_text()
    markdown = (tmp_path / "report.md").read_text()
    for rule in rules:
        assert rule.id in page and html.escape(rule.source) in page, rule.id
        assert rule.id in markdown
    cases = {case.get("name"): case for case in ET.parse(junit).getroot().iter("testcase")}
    assert {rule.id for rule in rules} <= set(cases)
    sources = {
        p.get("value") for p in cases[rules[0].id].iter("property") if p.get("name") == "source"
    }
    assert sources == {rules[0].source}
    assert not list(ET.parse(junit).getroot().iter("failure"))

    statuses = Counter(entry["response"]["status"] for entry in har_entries(tmp_path))
    assert sum(statuses.values()) >= 500
    assert not [status for status in statuses if status >= 500]
    assert statuses[201] and statuses[200], "positive requests succeeded"
    assert statuses[422] and statuses[401], "negative requests were refused"


def test_without_allow_writes_only_reads_and_says_what_it_skipped(tmp_path: Path) -> None:
    with serving(["--in-memory"]) as base_url:
        seed(base_url)
        result = run_cli(demo_args(base_url, tmp_path, "--max-time", "10"))
    assert result.returncode == 0, result.stdout[-4000:]
    assert "read-only: write checks are skipped" in result.stdout
    for rule in catalogue("dayzero"):
        expected = "SKIP" if rule.writes else "PASS"
        assert f"{expected:<8} {rule.id}" in result.stdout, rule.id
    assert "writes to the target: run with --allow-writes" in result.stdout
    entries = har_entries(tmp_path)
    assert {entry["request"]["method"] for entry in entries} <= {"GET", "OPTIONS", "TRACE"}
    assert "dayzero_remaining_is_amount_minus_applied" in result.stdout


def test_unreachable_target_is_exit_code_2(tmp_path: Path) -> None:
    result = run_cli(demo_args("http://127.0.0.1:9", tmp_path))
    assert result.returncode == 2
    assert "cannot reach http://127.0.0.1:9/dayzero" in result.stderr


def test_refused_credentials_are_exit_code_2(tmp_path: Path) -> None:
    with serving(["--in-memory"]) as base_url:
        args = demo_args(base_url, tmp_path)
        args[args.index("--token") + 1] = "dz_wrong"
        result = run_cli(args)
    assert result.returncode == 2
    assert "refused the credentials (401)" in result.stderr


@pytest.mark.parametrize(
    ("api", "base_url", "message"),
    [
        ("dayzero", "http://127.0.0.1:9", "needs --token and --business-id"),
        ("count", "http://127.0.0.1:9/count", "needs --client-id and --client-secret and --token"),
        ("solvimon", "http://127.0.0.1:9/x", "needs --api-key"),
    ],
)
def test_missing_credentials_are_a_usage_error(api: str, base_url: str, message: str) -> None:
    """Each API needs its own credentials."""
    result = run_cli(["contracts", "--api", api, "--base-url", base_url])
    assert result.returncode == 2
    assert message in result.stderr
