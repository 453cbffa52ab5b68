"""``docs/benchmarks.md``: every figure of a run, each target with its verdict.

The findings (what a profile shows stands in the way of a target) are kept by hand in
``bench/findings.md`` and included as they are, so regenerating the figures never loses them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import Measured
from bench.profiles import COLUMNS, Profile
from bench.rounds import PRISM, SANDBOX, SERVERS, STARLETTE, ByServer, Setting
from bench.scaling import Scaling
from bench.vendors import benchmarked

FINDINGS = Path(__file__).with_name("findings.md")


@dataclass
class Results:
    when: str
    machine: str
    tools: str  # wrk's and Prism's versions
    throughput_setting: Setting
    one_client_setting: Setting
    scaling_seconds: float
    seconds_to_ready: float
    rss_mb_after_load: float
    throughput: ByServer  # each the median of its rounds
    one_client: ByServer  # each the median of its rounds
    scaling: list[Scaling] = field(default_factory=list)
    contracts: dict[str, tuple[float, int]] = field(default_factory=dict)  # seconds, exit code
    # the sandbox's py-spy profile of each operation, or why there is none
    profiles: dict[str, Profile] | str = field(default_factory=dict)


# the targets' figures (issue 22); which operations each applies to is in bench/vendors/<name>.py
OVER_PRISM = 1.5  # throughput, times Prism's
OVER_CEILING = 0.3  # throughput, times plain Starlette's
GROWTH = 1.3  # p50 at 100k records, times p50 at 100
MEMORY_MB = 300  # resident memory with 100k records
READY_SECONDS = 1.0  # start to a healthy answer, all four APIs
CONTRACT_SECONDS = 60  # the default contract run of every vendor, in process

Row = tuple[str, str, bool]  # target, measured, met


def _ratio(a: float, b: float) -> str:
    return "n/a" if not b or math.isnan(a) or math.isnan(b) else f"{a / b:.2f}x"


def _ms(value: float, digits: int = 1) -> str:
    return "n/a" if math.isnan(value) else f"{value:.{digits}f}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _at_least(name: str, ours: float, other: float, factor: float) -> Row:
    """``ours`` ≥ ``factor`` times ``other``; a server that measured nothing meets nothing."""
    if not other or math.isnan(ours) or math.isnan(other):
        return (name, "n/a", False)
    ratio = ours / other
    return (name, f"{ratio:.2f}x", ratio >= factor)


def _scaling_targets(scaling: Scaling) -> list[Row]:
    rows = []
    unit = scaling.workload.unit
    smallest = scaling.sizes[0] if scaling.sizes else None
    largest = None
    for size in scaling.sizes:
        if size.label.startswith("100,000"):
            largest = size
    if smallest and largest:
        for operation in scaling.workload.operations:
            small = smallest.operations[operation].p50_ms
            large = largest.operations[operation].p50_ms
            growth = large / small if small else math.inf
            name = f"{operation}: p50 at 100k ≤ {GROWTH:g}x p50 at 100"
            if math.isnan(growth):  # nothing completed in the run: no p50 to compare
                rows.append((name, "none completed", False))
            else:
                rows.append((name, f"{growth:.2f}x", growth <= GROWTH))
        rows.append(
            (
                f"resident memory at 100k {unit} ≤ {MEMORY_MB} MB",
                f"{largest.rss_mb_end:.0f} MB",
                largest.rss_mb_end <= MEMORY_MB,
            )
        )
    elif scaling.sizes:
        rows.append((f"scaling to 100k {unit}", "not measured (--quick)", False))
    return rows


def _throughput_targets(results: Results) -> list[Row]:
    """Each operation a vendor names against Prism's throughput, then against Starlette's."""
    sandbox, prism, ceiling = (results.throughput[server] for server in SERVERS)
    rows = []
    for vendor in benchmarked():
        for operation in vendor.bench.over_prism:
            name = f"{operation}: ≥ {OVER_PRISM:g}x Prism's throughput"
            ours, theirs = sandbox[operation], prism[operation]
            rows.append(
                _at_least(name, ours.requests_per_second, theirs.requests_per_second, OVER_PRISM)
            )
    for vendor in benchmarked():
        for operation, label in vendor.bench.over_ceiling.items():
            name = f"{label}: ≥ {OVER_CEILING:g}x plain Starlette"
            ours, theirs = sandbox[operation], ceiling[operation]
            rows.append(
                _at_least(name, ours.requests_per_second, theirs.requests_per_second, OVER_CEILING)
            )
    return rows


def _one_client_targets(results: Results) -> list[Row]:
    """With one client, no queue hides a slow request: the sandbox's p50 at most Prism's."""
    rows = []
    for vendor in benchmarked():
        for operation in vendor.bench.one_client_under_prism:
            name = f"{operation}: one client: p50 ≤ Prism's"
            ours = results.one_client[SANDBOX][operation].p50_ms
            theirs = results.one_client[PRISM][operation].p50_ms
            if math.isnan(ours) or math.isnan(theirs):
                rows.append((name, "none completed", False))
            else:
                rows.append((name, f"{ours:.2f} ms vs {theirs:.2f} ms", ours <= theirs))
    return rows


def targets(results: Results) -> list[Row]:
    rows = _throughput_targets(results) + _one_client_targets(results)
    for scaling in results.scaling:
        rows += _scaling_targets(scaling)
    rows.append(
        (
            f"ready ≤ {READY_SECONDS:.1f} s after start, all four APIs",
            f"{results.seconds_to_ready:.2f} s",
            results.seconds_to_ready <= READY_SECONDS,
        )
    )
    total = sum(seconds for seconds, _ in results.contracts.values())
    rows.append(
        (
            f"default contract run, all four vendors, in process ≤ {CONTRACT_SECONDS} s",
            f"{total:.0f} s",
            bool(results.contracts) and total <= CONTRACT_SECONDS,
        )
    )
    return rows


def _load_lines(results: Results) -> list[str]:
    """The header's account of how the servers were loaded, from the settings the run used."""
    throughput, one_client = results.throughput_setting, results.one_client_setting
    return [
        f"- **Load:** {results.tools}. Throughput: {throughput.threads} threads, "
        f"{throughput.connections} connections, {throughput.seconds:g} s a run. One client: "
        f"{one_client.threads} thread, {one_client.connections} connection, "
        f"{one_client.seconds:g} s a run",
        f"- **Rounds:** for each operation, one run on the sandbox, Prism and Starlette in turn, "
        f"{throughput.rounds} rounds under throughput and {one_client.rounds} with one client; "
        "every figure is the median of its rounds (failures are summed)",
    ]


def _failed(measured: Measured) -> str:
    return f", {measured.failures} failed" if measured.failures else ""


def _throughput_table(results: Results) -> list[str]:
    rounds = results.throughput_setting.rounds
    lines = [
        f"Requests per second (p50 / p99 latency in ms), each the median of {rounds} rounds.",
        "Ratios are the sandbox's throughput over the other's, measured in the same rounds.",
        "",
        "| operation | sandbox | Prism | Starlette | ÷ Prism | ÷ Starlette |",
        "|---|---|---|---|---|---|",
    ]
    for operation, ours in results.throughput[SANDBOX].items():
        prism = results.throughput[PRISM][operation]
        ceiling = results.throughput[STARLETTE][operation]
        cells = [
            f"{m.requests_per_second:,.0f} ({_ms(m.p50_ms)} / {_ms(m.p99_ms)}){_failed(m)}"
            for m in (ours, prism, ceiling)
        ]
        lines.append(
            f"| {operation} | {' | '.join(cells)} | "
            f"{_ratio(ours.requests_per_second, prism.requests_per_second)} | "
            f"{_ratio(ours.requests_per_second, ceiling.requests_per_second)} |"
        )
    return lines


def _one_client_table(results: Results) -> list[str]:
    setting = results.one_client_setting
    lines = [
        f"One client (wrk -t{setting.threads} -c{setting.connections}): p50 / p99 latency in ms, "
        f"each the median of {setting.rounds} rounds.",
        "The ratio is the sandbox's p50 over Prism's: at most 1.00x meets the target.",
        "",
        "| operation | sandbox | Prism | Starlette | p50 ÷ Prism |",
        "|---|---|---|---|---|",
    ]
    for operation, ours in results.one_client[SANDBOX].items():
        prism = results.one_client[PRISM][operation]
        cells = [
            f"{_ms(m.p50_ms, 2)} / {_ms(m.p99_ms, 2)}{_failed(m)}"
            for m in (ours, prism, results.one_client[STARLETTE][operation])
        ]
        lines.append(f"| {operation} | {' | '.join(cells)} | {_ratio(ours.p50_ms, prism.p50_ms)} |")
    return lines


def _profile_lines(results: Results) -> list[str]:
    """Where the sandbox's time went under each operation's load (``bench/profiles.py``)."""
    if isinstance(results.profiles, str):
        return [f"Not profiled: {results.profiles}."]
    if not results.profiles:
        return []
    lines = [
        "`py-spy record --gil` on the sandbox under each operation's throughput load: the share "
        "of the samples",
        "whose innermost frame is in each part (`bench/profiles.py` says which files each part "
        "holds), and how",
        "much of the time some thread held the GIL.",
        "",
        f"| operation | {' | '.join(COLUMNS)} | GIL busy |",
        "|---" * (len(COLUMNS) + 2) + "|",
    ]
    for operation, profile in results.profiles.items():
        cells = [f"{profile.shares.get(part, 0.0) * 100:.0f} %" for part in COLUMNS]
        lines.append(f"| {operation} | {' | '.join(cells)} | {profile.gil_busy * 100:.0f} % |")
    return lines


def markdown(results: Results) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Generated by `make bench` on {results.when}. Regenerate with `make bench`; the",
        "findings at the end are kept by hand in `bench/findings.md`.",
        "",
        f"- **Machine:** {results.machine}",
        *_load_lines(results),
        "- **Sandbox:** one `creditbox serve` process with its persistent store (the default)",
        "- **Prism:** `prism mock` of the same spec, one process per spec",
        "- **Starlette:** a bare app returning a fixed memo (`bench/ceiling.py`), one uvicorn "
        "process",
        "",
        "## Targets",
        "",
        "| target | measured | verdict |",
        "|---|---|---|",
    ]
    lines += [f"| {name} | {value} | {_verdict(ok)} |" for name, value, ok in targets(results)]
    lines += ["", "## Throughput and latency", "", *_throughput_table(results)]
    lines += [
        "",
        f"Ready to serve (process start to a healthy answer, all four APIs): "
        f"{results.seconds_to_ready:.2f} s. Resident memory after all the runs, one client "
        f"included: {results.rss_mb_after_load:.0f} MB.",
    ]
    lines += ["", "### One client", "", *_one_client_table(results)]
    if profile_lines := _profile_lines(results):
        lines += ["", "### Where the sandbox's time goes", "", *profile_lines]
    if results.scaling:
        lines += ["", "## Scaling with the data"]
    for scaling in results.scaling:
        workload = scaling.workload
        lines += [
            "",
            f"{workload.title} on one tenant, p50 / p99 in ms ({results.scaling_seconds:g} s "
            "each);",
            "memory at start and after the load; time from start to healthy.",
            "",
            f"| data | {' | '.join(workload.columns.values())} | memory | ready in |",
            "|---" * (len(workload.columns) + 3) + "|",
        ]
        for size in scaling.sizes:
            cells = [
                f"{_ms(size.operations[name].p50_ms)} / {_ms(size.operations[name].p99_ms)}"
                + (
                    f" ({size.operations[name].failures} failed)"
                    if size.operations[name].failures
                    else ""
                )
                for name in workload.operations
            ]
            lines.append(
                f"| {size.label} | {' | '.join(cells)} | {size.rss_mb_start:.0f} → "
                f"{size.rss_mb_end:.0f} MB | {size.seconds_to_ready:.2f} s |"
            )
    lines += [
        "",
        "## Contract runs",
        "",
        "`creditbox contracts --api <vendor> --in-process` with its defaults: read-only, "
        "every Schemathesis phase with its examples, not paced.",
        "",
        "| vendor | seconds | exit code |",
        "|---|---|---|",
    ]
    lines += [
        f"| {vendor} | {seconds:.1f} | {code} |"
        for vendor, (seconds, code) in results.contracts.items()
    ]
    if FINDINGS.exists():
        lines += ["", FINDINGS.read_text(encoding="utf-8").strip()]
    return "\n".join(lines) + "\n"
