"""``creditbox calibrate`` as a user runs it: against a sandbox tenant answering in a profile it
must give that profile back; against a deployment rewritten from outside (a proxy in front of a
faithful sandbox) the readings the proxy speaks; and the profile it learnt, given to ``creditbox
contracts --profile``, must pass against the deployment it was learnt from."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from contracts.calibration import FLAKY, SEEN, UNKNOWN, Answer, finding_of, probes
from specs.readings import Profile, points, vendor_points
from tests.contracts import support
from tests.support.drift_proxy import Drift, Exchange, drifting
from tests.support.processes import run_cli, serving

VENDORS = sorted({point.vendor for point in points().values()})


def _profiles() -> Iterator[tuple[str, dict[str, str]]]:
    """For each vendor with disputed points: every default, each other reading alone, and every
    point at a reading other than its default at once."""
    for vendor in VENDORS:
        own = list(vendor_points(vendor))
        yield vendor, {}
        others: dict[str, str] = {}
        for point in own:
            for reading in point.readings:
                if reading != point.default:
                    others.setdefault(point.name, reading)
                    yield vendor, {point.name: reading}
        if len(own) > 1:
            yield vendor, others


PROFILES = list(_profiles())


def test_every_disputed_point_has_one_probe_after_the_reads_and_what_it_needs() -> None:
    for vendor in VENDORS:
        found = probes(vendor)
        assert sorted(p.point for p in found) == sorted(p.name for p in vendor_points(vendor))
        writes = [p.rule.writes for p in found]
        assert writes == sorted(writes), f"{vendor}: a read-only probe after one that writes"
        for number, each in enumerate(found):
            earlier = {p.point for p in found[:number]}
            assert set(each.needs) <= earlier, f"{each.point} runs before what it needs"


@pytest.fixture(scope="module")
def upstream() -> Iterator[str]:
    """One sandbox for every calibration here; each has a tenant of its own."""
    with serving(["--in-memory"]) as url:
        yield url


def _tenant(upstream: str, readings: dict[str, str] | None = None) -> dict[str, Any]:
    """A new tenant of ``upstream``, answering in ``readings``."""
    created: dict[str, Any] = httpx.post(f"{upstream}/_sandbox/tenants", timeout=30).json()
    if readings:
        chosen = httpx.put(
            f"{upstream}/_sandbox/tenants/{created['id']}/profile",
            json={"readings": readings},
            timeout=30,
        )
        assert chosen.status_code == 200, chosen.text
    return created


def _calibrate(
    base_url: str, vendor: str, tenant: dict[str, Any], output: Path, *extra: str
) -> tuple[int, str, dict[str, Any]]:
    """``creditbox calibrate`` against ``base_url``'s mount of ``vendor`` as ``tenant``: its exit
    code, what it printed, and the profile file it wrote (empty if none)."""
    flags = support.credential_flags(vendor, tenant["credentials"][vendor])
    done = run_cli(
        [
            *("calibrate", "--api", vendor, "--base-url", f"{base_url}/{vendor}", *flags),
            *("--rate-limit", "0", "--output", str(output), *extra),
        ]
    )
    written = yaml.safe_load(output.read_text(encoding="utf-8")) if output.exists() else {}
    return done.returncode, done.stdout + done.stderr, written


@pytest.mark.parametrize(
    ("vendor", "readings"),
    PROFILES,
    ids=[
        f"{vendor}-{'+'.join(f'{p}={r}' for p, r in readings.items()) or 'defaults'}"
        for vendor, readings in PROFILES
    ],
)
def test_calibrate_gives_back_the_profile_a_sandbox_answers_in(
    vendor: str, readings: dict[str, str], upstream: str, tmp_path: Path
) -> None:
    output = tmp_path / "profile.yaml"
    code, printed, written = _calibrate(
        upstream, vendor, _tenant(upstream, readings), output, "--allow-writes"
    )
    assert code == 0, printed
    assert written["readings"] == Profile.of(readings).for_vendor(vendor), printed
    lines = printed.splitlines()
    for point, reading in written["readings"].items():
        assert [point, reading] in [line.split() for line in lines], printed
        assert written["points"][point]["evidence"], f"{point}: no exchange shows the reading"


def test_a_read_only_calibration_leaves_the_points_only_writes_show_unknown(
    upstream: str, tmp_path: Path
) -> None:
    output = tmp_path / "profile.yaml"
    tenant = _tenant(upstream, {"dayzero.envelope": "wrapped"})
    code, printed, written = _calibrate(upstream, "dayzero", tenant, output)
    assert code == 0, printed
    profile = Profile.of({"dayzero.envelope": "wrapped"})
    reads = [found.point for found in probes("dayzero") if not found.rule.writes]
    assert written["readings"] == {point: profile.reading(point) for point in reads}
    unknown = written["points"]["dayzero.conflict-status"]
    assert unknown["reading"] is None and "--allow-writes" in unknown["unknown"], unknown
    memos = httpx.get(
        f"{upstream}/dayzero/api/v1/credit-memos",
        headers={"Authorization": f"Bearer {tenant['credentials']['dayzero']['token']}"},
        timeout=30,
    ).json()
    assert memos["data"]["items"] == [], "a read-only calibration created memos"


def test_the_profile_file_serves_and_masks_the_secrets(upstream: str, tmp_path: Path) -> None:
    """What calibrate writes is a profile ``creditbox serve --profile`` takes, and its evidence
    shows no secret of the credentials it was given."""
    output = tmp_path / "profile.yaml"
    readings = {"count.envelope": "wrapped", "count.error-body": "reference"}
    tenant = _tenant(upstream, readings)
    code, printed, _ = _calibrate(upstream, "count", tenant, output, "--allow-writes")
    assert code == 0, printed
    text = output.read_text(encoding="utf-8")
    for secret in ("client_secret", "access_token"):
        value = tenant["credentials"]["count"][secret]
        assert value[-12:] not in text and value[4:12] not in text, f"the {secret} is in the file"
    assert "authorization: [secret]" in text and "x-signature: [secret]" in text
    with serving(["--in-memory", "--profile", str(output)]) as served:
        demo = _calibrate(served, "count", _tenant(served), tmp_path / "again.yaml")
    assert demo[0] == 0, demo[1]
    assert {p: demo[2]["readings"][p] for p in readings} == readings, demo[1]


def test_a_target_that_cannot_be_reached_exits_2(tmp_path: Path) -> None:
    tenant = {"credentials": {"dayzero": {"token": "dz_x", "business_id": "b"}}}
    code, printed, written = _calibrate(
        "http://127.0.0.1:9", "dayzero", tenant, tmp_path / "profile.yaml"
    )
    assert code == 2, printed
    assert "cannot reach" in printed and not written


def test_kojo_has_no_disputed_points_to_calibrate(upstream: str, tmp_path: Path) -> None:
    code, printed, written = _calibrate(
        upstream, "kojo", _tenant(upstream), tmp_path / "profile.yaml"
    )
    assert code == 0, printed
    assert written == {"readings": {}, "points": {}}


# deployments rewritten from outside: each speaks readings other than the sandbox's defaults


def _wrap_dayzero(exchange: Exchange) -> None:
    """DayZero's rendered reference envelope around every 2xx JSON body."""
    if 200 <= exchange.status < 300 and exchange.body is not None:
        exchange.body = {"success": True, "message": "OK", "code": "success", "data": exchange.body}


def _wrap_count(exchange: Exchange) -> None:
    """COUNT's REST reference envelope around every 2xx JSON body of the Partner API."""
    partner = exchange.path.startswith("/partners/")
    if partner and 200 <= exchange.status < 300 and exchange.body is not None:
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
    tenant = _tenant(upstream)
    output = tmp_path / "profile.yaml"
    with drifting(upstream, drift) as (url, _proxy):
        code, printed, written = _calibrate(url, drift.vendor, tenant, output, "--allow-writes")
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
        code, printed, written = _calibrate(
            url, "dayzero", _tenant(upstream), tmp_path / "profile.yaml"
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
    tenant = _tenant(upstream, readings)
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
    tenant = _tenant(upstream)
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


# what one or two runs of a probe add up to


def _answer(reading: str | None = None, why: str = "", neither: bool = False) -> Answer:
    return Answer(reading, neither, why, [])


@pytest.mark.parametrize(
    ("first", "second", "state"),
    [
        (_answer("bare"), _answer("bare"), SEEN),
        (_answer("bare"), _answer("wrapped"), FLAKY),
        (_answer("bare"), _answer(why="no", neither=True), FLAKY),
        (_answer(why="no", neither=True), _answer(why="no", neither=True), UNKNOWN),
        (_answer("bare"), _answer(why="needs a FINAL invoice"), UNKNOWN),
        (_answer(why="needs a FINAL invoice"), _answer(why="needs a FINAL invoice"), UNKNOWN),
        (_answer("bare"), None, SEEN),
        (_answer(why="no", neither=True), None, UNKNOWN),
    ],
)
def test_a_point_is_seen_only_when_every_run_reads_it_and_flaky_only_when_answers_differ(
    first: Answer, second: Answer | None, state: str
) -> None:
    """A run that could not run (test data used up, say) makes a point unknown, not flaky."""
    found = finding_of("dayzero.envelope", first, second)
    assert found.state == state, found
    assert (found.reading == "bare") == (state == SEEN)
    if state != SEEN:
        assert found.why
