"""The benchmark reads wrk's report and judges the targets correctly (no load is run here)."""

from __future__ import annotations

import math

from bench import load, report
from bench.rounds import PRISM, SANDBOX, STARLETTE, ByServer, Setting
from bench.scaling import Scaling, SizeResult
from bench.vendors import benchmarked
from bench.vendors.dayzero import BENCH as DAYZERO

assert DAYZERO.scaling is not None
SCALING = DAYZERO.scaling
MEASURED = SCALING.operations
# every row of the throughput table
OPERATIONS = [operation for vendor in benchmarked() for operation in vendor.bench.operations]

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000/dayzero/api/v1/credit-memos/x
  2 threads and 20 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    36.12ms   12.01ms 120.33ms   80.00%
    Req/Sec   277.51     30.12   340.00     70.00%
  Latency Distribution
     50%  850.00us
     75%   40.00ms
     90%   50.00ms
     99%    1.20s
  5523 requests in 10.01s, 5.12MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 7
Requests/sec:    551.77
Transfer/sec:    523.90KB
"""


def test_wrk_figures_are_read_with_their_units() -> None:
    measured = load.parse(WRK_OUTPUT)
    assert measured.requests_per_second == 551.77
    assert measured.requests == 5523
    assert math.isclose(measured.p50_ms, 0.85) and measured.p99_ms == 1200.0
    assert measured.failures == 12  # 7 non-2xx, 2 read errors, 3 timeouts


def test_a_lua_script_sends_the_method_body_and_headers() -> None:
    request = load.Request("POST", "http://x/y", {"Authorization": 'Bearer "q"'}, {"a": 1})
    script = load._lua(request)
    assert 'wrk.method = "POST"' in script
    assert 'wrk.body = "{\\"a\\": 1}"' in script
    assert 'wrk.headers["Authorization"] = "Bearer \\"q\\""' in script


def _measured(rps: float, p50: float = 10.0) -> load.Measured:
    return load.Measured(rps, p50, p50 * 3, int(rps * 10), 0)


def _by_server(sandbox: load.Measured, prism: load.Measured, starlette: load.Measured) -> ByServer:
    return {
        SANDBOX: {name: sandbox for name in OPERATIONS},
        PRISM: {name: prism for name in OPERATIONS},
        STARLETTE: {name: starlette for name in OPERATIONS},
    }


def _results(sandbox_rps: float, growth: float, one_client_p50: float = 1.5) -> report.Results:
    sizes = [
        SizeResult("100 memos", 1.0, 60, 70, {name: _measured(100, 10) for name in MEASURED}),
        SizeResult(
            "100,000 memos", 1.0, 60, 350, {n: _measured(100, 10 * growth) for n in MEASURED}
        ),
    ]
    return report.Results(
        when="now",
        machine="m",
        tools="wrk 4.1.0; Prism 5",
        throughput_setting=Setting("throughput", 20, 5, 3),
        one_client_setting=Setting("one client", 1, 3, 3),
        scaling_seconds=5,
        seconds_to_ready=1.2,
        rss_mb_after_load=80,
        throughput=_by_server(_measured(sandbox_rps), _measured(1000), _measured(10_000)),
        one_client=_by_server(
            _measured(500, one_client_p50), _measured(400, 2.0), _measured(2000, 0.25)
        ),
        scaling=[Scaling(SCALING, sizes)],
        contracts={"dayzero": (20.0, 0), "count": (50.0, 0)},
    )


def test_each_target_gets_the_verdict_its_figures_give() -> None:
    verdicts = {name: ok for name, _, ok in report.targets(_results(1600, 1.2))}
    assert verdicts["DayZero get memo: ≥ 1.5x Prism's throughput"] is True
    assert verdicts["get memo: ≥ 0.3x plain Starlette"] is False  # 1600 of 10,000
    assert verdicts["DayZero create memo: p50 at 100k ≤ 1.3x p50 at 100"] is True
    assert verdicts["resident memory at 100k memos ≤ 300 MB"] is False  # 350 MB
    assert verdicts["ready ≤ 1.0 s after start, all four APIs"] is False  # 1.2 s
    assert verdicts["default contract run, all four vendors, in process ≤ 60 s"] is False  # 70 s
    slower = {name: ok for name, _, ok in report.targets(_results(1400, 1.4))}
    assert slower["DayZero get memo: ≥ 1.5x Prism's throughput"] is False
    assert slower["DayZero get memo: p50 at 100k ≤ 1.3x p50 at 100"] is False


def test_every_operation_has_a_throughput_and_a_one_client_target_writes_included() -> None:
    rows = {name: (value, ok) for name, value, ok in report.targets(_results(1600, 1.2))}
    for operation in OPERATIONS:
        assert rows[f"{operation}: ≥ 1.5x Prism's throughput"] == ("1.60x", True)
        assert rows[f"{operation}: one client: p50 ≤ Prism's"] == ("1.50 ms vs 2.00 ms", True)
    # the Starlette target stays on the operations the vendors name for it: DayZero's get
    assert [name for name in rows if "plain Starlette" in name] == [
        "get memo: ≥ 0.3x plain Starlette"
    ]


def test_the_starlette_and_ready_targets_are_met_at_their_new_figures() -> None:
    results = _results(3000, 1.2)
    results.seconds_to_ready = 1.0
    rows = {name: (value, ok) for name, value, ok in report.targets(results)}
    assert rows["get memo: ≥ 0.3x plain Starlette"] == ("0.30x", True)
    assert rows["ready ≤ 1.0 s after start, all four APIs"] == ("1.00 s", True)
    results.scaling[0].sizes[1].rss_mb_end = 300
    assert ("resident memory at 100k memos ≤ 300 MB", "300 MB", True) in report.targets(results)


def test_one_client_is_met_only_at_or_under_prisms_p50() -> None:
    for p50, met in ((2.0, True), (2.01, False)):
        rows = {name: ok for name, _, ok in report.targets(_results(1600, 1.2, p50))}
        assert rows["DayZero apply: one client: p50 ≤ Prism's"] is met
        assert rows["Kojo one query: one client: p50 ≤ Prism's"] is met


def test_a_write_under_prisms_throughput_misses_its_target() -> None:
    results = _results(1600, 1.2)
    results.throughput[SANDBOX]["DayZero apply"] = _measured(1200)
    rows = {name: (value, ok) for name, value, ok in report.targets(results)}
    assert rows["DayZero apply: ≥ 1.5x Prism's throughput"] == ("1.20x", False)
    assert rows["DayZero create memo: ≥ 1.5x Prism's throughput"] == ("1.60x", True)


def test_the_document_names_every_operation_and_keeps_the_findings() -> None:
    text = report.markdown(_results(1600, 1.2))
    assert "| DayZero create memo | 1,600 (10.0 / 30.0) | 1,000" in text
    assert "**not met**" in text and "| met |" in text
    assert "DayZero operations on one tenant, p50 / p99 in ms (5 s each);" in text
    assert "| data | get | list (50) | create | apply | memory | ready in |\n|---|---|---|" in text
    row = "| 100,000 memos | " + "12.0 / 36.0 | " * 4 + "60 → 350 MB | 1.00 s |"
    assert row in text
    if report.FINDINGS.exists():
        assert report.FINDINGS.read_text(encoding="utf-8").strip() in text


def test_the_document_says_its_settings_and_gives_one_clients_p50_per_server() -> None:
    text = report.markdown(_results(1600, 1.2))
    assert (
        "- **Load:** wrk 4.1.0; Prism 5. Throughput: 2 threads, 20 connections, 5 s a run. "
        "One client: 1 thread, 1 connection, 3 s a run\n"
    ) in text
    assert "3 rounds under throughput and 3 with one client; every figure is the median" in text
    assert "Requests per second (p50 / p99 latency in ms), each the median of 3 rounds." in text
    assert "One client (wrk -t1 -c1): p50 / p99 latency in ms, each the median of 3 rounds." in text
    header = "| operation | sandbox | Prism | Starlette | p50 ÷ Prism |\n|---|---|---|---|---|\n"
    table = text[text.index(header) :].split("\n\n")[0].splitlines()[2:]
    assert [line.split(" | ")[0] for line in table] == [f"| {name}" for name in OPERATIONS]
    assert "| Kojo one query | 1.50 / 4.50 | 2.00 / 6.00 | 0.25 / 0.75 | 0.75x |" in table


def test_a_run_where_nothing_completed_measures_no_latency() -> None:
    output = WRK_OUTPUT.replace("5523 requests in", "0 requests in").replace(
        "Requests/sec:    551.77", "Requests/sec:      0.00"
    )
    measured = load.parse(output)
    assert measured.requests == 0 and math.isnan(measured.p50_ms)
    results = _results(1600, 1.2)
    results.scaling[0].sizes[1].operations["DayZero apply"] = measured
    verdicts = {name: (value, ok) for name, value, ok in report.targets(results)}
    assert verdicts["DayZero apply: p50 at 100k ≤ 1.3x p50 at 100"] == ("none completed", False)
