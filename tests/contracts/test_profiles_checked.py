"""The harness checks a deployment against the readings of disputed points it is told to expect
(``--profile``): a sandbox served in a reading conforms when that reading is expected, and drifts,
under the check named for the point, when another one is."""

from __future__ import annotations

from pathlib import Path

import pytest

from contracts.checks import expect
from contracts.vendors.dayzero import checks as dayzero_checks
from specs.readings import Profile, dump_profile, points, vendor_points
from tests.contracts.support import count_args, demo_args
from tests.support.processes import run_cli, serving

WRAPPED = "readings:\n  dayzero.envelope: wrapped\n"


def _profile(tmp_path: Path) -> Path:
    path = tmp_path / "wrapped.yaml"
    path.write_text(WRAPPED, encoding="utf-8")
    return path


def test_a_sandbox_in_the_wrapped_reading_conforms_when_the_wrapped_reading_is_expected(
    tmp_path: Path,
) -> None:
    profile = _profile(tmp_path)
    with serving(["--in-memory", "--profile", str(profile)]) as base_url:
        args = demo_args(base_url, tmp_path, "--allow-writes", "--max-examples", "3")
        result = run_cli([*args, "--profile", str(profile)])
    assert result.returncode == 0, result.stdout[-4000:]
    assert " 0 fail" in result.stdout and " 0 skip" in result.stdout
    assert "PASS     dayzero_envelope_as_expected" in result.stdout


def test_a_wrapping_deployment_drifts_from_the_default_bare_reading(tmp_path: Path) -> None:
    profile = _profile(tmp_path)
    with serving(["--in-memory", "--profile", str(profile)]) as base_url:
        # the invariants judge the rules' own exchanges too: the rules layer alone sees it
        result = run_cli(demo_args(base_url, tmp_path, "--allow-writes", "--layers", "rules"))
    assert result.returncode == 1, result.stdout[-4000:]
    assert "FAIL     dayzero_envelope_as_expected" in result.stdout
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "the body is wrapped in {success, message, code, data}" in report


def test_a_bare_deployment_drifts_from_the_expected_wrapped_reading(tmp_path: Path) -> None:
    profile = _profile(tmp_path)
    with serving(["--in-memory"]) as base_url:
        args = demo_args(base_url, tmp_path, "--layers", "rules")
        result = run_cli([*args, "--profile", str(profile)])
    assert result.returncode == 1, result.stdout[-4000:]
    assert "FAIL     dayzero_envelope_as_expected" in result.stdout


def test_in_process_serves_the_expected_profile(tmp_path: Path) -> None:
    profile = _profile(tmp_path)
    args = ["contracts", "--api", "dayzero", "--in-process", "--max-examples", "3"]
    result = run_cli([*args, "--report-dir", str(tmp_path), "--profile", str(profile)])
    assert result.returncode == 0, result.stdout[-4000:]
    assert "PASS     dayzero_envelope_as_expected" in result.stdout


@pytest.mark.parametrize("vendor", sorted({point.vendor for point in points().values()}))
def test_the_sandbox_conforms_under_every_other_reading_of_a_vendor_at_once(
    vendor: str, tmp_path: Path
) -> None:
    others = {
        point.name: next(r for r in point.readings if r != point.default)
        for point in vendor_points(vendor)
    }
    profile = tmp_path / "others.yaml"
    profile.write_text(dump_profile(Profile.of(others)), encoding="utf-8")
    args = ["contracts", "--api", vendor, "--in-process", "--allow-writes", "--max-examples", "3"]
    result = run_cli([*args, "--report-dir", str(tmp_path), "--profile", str(profile)])
    assert result.returncode == 0, result.stdout[-4000:]
    assert " 0 fail" in result.stdout
    # a rule of one reading only (the client's string discount) skips under the others; no other
    skipped = [line for line in result.stdout.splitlines() if " SKIP " in line]
    assert all("reading" in line for line in skipped), skipped


def test_a_profile_naming_an_unknown_point_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("readings:\n  dayzero.envelop: wrapped\n", encoding="utf-8")
    args = ["contracts", "--api", "dayzero", "--in-process", "--profile", str(bad)]
    result = run_cli(args)
    assert result.returncode == 2
    assert "--profile: no disputed point named 'dayzero.envelop'" in result.stderr


def test_the_envelope_check_reads_each_reading_and_fails_the_other() -> None:
    memo = {"id": "cm_1", "amount": 5}
    wrapped = {"success": True, "message": "OK", "code": "success", "data": memo}
    try:
        expect(Profile.of({"dayzero.envelope": "wrapped"}))
        assert dayzero_checks.envelope_as_expected(wrapped) == 1
        assert dayzero_checks.resource(wrapped) == memo
        for drifted in (memo, {**wrapped, "success": False}, {"data": memo, "success": True}):
            try:
                dayzero_checks.envelope_as_expected(drifted)
            except AssertionError:
                continue
            raise AssertionError(f"{drifted} passed the wrapped reading")
        expect(Profile.of())
        assert dayzero_checks.envelope_as_expected(memo) == 1
        assert dayzero_checks.resource(wrapped) == wrapped
        try:
            dayzero_checks.envelope_as_expected(wrapped)
        except AssertionError:
            return
        raise AssertionError("a wrapped body passed the bare reading")
    finally:
        expect(Profile.of())


def test_a_count_deployment_with_the_reference_error_body_drifts_from_the_clients(
    tmp_path: Path,
) -> None:
    profile = tmp_path / "reference.yaml"
    profile.write_text("readings:\n  count.error-body: reference\n", encoding="utf-8")
    with serving(["--in-memory", "--profile", str(profile)]) as base_url:
        args = count_args(base_url, tmp_path, "--layers", "rules")
        drifted = run_cli(args)
        expected = run_cli([*args, "--profile", str(profile)])
    assert drifted.returncode == 1, drifted.stdout[-3000:]
    assert "FAIL     CT-AUTH-BAD-SIGNATURE" in drifted.stdout
    assert expected.returncode == 0, expected.stdout[-3000:]


def test_a_wrapping_count_deployment_drifts_from_the_bare_reading(tmp_path: Path) -> None:
    profile = tmp_path / "wrapped.yaml"
    profile.write_text("readings:\n  count.envelope: wrapped\n", encoding="utf-8")
    with serving(["--in-memory", "--profile", str(profile)]) as base_url:
        args = count_args(base_url, tmp_path, "--allow-writes", "--layers", "rules")
        drifted = run_cli(args)
        expected = run_cli([*args, "--profile", str(profile)])
    assert drifted.returncode == 1, drifted.stdout[-3000:]
    assert "FAIL     count_envelope_as_expected" in drifted.stdout
    assert expected.returncode == 0, expected.stdout[-3000:]


@pytest.mark.parametrize(("served", "other"), [("refused", "no-op"), ("no-op", "refused")])
def test_approving_again_is_checked_against_the_reading_expected(
    served: str, other: str, tmp_path: Path
) -> None:
    """A sandbox in one reading of count.approve-again passes CT-APPROVE-AGAIN-AS-EXPECTED when
    that reading is expected, and fails it when the other one is."""
    profiles = {}
    for reading in (served, other):
        profiles[reading] = tmp_path / f"{reading}.yaml"
        profiles[reading].write_text(
            f"readings:\n  count.approve-again: {reading}\n", encoding="utf-8"
        )
    with serving(["--in-memory", "--profile", str(profiles[served])]) as base_url:
        args = count_args(base_url, tmp_path, "--allow-writes", "--layers", "rules")
        conforms = run_cli([*args, "--profile", str(profiles[served])])
        drifts = run_cli([*args, "--profile", str(profiles[other])])
    assert conforms.returncode == 0, conforms.stdout[-3000:]
    assert "PASS     CT-APPROVE-AGAIN-AS-EXPECTED" in conforms.stdout
    assert drifts.returncode == 1, drifts.stdout[-3000:]
    assert "FAIL     CT-APPROVE-AGAIN-AS-EXPECTED" in drifts.stdout
    assert "FAIL" not in drifts.stdout.replace("FAIL     CT-APPROVE-AGAIN-AS-EXPECTED", "")
