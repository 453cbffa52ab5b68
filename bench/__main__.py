"""``python -m bench`` (``make bench``): measure the sandbox, Prism and plain Starlette in one run
on this machine, and write ``docs/benchmarks.md``.

1. Throughput and latency of seven operations (DayZero get, list, create, apply; COUNT signed
   get; Solvimon get; one Kojo query) on each of the three, with the same wrk settings.
2. Scaling: DayZero get, list, create and apply with 100 … 100,000 memos in one tenant, and with
   1,000 tenants of 100 memos; resident memory and start-up time at each size.
3. Start-up time with all four APIs; the default contract run of each vendor, in process.

What is measured of each vendor, and the data it needs, is in ``bench/vendors/<name>.py``.

``--quick`` shortens every run and stops scaling at 1,000 memos, for trying the script out.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import load, report, scaling, servers, tools, workload
from bench.vendors import benchmarked
from sandbox.vendors import VENDORS

SPECS = tools.ROOT / "specs"


def throughput(
    root: Path, seconds: float
) -> tuple[float, float, dict[str, load.Measured], list[workload.Prepared]]:
    with servers.sandbox(root / "throughput") as sandbox:
        prepared = workload.prepare_sandbox(sandbox.base_url)
        measured = {}
        for operation, request in workload.sandbox_requests(prepared).items():
            print(f"  sandbox: {operation}", flush=True)
            measured[operation] = load.run(request, seconds)
        return sandbox.seconds_to_ready, sandbox.rss_mb(), measured, prepared


def prism(prepared: list[workload.Prepared], seconds: float) -> dict[str, load.Measured]:
    """Prism's mock of each benchmarked vendor's spec, one process per spec."""
    with contextlib.ExitStack() as stack:
        roots = {
            vendor.name: stack.enter_context(servers.prism(SPECS / vendor.mount.spec)).base_url
            for vendor in benchmarked()
        }
        measured = {}
        for operation, request in workload.prism_requests(roots, prepared).items():
            print(f"  Prism: {operation}", flush=True)
            measured[operation] = load.run(request, seconds)
        return measured


def ceiling(requests: dict[str, load.Request], seconds: float) -> dict[str, load.Measured]:
    with servers.ceiling() as server:
        measured = {}
        for operation, request in workload.ceiling_requests(server.base_url, requests).items():
            print(f"  Starlette: {operation}", flush=True)
            measured[operation] = load.run(request, seconds)
        return measured


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
    parser.add_argument("--output", type=Path, default=tools.ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args(argv)
    seconds = 2.0 if args.quick else 10.0
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
        ready, rss, ours, prepared = throughput(root, seconds)
        results = report.Results(
            when=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            machine=tools.machine(),
            tools=f"{wrk_line.split(' [')[0]}, {load.THREADS} threads, {load.CONNECTIONS} "
            f"connections; Prism {tools.prism_version()}",
            seconds_per_run=seconds,
            scaling_seconds=scaling_seconds,
            seconds_to_ready=ready,
            rss_mb_after_load=rss,
            sandbox=ours,
            prism=prism(prepared, seconds),
            ceiling=ceiling(workload.sandbox_requests(prepared), seconds),
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
