"""One load run: wrk against one server, and what it measured.

Throughput runs use 2 threads and 20 connections, as in the reference figures the targets were
set against; a one-client run uses one of each (``threads``).

An operation is one request sent again and again, or several variants of it sent in turn (the
same method and headers, each its own URL and body): a write that must not pile up on one
record, such as an apply, then spreads over many, as a real client's writes do.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench import tools

THREADS = 2
CONNECTIONS = 20
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass(frozen=True)
class Variant:
    """One of the URLs and bodies an operation sends in turn."""

    url: str
    body: Any = None


@dataclass(frozen=True)
class Request:
    """What wrk sends for one operation: ``url`` with ``body`` on every request, or, when
    ``variants`` is given, each variant in turn (``url`` and ``body`` are then the first's, so
    whatever reads one request still reads a real one). ``cycling`` makes the latter."""

    method: str
    url: str
    headers: dict[str, str]
    body: Any = None
    variants: tuple[Variant, ...] = ()
    # headers made afresh for each run, for headers that expire (COUNT's signature holds 300 s,
    # less than a whole benchmark); ``headers`` are then the ones made when the request was
    fresh_headers: Callable[[], dict[str, str]] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not self.variants:
            return
        if self.variants[0] != Variant(self.url, self.body):
            raise ValueError("url and body must be the first variant's")
        # wrk connects to the one server of the URL it is given; only the paths can vary
        servers = {_origin(variant.url) for variant in self.variants}
        if len(servers) > 1:
            raise ValueError(f"variants on more than one server: {sorted(servers)}")
        # a missing body falls back to the first's in wrk.format: all must have one, or none
        if len({variant.body is None for variant in self.variants}) > 1:
            raise ValueError("some variants have a body and some do not")

    @classmethod
    def cycling(cls, method: str, headers: dict[str, str], variants: Sequence[Variant]) -> Request:
        """A request whose variants wrk sends in turn, round-robin."""
        if not variants:
            raise ValueError("no variants to send")
        first = variants[0]
        return cls(method, first.url, headers, first.body, tuple(variants))

    def headers_now(self) -> dict[str, str]:
        """The headers to send on a run starting now."""
        return self.fresh_headers() if self.fresh_headers else self.headers

    @property
    def sent(self) -> tuple[Variant, ...]:
        """Every URL and body sent, in the order wrk sends them."""
        return self.variants or (Variant(self.url, self.body),)

    def repointed(self, url: Callable[[str], str]) -> Request:
        """The same request sent elsewhere: each variant's URL made by ``url`` from its own."""
        moved = [Variant(url(variant.url), variant.body) for variant in self.sent]
        if not self.variants:
            return Request(self.method, moved[0].url, self.headers, self.body)
        return Request.cycling(self.method, self.headers, moved)


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


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _path(url: str) -> str:
    """What wrk.format takes as the path: the URL's path and query."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _lua_string(value: str) -> str:
    """``value`` as a Lua string literal. JSON escapes quotes and backslashes as Lua does; its
    ``\\u`` escapes, which Lua lacks, never occur: a body is JSON text (ASCII once encoded),
    and paths and header values are ASCII."""
    return json.dumps(value)


def _lua_body(body: Any) -> str:
    return "nil" if body is None else _lua_string(json.dumps(body))


def _cycle(variants: Sequence[Variant]) -> list[str]:
    """wrk's ``request()`` sending each variant in turn. Every wrk thread runs the script in a
    Lua state of its own, so each keeps its own turn and goes through all the variants (wrk
    calls the first thread's once before the run, to check it: that thread starts one on)."""
    listed = [f"  {{{_lua_string(_path(v.url))}, {_lua_body(v.body)}}}," for v in variants]
    return [
        "local variants = {",
        *listed,
        "}",
        "local turn = 0",
        "function request()",
        "  turn = turn % #variants + 1",
        "  local variant = variants[turn]",
        "  return wrk.format(nil, variant[1], nil, variant[2])",
        "end",
    ]


def _lua(request: Request) -> str:
    lines = [f"wrk.method = {_lua_string(request.method)}"]
    if request.body is not None:
        lines.append(f"wrk.body = {_lua_body(request.body)}")
        lines.append('wrk.headers["Content-Type"] = "application/json"')
    for name, value in request.headers_now().items():
        lines.append(f"wrk.headers[{_lua_string(name)}] = {_lua_string(value)}")
    if len(request.sent) > 1:
        lines.extend(_cycle(request.sent))
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
