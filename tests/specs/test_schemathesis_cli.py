"""Schemathesis' own CLI, run as an integrator runs it: the spec as shipped, its default checks, no
configuration of ours, against a served sandbox. Whatever it calls a failure, an integrator's CI
would too.

Solvimon's API, on a tenant with no invoices, is the API this holds for today: every constraint
its sandbox enforces on a single request is in its spec, and every status it answers is declared.
With invoices present, Schemathesis' check that valid data is accepted flags Solvimon's
documented state rules (only a FINAL invoice can be credited: 400 INVALID_OPERATION), which no
OpenAPI schema can state."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sandbox.embedded import EmbeddedSandbox
from specs import spec_path
from tests.support.solvimon_client import DEMO_KEY

SCHEMATHESIS = str(Path(sys.executable).parent / "st")


def test_schemathesis_default_checks_find_nothing_on_solvimon(tmp_path: Path) -> None:
    with EmbeddedSandbox(tmp_path / "data") as sandbox:
        done = subprocess.run(
            [
                SCHEMATHESIS,
                "run",
                str(spec_path("solvimon.yaml")),
                "--url",
                f"{sandbox.base_url}/solvimon",
                "-H",
                f"X-API-KEY: {DEMO_KEY}",
                "--max-examples",
                "30",
                "--seed",
                "1",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=tmp_path,
        )
    summary = done.stdout[-4000:]
    assert done.returncode == 0, summary
    assert "generated" in summary and "failures" not in summary.split("SUMMARY")[-1], summary
