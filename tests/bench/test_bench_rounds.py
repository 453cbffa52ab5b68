"""The operations alternate between the three servers round after round, and each figure is the
median of its rounds (no load is run here: a stand-in for ``load.run`` records the calls)."""

from __future__ import annotations

import math

import pytest

from bench import rounds
from bench.load import Measured, Request
from bench.rounds import PRISM, SANDBOX, STARLETTE, Setting

OPERATIONS = ("get", "create")


def _requests() -> dict[str, dict[str, Request]]:
    return {
        server: {op: Request("GET", f"http://{server}/{op}", {}) for op in OPERATIONS}
        for server in (SANDBOX, PRISM, STARLETTE)
    }


class Recorder:
    """Stands in for ``load.run``: notes each call and answers from ``figures``, round by round
    (the n-th call for a URL gets the n-th figures given for it)."""

    def __init__(self, figures: dict[str, list[Measured]] | None = None) -> None:
        self.calls: list[tuple[str, float, int]] = []
        self.figures = figures or {}

    def __call__(self, request: Request, seconds: float, connections: int) -> Measured:
        self.calls.append((request.url, seconds, connections))
        made = sum(1 for url, _, _ in self.calls if url == request.url)
        given = self.figures.get(request.url)
        return given[made - 1] if given else Measured(100.0, 1.0, 2.0, 500, 0)


def _m(rps: float, p50: float, p99: float, requests: int = 100, failures: int = 0) -> Measured:
    return Measured(rps, p50, p99, requests, failures)


def test_each_operation_runs_on_sandbox_prism_starlette_in_turn_round_after_round() -> None:
    recorder = Recorder()
    rounds.alternate(_requests(), Setting("throughput", 20, 5.0, 3), run=recorder)
    one_round = ["sandbox", "Prism", "Starlette"]
    expected = [f"http://{server}/get" for server in one_round] * 3 + [
        f"http://{server}/create" for server in one_round
    ] * 3
    assert [url for url, _, _ in recorder.calls] == expected
    assert {(seconds, connections) for _, seconds, connections in recorder.calls} == {(5.0, 20)}


def test_a_one_client_setting_reaches_every_run_with_one_connection() -> None:
    recorder = Recorder()
    one_client = Setting("one client", 1, 3.0, 2)
    assert one_client.threads == 1
    measured = rounds.alternate(_requests(), one_client, run=recorder)
    assert len(recorder.calls) == 2 * 3 * len(OPERATIONS)
    assert {(seconds, connections) for _, seconds, connections in recorder.calls} == {(3.0, 1)}
    assert set(measured) == {SANDBOX, PRISM, STARLETTE}
    assert all(list(by_operation) == list(OPERATIONS) for by_operation in measured.values())


def test_each_figure_is_the_median_of_its_rounds_and_failures_are_summed() -> None:
    sandbox_get = [_m(900, 20, 50, 9000, 1), _m(300, 70, 400, 3000, 0), _m(800, 25, 60, 8000, 2)]
    prism_get = [_m(600, 30, 300), _m(700, 28, 90), _m(650, 29, 100)]
    recorder = Recorder({"http://sandbox/get": sandbox_get, "http://Prism/get": prism_get})
    measured = rounds.alternate(_requests(), Setting("throughput", 20, 5.0, 3), run=recorder)
    # one slow round (300 requests a second) does not set the figure
    assert measured[SANDBOX]["get"] == Measured(800, 25, 60, 20_000, 3)
    assert measured[PRISM]["get"] == Measured(650, 29, 100, 300, 0)
    assert measured[STARLETTE]["create"] == Measured(100.0, 1.0, 2.0, 1500, 0)


def test_the_median_of_an_even_number_of_rounds_is_the_mean_of_the_middle_two() -> None:
    assert rounds.median([_m(100, 10, 30), _m(300, 20, 50)]) == _m(200, 15, 40, 200)


def test_a_round_where_nothing_completed_counts_in_throughput_but_has_no_latency() -> None:
    nothing = Measured(0.0, math.nan, math.nan, 0, 5)
    figures = rounds.median([_m(500, 10, 30), nothing, _m(700, 12, 40)])
    assert figures.requests_per_second == 500
    assert (figures.p50_ms, figures.p99_ms) == (11, 35)
    assert figures.failures == 5
    none = rounds.median([nothing, nothing])
    assert none.requests_per_second == 0 and math.isnan(none.p50_ms) and math.isnan(none.p99_ms)


def test_a_server_not_sent_every_operation_stops_before_any_load() -> None:
    requests = _requests()
    del requests[PRISM]["create"]
    recorder = Recorder()
    with pytest.raises(ValueError, match="Prism is not sent the sandbox's operations"):
        rounds.alternate(requests, Setting("throughput", 20, 5.0, 1), run=recorder)
    assert recorder.calls == []
    with pytest.raises(ValueError):
        rounds.median([])
