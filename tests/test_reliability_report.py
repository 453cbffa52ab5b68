"""The reliability figures add up across tests and reach docs/reliability.md as recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support import figures, reliability_report


def test_recorded_figures_are_summed_per_area_and_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "figures.jsonl"
    monkeypatch.setenv(figures.FIGURES_ENV, str(source))
    figures.record("crash_safety", kills=1, acknowledged_writes_checked=40)
    figures.record("crash_safety", kills=1, acknowledged_writes_checked=2)
    figures.record("fuzzing", requests=1500, server_errors=0)
    figures.record("fuzzing", requests=1234, server_errors=0)
    figures.record("proxy_drifts", drifts=1, caught=1, kojo_drifts=1, kojo_caught=1)
    figures.record("proxy_drifts", drifts=1, caught=0, kojo_drifts=1, kojo_caught=0)
    summed = figures.totals(source)
    assert summed["crash_safety"] == {"kills": 2, "acknowledged_writes_checked": 42}
    assert summed["fuzzing"] == {"requests": 2734, "server_errors": 0}

    target = tmp_path / "reliability.md"
    assert reliability_report.main([str(source), str(target)]) == 0
    page = target.read_text()
    assert "| Crash safety | kills survived | 2 |" in page
    assert "| Fuzzing | requests fuzzed | 2,734 |" in page
    assert "| Tenant isolation | cross-tenant attempts | 0 |" in page
    assert "| Drift caught from outside | kojo: caught | 1 of 2 (50 %) |" in page
    assert "| Drift caught from outside | count: caught | 0 of 0 (n/a) |" in page


def test_nothing_is_recorded_without_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(figures.FIGURES_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    figures.record("fuzzing", requests=1)
    assert list(tmp_path.iterdir()) == []
