"""One load run: wrk against one URL, and what it measured.

Throughput runs use 2 threads and 20 connections, as in the reference figures the targets were
set against; a one-client run uses one of each (``threads``).
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import tools

THREADS = 2
CONNECTIONS = 20
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: dict[str, str]
    body: Any = None


@dataclass(frozen=True)
class Measured:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int  # non-2xx/3xx answers, socket errors and timeouts

    def as_json(self) -> dict[str, Any]:
        return {
            "rps": self.requests_per_second,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "requests": self.requests,
            "failures": self.failures,
        }


def _lua(request: Request) -> str:
    lines = [f"wrk.method = {json.dumps(request.method)}"]
    if request.body is not None:
        lines.append(f"wrk.body = {json.dumps(json.dumps(request.body))}")
        lines.append('wrk.headers["Content-Type"] = "application/json"')
    for name, value in request.headers.items():
        lines.append(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def threads(connections: int) -> int:
    """wrk's threads for ``connections``: never more threads than connections (wrk refuses)."""
    return min(THREADS, connections)


def run(request: Request, seconds: float, connections: int = CONNECTIONS) -> Measured:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(request))
    command = [
        tools.wrk(),
        f"-t{threads(connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "60s",
        "-s",
        script.name,
        request.url,
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    finally:
        Path(script.name).unlink(missing_ok=True)
    return parse(done.stdout)


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS[unit]


def parse(output: str) -> Measured:
    """wrk's report (with ``--latency``) → the figures the benchmark keeps."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    p50 = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
    if not (rps and total):
        raise ValueError(f"cannot read wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    failures = int(non_2xx.group(1)) if non_2xx else 0
    failures += sum(int(n) for n in errors.groups()) if errors else 0
    requests = int(total.group(1))
    # with no request completed, wrk prints zero latencies: they measure nothing
    measured = requests > 0
    return Measured(
        requests_per_second=float(rps.group(1)),
        p50_ms=_ms(*p50.groups()) if p50 and measured else float("nan"),
        p99_ms=_ms(*p99.groups()) if p99 and measured else float("nan"),
        requests=requests,
        failures=failures,
    )
