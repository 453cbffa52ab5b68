"""A baseline turns a known, current deviation into "accepted"; an expired one fails again."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from contracts import baseline
from contracts.baseline import load
from contracts.config import UsageError
from contracts.rules import FAIL, PASS, Verdict
from creditbox.cli import main
from sandbox.embedded import EmbeddedSandbox
from tests.contracts.support import demo_args
from tests.support.planted import sandbox_args

RULE = "DZ-APPLY-OVER-REMAINING"
# The over-apply leaves a memo applied past its amount, which this invariant sees on the rule's
# own responses: the same drift, named twice in the report, so accepted under both names.
INVARIANT = "dayzero_status_agrees_with_amounts"


def _baseline(path: Path, expires: dt.date, target: str | None = None) -> Path:
    lines = ["accepted:"]
    for name in (RULE, INVARIANT):
        lines += [
            f"  - id: {name}",
            "    reason: the test environment lets credit go negative (ticket FIN-1)",
            f"    expires: {expires.isoformat()}",
        ]
        if target:
            lines.append(f"    target: {target}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(tmp_path: Path, baseline: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with EmbeddedSandbox(**sandbox_args(["dayzero_over_apply_accepted"])) as sandbox:
        args = demo_args(sandbox.base_url, tmp_path, "--layers", "rules", "--allow-writes")
        code = main([*args, "--baseline", str(baseline)])
    return code, capsys.readouterr().out


def test_a_current_entry_accepts_the_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = _baseline(tmp_path / "baseline.yaml", dt.date.today() + dt.timedelta(days=30))
    code, printed = _run(tmp_path, baseline, capsys)
    assert code == 0, printed
    assert f"ACCEPTED {RULE}" in printed
    assert f"ACCEPTED {INVARIANT}" in printed
    assert "FIN-1" in (tmp_path / "report.md").read_text()


def test_an_expired_entry_fails_again(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = _baseline(tmp_path / "baseline.yaml", dt.date.today() - dt.timedelta(days=1))
    code, printed = _run(tmp_path, baseline, capsys)
    assert code == 1
    assert f"FAIL     {RULE}" in printed
    assert "baseline acceptance expired" in (tmp_path / "report.md").read_text()


def test_an_entry_for_another_target_does_not_apply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = _baseline(
        tmp_path / "baseline.yaml", dt.date.today() + dt.timedelta(days=30), "https://elsewhere"
    )
    code, _ = _run(tmp_path, baseline, capsys)
    assert code == 1


@pytest.mark.parametrize(
    "text",
    [
        "accepted: nope",
        "accepted:\n  - id: X\n    reason: r\n",
        "accepted:\n  - {id: X, reason: r, expires: soon}",
    ],
)
def test_a_malformed_baseline_is_a_usage_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "baseline.yaml"
    path.write_text(text)
    with pytest.raises(UsageError):
        load(path)


def test_a_suggested_baseline_loads_whatever_the_target_answered(tmp_path: Path) -> None:
    """A failure's reason quotes the target, control characters included: the suggested
    baseline still loads, one entry per failure, the placeholder reason, 90 days out."""
    failed = Verdict("DZ-X", "rule", "statement", "source", FAIL, reason="bad \x1b[31m\x00\x9b end")
    passed = Verdict("DZ-Y", "rule", "statement", "source", PASS)
    path = tmp_path / "baseline.suggested.yaml"
    today = dt.date(2026, 12, 6)
    path.write_text(baseline.suggested([failed, passed], "https://t.example", today), "utf-8")
    [entry] = baseline.load(path)
    assert (entry.id, entry.target) == ("DZ-X", "https://t.example")
    assert entry.expires == today + dt.timedelta(days=90)
    assert entry.reason == baseline.REASON_PLACEHOLDER
