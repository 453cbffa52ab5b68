"""Calibration against deployments rewritten from outside (a proxy in front of a faithful
sandbox speaking readings other than its defaults), and what a contract run reports of the
disputed points: the section, and the baseline it suggests."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from contracts.calibration import probes
from specs.readings import Profile
from tests.contracts import support
from tests.support.drift_proxy import Drift, Exchange, drifting
from tests.support.processes import run_cli, serving


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    """One sandbox for every run here; each has a tenant of its own."""
    with serving(["--in-memory"]) as url:
        yield url


# deployments rewritten from outside: each speaks readings other than the sandbox's defaults


def _wrap_dayzero(exchange: Exchange) -> None:
    """DayZero's rendered reference envelope around every 2xx JSON body."""
    if 200 <= exchange.status < 300 and exchange.body is not None:
        exchange.body = {"success": True, "message": "OK", "code": "success", "data": exchange.body}


def _wrap_count(exchange: Exchange) -> None:
    """COUNT's REST reference envelope around every 2xx JSON body of the Partner API (the token
    exchange's is in it already, in every reading)."""
    partner = exchange.path.startswith("/partners/")
    wrapped = isinstance(exchange.body, dict) and {"status", "data"} <= exchange.body.keys()
    if partner and not wrapped and 200 <= exchange.status < 300 and exchange.body is not None:
        exchange.body = {"status": "success", "message": "Success", "data": exchange.body}


def _on_hold_as_the_page_spells_it(body: Any) -> Any:
    """A deployment that reads the on-hold flag as the rendered page spells it."""
    if not isinstance(body, dict):
        return body
    kept = {k: v for k, v in body.items() if k not in ("force_init_on_hold", "forceInitOnHold")}
    if "forceInitOnHold" in body:
        kept["force_init_on_hold"] = body["forceInitOnHold"]
    return kept


def _unchanged(exchange: Exchange) -> None:
    """Answers as they come."""


REWRITTEN = [
    (
        Drift("wraps", "dayzero", "wraps", _wrap_dayzero, "dayzero_envelope_as_expected"),
        {"dayzero.envelope": "wrapped"},
    ),
    (
        Drift("wraps", "count", "wraps", _wrap_count, "count_envelope_as_expected"),
        {"count.envelope": "wrapped"},
    ),
    (
        Drift(
            "on-hold-camel-case",
            "solvimon",
            "reads forceInitOnHold",
            _unchanged,
            "SV-ON-HOLD-AS-EXPECTED",
            rewrite_request=_on_hold_as_the_page_spells_it,
        ),
        {"solvimon.on-hold-field": "reference-page"},
    ),
]


@pytest.mark.parametrize(("drift", "speaks"), REWRITTEN, ids=[d.vendor for d, _ in REWRITTEN])
def test_calibrating_a_rewritten_deployment_learns_a_profile_it_then_passes(
    drift: Drift, speaks: dict[str, str], upstream: str, tmp_path: Path
) -> None:
    tenant = support.new_tenant(upstream)
    output = tmp_path / "profile.yaml"
    with drifting(upstream, drift) as (url, _proxy):
        code, printed, written = support.calibrate_run(
            url, drift.vendor, tenant, output, "--allow-writes"
        )
        assert code == 0, printed
        assert written["readings"] == Profile.of(speaks).for_vendor(drift.vendor), printed
        credentials = tenant["credentials"][drift.vendor]
        report = tmp_path / "report"
        args = support.tenant_args(drift.vendor, url, report, credentials, "--allow-writes")
        learnt = run_cli([*args, "--layers", "rules", "--profile", str(output)])
        assert learnt.returncode == 0, learnt.stdout[-3000:] + learnt.stderr[-2000:]
        unlearnt = run_cli([*args, "--layers", "rules"])
    assert unlearnt.returncode == 1, unlearnt.stdout[-3000:]
    assert drift.seen_by in unlearnt.stdout


def test_a_deployment_that_answers_a_point_two_ways_is_reported_flaky(
    upstream: str, tmp_path: Path
) -> None:
    lists = itertools.count()

    def every_other_list_wrapped(exchange: Exchange) -> None:
        listed = exchange.method == "GET" and exchange.path == "/api/v1/credit-memos"
        if listed and next(lists) % 2:
            _wrap_dayzero(exchange)

    drift = Drift("flaky", "dayzero", "wraps half", every_other_list_wrapped, "-")
    with drifting(upstream, drift) as (url, _proxy):
        code, printed, written = support.calibrate_run(
            url, "dayzero", support.new_tenant(upstream), tmp_path / "profile.yaml"
        )
    assert code == 0, printed
    found = written["points"]["dayzero.envelope"]
    assert found["reading"] is None and "bare" in found["flaky"] and "wrapped" in found["flaky"]
    assert "dayzero.envelope" not in written["readings"]
    assert "flaky" in printed


# what a contract run reports of the disputed points, and the baseline it suggests


def _contracts(
    base_url: str, vendor: str, tenant: dict[str, Any], report: Path, *extra: str
) -> tuple[int, str]:
    """``creditbox contracts`` (the rules layer, writes allowed) against ``base_url``'s mount of
    ``vendor`` as ``tenant``: exit code and what it printed."""
    credentials = tenant["credentials"][vendor]
    args = support.tenant_args(vendor, base_url, report, credentials, "--allow-writes", *extra)
    done = run_cli([*args, "--layers", "rules"])
    return done.returncode, done.stdout + done.stderr


def test_a_contract_run_lists_what_the_target_answers_on_each_disputed_point(
    upstream: str, tmp_path: Path
) -> None:
    readings = {"count.list-rows": "reference", "count.approve-again": "no-op"}
    profile = tmp_path / "expected.yaml"
    profile.write_text(yaml.safe_dump({"readings": readings}), encoding="utf-8")
    tenant = support.new_tenant(upstream, readings)
    code, printed = _contracts(upstream, "count", tenant, tmp_path, "--profile", str(profile))
    assert code == 0, printed[-3000:]
    section = printed[printed.index("Disputed points") :].splitlines()
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    for found in probes("count"):
        reading = Profile.of(readings).reading(found.point)
        [line] = [line for line in section if line.split()[:1] == [found.point]]
        if found.rule.writes:  # a contract run only reads: calibrate asks these
            assert f"expected {reading}, answered unknown: only writes show it" in line
            assert f"| `{found.point}` | {reading} | unknown | only writes show it" in report
        else:
            assert line.endswith(f"expected {reading}, answered {reading}"), line
            assert f"| `{found.point}` | {reading} | {reading} |  |" in report
    suggested = yaml.safe_load((tmp_path / "baseline.suggested.yaml").read_text("utf-8"))
    assert suggested == {"accepted": []}


def test_a_drifted_run_suggests_a_baseline_that_accepts_what_it_found(
    upstream: str, tmp_path: Path
) -> None:
    drift = REWRITTEN[0][0]  # DayZero, wrapped as the rendered pages show it
    tenant = support.new_tenant(upstream)
    with drifting(upstream, drift) as (url, _proxy):
        code, printed = _contracts(url, "dayzero", tenant, tmp_path / "first")
        assert code == 1, printed[-3000:]
        assert "dayzero.envelope" in printed
        assert "expected bare, answered wrapped: DIFFERS" in printed
        report = (tmp_path / "first" / "report.md").read_text(encoding="utf-8")
        assert (
            "| `dayzero.envelope` | bare | wrapped | DIFFERS from the reading expected |" in report
        )
        path = tmp_path / "first" / "baseline.suggested.yaml"
        suggested = yaml.safe_load(path.read_text(encoding="utf-8"))["accepted"]
        ids = {entry["id"] for entry in suggested}
        assert drift.seen_by in ids, ids
        today = dt.date.today()
        for entry in suggested:
            assert entry["target"] == f"{url}/dayzero"
            assert entry["expires"] == today + dt.timedelta(days=90)
            assert entry["reason"].startswith("TO REVIEW")
        again, printed = _contracts(
            url, "dayzero", tenant, tmp_path / "again", "--baseline", str(path)
        )
    assert again == 0, printed[-3000:]
    assert f"ACCEPTED {drift.seen_by}" in " ".join(printed.split())
