"""No false alarms, measured: the default contract run of each vendor, with writes allowed,
against a faithful sandbox, both ``--in-process`` and over ``--base-url`` to a served one, under
several Schemathesis seeds, exits 0 every time.

``CREDITBOX_FALSE_ALARM_SEEDS`` runs per vendor (20 in ``make soak``), the seeds alternating
between the two ways; each run's outcome is recorded for ``docs/reliability.md``. With one seed
(``make test``) only the runs over a URL are made, COUNT's and Kojo's: DayZero's and Solvimon's
in process are the default runs ``tests/contracts/test_fuzzing.py`` makes of every vendor.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.contracts import support
from tests.support.figures import record
from tests.support.processes import run_cli, serving

SEEDS = int(os.environ.get("CREDITBOX_FALSE_ALARM_SEEDS", "1"))
URL_ARGS = {
    "dayzero": support.demo_args,
    "count": support.count_args,
    "solvimon": support.solvimon_args,
    "kojo": support.kojo_args,
}
RUNS = [
    (vendor, seed, way)
    for number, vendor in enumerate(URL_ARGS)
    for seed in range(1, SEEDS + 1)
    if (way := "in-process" if (seed + number) % 2 else "base-url") == "base-url" or SEEDS > 1
]
_FAILED = re.compile(r"^\s+\[\s*\d+/\d+\]\s+FAIL\s+(\S+)\s*(.*)$", re.M)


@pytest.mark.parametrize(
    ("vendor", "seed", "way"), RUNS, ids=[f"{v}-{w}-seed{s}" for v, s, w in RUNS]
)
def test_a_faithful_sandbox_passes_the_default_run(
    vendor: str, seed: int, way: str, tmp_path: Path
) -> None:
    extra = ["--allow-writes", "--seed", str(seed)]
    if way == "in-process":
        args = ["contracts", "--api", vendor, "--in-process", "--report-dir", str(tmp_path)]
        done = run_cli([*args, *extra], timeout=900)
    else:
        with serving(["--in-memory"]) as base_url:
            done = run_cli(URL_ARGS[vendor](base_url, tmp_path, *extra), timeout=900)
    record("false_alarms", runs=1, false_alarms=int(done.returncode != 0))
    assert done.returncode == 0, (
        f"{vendor} {way} --seed {seed}: exit {done.returncode}; "
        f"{_FAILED.findall(done.stdout)[:5]} {done.stderr[-1000:]}"
    )
