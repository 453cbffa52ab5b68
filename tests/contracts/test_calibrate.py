"""``creditbox calibrate`` as a user runs it: against a sandbox tenant answering in a profile it
must give that profile back; against a deployment rewritten from outside (a proxy in front of a
faithful sandbox) the readings the proxy speaks; and the profile it learnt, given to ``creditbox
contracts --profile``, must pass against the deployment it was learnt from."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from contracts.calibration import FLAKY, SEEN, UNKNOWN, Answer, finding_of, probes
from specs.readings import Profile, points, vendor_points
from tests.contracts import support
from tests.support.processes import serving

VENDORS = sorted({point.vendor for point in points().values()})


def _profiles() -> Iterator[tuple[str, dict[str, str]]]:
    """For each vendor with disputed points: every point at its default; every point at a reading
    other than its default; and, where a vendor has more than two points, every other point off
    its default (so that each probe meets its neighbours in both readings)."""
    for vendor in VENDORS:
        own = list(vendor_points(vendor))
        others = {p.name: next(r for r in p.readings if r != p.default) for p in own}
        yield vendor, {}
        yield vendor, others
        if len(own) > 2:
            yield vendor, {name: reading for name, reading in list(others.items())[::2]}


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
    code, printed, written = support.calibrate_run(
        upstream, vendor, support.new_tenant(upstream, readings), output, "--allow-writes"
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
    tenant = support.new_tenant(upstream, {"dayzero.envelope": "wrapped"})
    code, printed, written = support.calibrate_run(upstream, "dayzero", tenant, output)
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
    tenant = support.new_tenant(upstream, readings)
    code, printed, _ = support.calibrate_run(upstream, "count", tenant, output, "--allow-writes")
    assert code == 0, printed
    text = output.read_text(encoding="utf-8")
    for secret in ("client_secret", "access_token"):
        value = tenant["credentials"]["count"][secret]
        assert value[-12:] not in text and value[4:12] not in text, f"the {secret} is in the file"
    assert "authorization: [secret]" in text and "x-signature: [secret]" in text
    with serving(["--in-memory", "--profile", str(output)]) as served:
        demo = support.calibrate_run(
            served, "count", support.new_tenant(served), tmp_path / "again.yaml"
        )
    assert demo[0] == 0, demo[1]
    assert {p: demo[2]["readings"][p] for p in readings} == readings, demo[1]


def test_a_target_that_cannot_be_reached_exits_2(tmp_path: Path) -> None:
    tenant = {"credentials": {"dayzero": {"token": "dz_x", "business_id": "b"}}}
    code, printed, written = support.calibrate_run(
        "http://127.0.0.1:9", "dayzero", tenant, tmp_path / "profile.yaml"
    )
    assert code == 2, printed
    assert "cannot reach" in printed and not written


def test_kojo_has_no_disputed_points_to_calibrate(upstream: str, tmp_path: Path) -> None:
    code, printed, written = support.calibrate_run(
        upstream, "kojo", support.new_tenant(upstream), tmp_path / "profile.yaml"
    )
    assert code == 0, printed
    assert written == {"readings": {}, "points": {}}


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
        (_answer(why="needs a FINAL invoice"), _answer("bare"), UNKNOWN),
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
    if state == UNKNOWN and "bare" in (first.reading, second and second.reading):
        assert found.why.startswith("read 'bare' once; the other time: needs"), found.why
