"""``python -m bench`` (``make bench``): measure the sandbox, Prism and plain Starlette in one run
on this machine, and write ``docs/benchmarks.md``.

1. Throughput and latency of seven operations (DayZero get, list, create, apply; COUNT signed
   get; Solvimon get; one Kojo query) on each of the three, with the same wrk settings: 20
   connections for throughput, then one connection and one thread for one client's latency.
   The three servers run side by side (Prism one process per spec), and each operation runs on
   the sandbox, Prism and Starlette in turn, round after round (3 rounds by default): a shared
   machine's noise then moves all three alike, and each figure is the median of its rounds.
   Then each operation's load runs once more on the sandbox under py-spy, which says where its
   time goes (``bench/profiles.py``).
2. Scaling: DayZero get, list, create and apply with 100 … 100,000 memos in one tenant, and with
   1,000 tenants of 100 memos; resident memory and start-up time at each size.
3. Start-up time with all four APIs; the default contract run of each vendor, in process.

What is measured of each vendor, the data it needs and its targets are in
``bench/vendors/<name>.py``; the targets' figures are in ``bench/report.py``.

``--quick`` runs 2 shorter rounds and stops scaling at 1,000 memos, for trying the script out.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import load, profiles, report, rounds, scaling, servers, tools, workload
from bench.load import Request
from bench.profiles import Profile
from bench.rounds import PRISM, SANDBOX, STARLETTE, ByServer, Setting
from bench.vendors import benchmarked
from sandbox.vendors import VENDORS

SPECS = tools.ROOT / "specs"


@dataclass
class Operations:
    """What the alternating rounds measured, and the sandbox's state around them."""

    seconds_to_ready: float
    rss_mb_after_load: float
    throughput: ByServer
    one_client: ByServer
    profiles: dict[str, Profile] | str  # the sandbox's, by operation; or why there are none


def settings(quick: bool, rounds_wanted: int | None) -> tuple[Setting, Setting]:
    """The throughput and one-client settings. Three rounds of 5 s take half again the time of
    the one 10 s run per server they replace, and keep the whole section to about ten minutes;
    one client's latency settles in fewer seconds, there being no queue to fill."""
    count = rounds_wanted or (2 if quick else 3)
    throughput = Setting("throughput", load.CONNECTIONS, 2.0 if quick else 5.0, count)
    one_client = Setting("one client", 1, 1.0 if quick else 3.0, count)
    return throughput, one_client


def prism_roots(stack: contextlib.ExitStack) -> dict[str, str]:
    """Prism's mock of each benchmarked vendor's spec, one process per spec, by vendor name."""
    return {
        vendor.name: stack.enter_context(servers.prism(SPECS / vendor.mount.spec)).base_url
        for vendor in benchmarked()
    }


def measure_operations(root: Path, throughput: Setting, one_client: Setting) -> Operations:
    """All three servers started once (the sandbox first and alone, so its start-up time is its
    own), then every operation alternated between them under each setting."""
    with contextlib.ExitStack() as stack:
        sandbox = stack.enter_context(servers.sandbox(root / "throughput"))
        prepared = workload.prepare_sandbox(sandbox.base_url)
        ours = workload.sandbox_requests(prepared)
        ceiling = stack.enter_context(servers.ceiling())
        requests: dict[str, dict[str, Request]] = {
            SANDBOX: ours,
            PRISM: workload.prism_requests(prism_roots(stack), prepared),
            STARLETTE: workload.ceiling_requests(ceiling.base_url, ours),
        }
        measured = rounds.alternate(requests, throughput)
        alone = rounds.alternate(requests, one_client)
        rss = sandbox.rss_mb()
        found = profiles.run(sandbox.process.pid, ours, throughput.seconds)
        return Operations(sandbox.seconds_to_ready, rss, measured, alone, found)


def contract_runs(root: Path) -> dict[str, tuple[float, int]]:
    runs = {}
    for vendor in (mount.name for mount in VENDORS):
        print(f"  contracts: {vendor}", flush=True)
        command = [
            str(servers.BIN / "creditbox"),
            "contracts",
            "--api",
            vendor,
            "--in-process",
            "--report-dir",
            str(root / f"contracts-{vendor}"),
        ]
        started = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True)
        runs[vendor] = (time.monotonic() - started, done.returncode)
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs, scaling up to 1,000")
    parser.add_argument("--rounds", type=int, help="rounds per operation (3; 2 with --quick)")
    parser.add_argument("--output", type=Path, default=tools.ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    if args.rounds is not None and args.rounds < 1:
        parser.error("--rounds must be at least 1")
    throughput, one_client = settings(args.quick, args.rounds)
    scaling_seconds = 2.0 if args.quick else 5.0
    sizes = (100, 1_000) if args.quick else (100, 1_000, 10_000, 100_000)
    tenants = 50 if args.quick else 1_000
    try:
        wrk = tools.wrk()
        tools.prism()
    except tools.ToolMissing as problem:
        print(f"make bench: {problem}", file=sys.stderr)
        return 2
    wrk_version = subprocess.run([wrk, "-v"], capture_output=True, text=True)
    wrk_line = (wrk_version.stdout or wrk_version.stderr).splitlines()[0]
    with tempfile.TemporaryDirectory(prefix="creditbox-bench-") as tmp:
        root = Path(tmp)
        print("throughput and latency", flush=True)
        operations = measure_operations(root, throughput, one_client)
        results = report.Results(
            when=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            machine=tools.machine(),
            tools=f"{wrk_line.split(' [')[0]}; Prism {tools.prism_version()}",
            throughput_setting=throughput,
            one_client_setting=one_client,
            scaling_seconds=scaling_seconds,
            seconds_to_ready=operations.seconds_to_ready,
            rss_mb_after_load=operations.rss_mb_after_load,
            throughput=operations.throughput,
            one_client=operations.one_client,
            profiles=operations.profiles,
        )
        print("scaling", flush=True)
        results.scaling = scaling.run(root, sizes, tenants, 100, scaling_seconds)
        print("contract runs", flush=True)
        results.contracts = contract_runs(root)
    args.output.write_text(report.markdown(results), encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
