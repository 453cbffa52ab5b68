"""The harness against a deployment that drifts from outside: a reverse proxy in front of a
faithful sandbox rewrites its answers, one drift at a time (``tests/contracts/drifts/``), and
``creditbox contracts --base-url <proxy>`` must exit 1 and name the rule or invariant that saw
it. Through the same proxy with no drift, the same run must exit 0: the proxy adds no drift of its
own, and the harness raises no false alarm.

Each run is a new tenant of one sandbox served for them all. ``make test`` runs a drift per
check (so each check is shown to report one) and a sample of those made from the traceability
page, a drift that a rule must report in a run of that rule alone (``--rules``, as a user reruns
a failing rule) unless the rule reads what other rules make; ``make soak`` sets
``CREDITBOX_DRIFTS=all``, runs every drift in a run of every rule, and records what was caught.
Each run has the layers its drift names (the rules layer for most, whose exchanges the
invariants and the spec judge too, which sees such a drift in a few seconds);
``CREDITBOX_DRIFT_LAYERS`` sets other layers for all of them (``rules,schema``: the full
default run, some forty seconds a drift).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contracts.rules import catalogue
from specs.readings import Profile, dump_profile
from tests.contracts import support
from tests.contracts.drifts import DRIFTS, SAMPLED
from tests.support.drift_proxy import Drift, drifting
from tests.support.figures import record
from tests.support.processes import run_cli, serving

# the layers for every run; unset, each drift's own
LAYERS = os.environ.get("CREDITBOX_DRIFT_LAYERS")
_VERDICT = re.compile(r"^\s+\[\s*\d+/\d+\]\s+(PASS|FAIL|SKIP|ACCEPTED)\s+(\S+)\s*(.*)$", re.M)


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    """One faithful sandbox for every run here; each run has a tenant of its own."""
    with serving(["--in-memory"]) as url:
        yield url


def _run(
    upstream: str, vendor: str, drift: Drift | None, report_dir: Path
) -> tuple[int, dict[str, str], int]:
    """The harness, as a new tenant of ``upstream`` (answered in the drift's readings, which the
    run expects), against the proxy in front of it: exit code, outcome per verdict, answers
    rewritten."""
    created = httpx.post(f"{upstream}/_sandbox/tenants", timeout=30).json()
    expected: list[str] = []
    if drift and drift.readings:
        readings = dict(drift.readings)
        chosen = httpx.put(
            f"{upstream}/_sandbox/tenants/{created['id']}/profile",
            json={"readings": readings},
            timeout=30,
        )
        assert chosen.status_code == 200, chosen.text
        profile = report_dir / "profile.yaml"
        profile.write_text(dump_profile(Profile.of(readings)), encoding="utf-8")
        expected = ["--profile", str(profile)]
    if ALONE and drift and drift.alone and drift.seen_by in {r.id for r in catalogue(vendor)}:
        expected += ["--rules", drift.seen_by]  # the rule that must report it, as a user reruns one
    with drifting(upstream, drift) as (url, proxy):
        layers = LAYERS or (drift.layers if drift else "rules")
        credentials = created["credentials"][vendor]
        args = support.tenant_args(vendor, url, report_dir, credentials, *expected)
        done = run_cli([*args, "--allow-writes", "--layers", layers])
    assert done.returncode in (0, 1), done.stderr[-2000:]
    outcomes = {found[1]: found[0] for found in _VERDICT.findall(done.stdout)}
    return done.returncode, outcomes, proxy.rewritten


# make soak: every drift, each in a run of every rule; make test: one per check, and one
# generated per type, each run with its rule alone where it can be
EVERY = os.environ.get("CREDITBOX_DRIFTS") == "all"
CHOSEN = DRIFTS if EVERY else SAMPLED
ALONE = not EVERY


@pytest.mark.parametrize("drift", CHOSEN, ids=[f"{d.vendor}-{d.name}" for d in CHOSEN])
def test_the_harness_reports_each_drift_by_name(
    drift: Drift, upstream: str, tmp_path: Path
) -> None:
    code, outcomes, rewritten = _run(upstream, drift.vendor, drift, tmp_path)
    caught = code == 1 and outcomes.get(drift.seen_by) == "FAIL"
    vendor = drift.vendor
    record("proxy_drifts", drifts=1, caught=int(caught))
    record("proxy_drifts", **{f"{vendor}_drifts": 1, f"{vendor}_caught": int(caught)})
    assert rewritten, f"{drift.name}: the run never met what this drift rewrites"
    assert code == 1, f"{drift.name} ({drift.what}) was not reported: {outcomes}"
    assert outcomes.get(drift.seen_by) == "FAIL", (
        f"{drift.name} ({drift.what}): {drift.seen_by} is {outcomes.get(drift.seen_by)}, "
        f"failures: {sorted(k for k, v in outcomes.items() if v == 'FAIL')}"
    )
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "the rule could not complete" not in _verdict_row(report, drift.seen_by), (
        "caught only because the check crashed"
    )


def _verdict_row(report: str, verdict_id: str) -> str:
    """The row of ``verdict_id`` in report.md's table of verdicts, whose last cell is why it
    failed (a rule that crashed says so there)."""
    rows = [line for line in report.splitlines() if line.startswith(f"| FAIL | `{verdict_id}` |")]
    assert rows, f"report.md has no failed verdict {verdict_id}"
    return rows[0]


@pytest.mark.parametrize("vendor", ["dayzero", "count", "solvimon", "kojo"])
def test_the_proxy_alone_is_no_drift(vendor: str, upstream: str, tmp_path: Path) -> None:
    code, outcomes, rewritten = _run(upstream, vendor, None, tmp_path)
    record("proxy_drifts", faithful_runs=1, false_alarms=int(code != 0))
    assert rewritten == 0
    assert code == 0, sorted(k for k, v in outcomes.items() if v == "FAIL")
