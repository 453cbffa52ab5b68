"""``creditbox contracts`` against running servers, exactly as against a real deployment."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import httpx

from tests.support.dayzero_client import DEMO_BUSINESS_ID, DEMO_TOKEN, DayZero
from tests.support.planted import BUGS
from tests.support.processes import CREDITBOX, serving


def run_contracts(base_url: str, report_dir: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        CREDITBOX,
        "contracts",
        "--api",
        "dayzero",
        "--base-url",
        f"{base_url}/dayzero",
        "--token",
        DEMO_TOKEN,
        "--business-id",
        DEMO_BUSINESS_ID,
        "--report-dir",
        str(report_dir),
        "--junit",
        str(report_dir / "junit.xml"),
        "--seed",
        "1",
        *extra,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def har_statuses(report_dir: Path) -> list[int]:
    entries = json.loads((report_dir / "requests.har").read_text())["log"]["entries"]
    return [entry["response"]["status"] for entry in entries]


def seed(base_url: str) -> None:
    """Give the demo tenant memos in every state, so list responses carry them."""
    with httpx.Client(base_url=base_url) as http:
        dayzero = DayZero(http)
        customer = dayzero.customer()
        invoice = dayzero.open_invoice(customer["id"], 10000)
        dayzero.memo(customer["id"], 700)
        applied = dayzero.issued_memo(customer["id"], 3000)
        assert dayzero.apply(applied["id"], invoice["id"], 2000).status_code == 201


def test_sandbox_passes_its_contract_with_no_server_error(tmp_path: Path) -> None:
    with serving(["--data-dir", str(tmp_path / "data")]) as base_url:
        seed(base_url)
        result = run_contracts(base_url, tmp_path, "--max-time", "30")
    assert result.returncode == 0, result.stdout[-4000:]
    statuses = Counter(har_statuses(tmp_path))
    assert sum(statuses.values()) >= 1000
    assert not [status for status in statuses if status >= 500]
    assert statuses[201] and statuses[200], "positive requests succeeded"
    assert statuses[422] and statuses[401], "negative requests were refused"
    suites = ET.parse(tmp_path / "junit.xml").getroot()
    assert suites.iter("testcase") and not list(suites.iter("failure"))
    assert "creditbox contracts: dayzero passed" in result.stdout


def test_planted_bugs_are_reported_by_check_name(tmp_path: Path) -> None:
    planted = [sys.executable, "-m", "tests.support.planted", *[f"--bug={name}" for name in BUGS]]
    with serving([], command=planted) as base_url:
        seed(base_url)
        result = run_contracts(base_url, tmp_path, "--phases", "fuzzing", "--max-time", "15")
    assert result.returncode == 1
    for _, check in BUGS.values():
        assert f"Custom check failed: `{check}`" in result.stdout, check
    assert "creditbox contracts: dayzero FAILED" in result.stdout
    failures = ET.parse(tmp_path / "junit.xml").getroot().iter("failure")
    assert any("dayzero_remaining_is_amount_minus_applied" in (f.text or "") for f in failures)


def test_missing_credentials_are_a_usage_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [CREDITBOX, "contracts", "--api", "dayzero", "--base-url", "http://127.0.0.1:9"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "needs --token and --business-id" in result.stderr
