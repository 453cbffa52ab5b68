"""Each operation on the sandbox, Prism and Starlette in turn, round after round.

A shared machine's load comes and goes over seconds. Measuring every operation on one server and
only then on the next lets a busy minute land on one server alone, and the ratios between them
move with it. Running the three one after the other for each operation, several times, moves
all three alike; the median of the rounds then keeps one unlucky run from setting a figure.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from bench import load
from bench.load import Measured, Request

SANDBOX = "sandbox"
PRISM = "Prism"
STARLETTE = "Starlette"
# the order of the servers within every round, and of the report's columns
SERVERS = (SANDBOX, PRISM, STARLETTE)

# server → operation → what was measured
ByServer = dict[str, dict[str, Measured]]
# load.run's shape: (request, seconds, connections) → one run's figures
Runner = Callable[[Request, float, int], Measured]


@dataclass(frozen=True)
class Setting:
    """How every run of one kind of measurement loads its server."""

    name: str  # in the progress lines: "throughput", "one client"
    connections: int
    seconds: float
    rounds: int

    @property
    def threads(self) -> int:
        return load.threads(self.connections)


def median(runs: Sequence[Measured]) -> Measured:
    """The median of each figure over ``runs``; requests and failures are summed, since every
    failure of every round counts.

    A run where nothing completed has no latency (NaN): the latencies are the median of the runs
    that measured one, and NaN when none did, so the run still shows in requests per second (0)
    without making the latency figures meaningless."""
    if not runs:
        raise ValueError("no runs to take the median of")
    timed = [run for run in runs if run.requests > 0]
    return Measured(
        requests_per_second=statistics.median(run.requests_per_second for run in runs),
        p50_ms=statistics.median(run.p50_ms for run in timed) if timed else float("nan"),
        p99_ms=statistics.median(run.p99_ms for run in timed) if timed else float("nan"),
        requests=sum(run.requests for run in runs),
        failures=sum(run.failures for run in runs),
    )


def operations(requests: Mapping[str, Mapping[str, Request]]) -> list[str]:
    """The operations every server is sent, in the sandbox's order; a server missing one would
    leave a hole in the report, so that stops the benchmark before any load."""
    names = list(requests[SANDBOX])
    for server in SERVERS:
        if list(requests[server]) != names:
            raise ValueError(
                f"{server} is not sent the sandbox's operations: {list(requests[server])}"
            )
    return names


def alternate(
    requests: Mapping[str, Mapping[str, Request]],
    setting: Setting,
    run: Runner = load.run,
) -> ByServer:
    """For each operation, ``setting.rounds`` rounds of one run on each server in ``SERVERS``'
    order; the median of its rounds for each server and operation.

    ``requests`` is server → operation → request; ``run`` is ``load.run`` (a test's stand-in
    records the calls instead)."""
    runs: dict[str, dict[str, list[Measured]]] = {server: {} for server in SERVERS}
    for operation in operations(requests):
        for number in range(1, setting.rounds + 1):
            print(f"  {setting.name}: {operation}, round {number}/{setting.rounds}", flush=True)
            for server in SERVERS:
                measured = run(requests[server][operation], setting.seconds, setting.connections)
                runs[server].setdefault(operation, []).append(measured)
    return {
        server: {operation: median(measured) for operation, measured in by_operation.items()}
        for server, by_operation in runs.items()
    }
