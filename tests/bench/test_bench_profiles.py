"""The benchmark's profiles: each py-spy sample is counted under the part of the request's path
its innermost frame is in, and the report shows each operation's shares, or why there are none."""

from __future__ import annotations

import dataclasses

import pytest

from bench import profiles, report
from bench.profiles import COLUMNS, Profile
from tests.bench.test_bench_figures import _results

# py-spy's paths: shortened below site-packages and the working directory, else absolute
RAW = """\
run (uvicorn/main.py:1);_run_once (/py/asyncio/base_events.py:1845) 30
run_asgi (uvicorn/x.py:1);handle (sandbox/tenant_middleware.py:88) 10
run_asgi (uvicorn/x.py:1);__call__ (connexion/middleware/security.py:104) 20
handle (sandbox/tenant_middleware.py:88);get_memo (sandbox/vendors/dayzero/models.py:270) 15
get_memo (sandbox/vendors/dayzero/models.py:270);get (sandbox/store/indexed_table.py:240) 10
wrapper (connexion/decorators/response.py:1);dumps (sandbox/json_encoding.py:30) 5
validate (sandbox/validation.py:1);iter_errors (jsonschema/validators.py:349) 5
__call__ (starlette/middleware/errors.py:149) 3
run (/py/threading.py:975);worker (anyio/_backends/_asyncio.py:1) 1
mystery (/somewhere/else.py:1) 1
"""


def test_each_sample_counts_under_the_part_of_its_innermost_frame() -> None:
    profile = profiles.parse(RAW, seconds=1, rate=200)
    assert profile.samples == 100
    assert profile.shares == {
        "store": 0.10,
        "vendor code": 0.15,
        "JSON": 0.05,
        "validation": 0.05,
        "sandbox layers": 0.10,
        "Connexion": 0.20,
        "Starlette": 0.03,
        "HTTP server": 0.30,
        "threads": 0.01,
        "other": 0.01,
    }
    assert profile.gil_busy == pytest.approx(0.5)  # 100 samples of a possible 200


def test_lines_that_are_not_samples_are_skipped_and_no_samples_mean_no_shares() -> None:
    profile = profiles.parse("\nnot a sample\n", seconds=2)
    assert profile.samples == 0
    assert set(profile.shares.values()) == {0.0}


def test_the_report_shows_each_operations_shares_and_how_busy_the_gil_was() -> None:
    shares = dict.fromkeys(COLUMNS, 0.0) | {"HTTP server": 0.25, "Connexion": 0.75}
    results = dataclasses.replace(
        _results(1600, 1.2), profiles={"DayZero get memo": Profile(shares, 1000, 0.97)}
    )
    text = report.markdown(results)
    assert "### Where the sandbox's time goes" in text
    header = f"| operation | {' | '.join(COLUMNS)} | GIL busy |"
    assert header in text
    row = next(line for line in text.splitlines() if line.startswith("| DayZero get memo | 0 %"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert dict(zip(["operation", *COLUMNS, "GIL busy"], cells, strict=True)) == {
        "operation": "DayZero get memo",
        **{part: "0 %" for part in COLUMNS},
        "HTTP server": "25 %",
        "Connexion": "75 %",
        "GIL busy": "97 %",
    }


def test_the_report_says_why_there_is_no_profile() -> None:
    results = dataclasses.replace(_results(1600, 1.2), profiles="py-spy is not installed")
    assert "Not profiled: py-spy is not installed." in report.markdown(results)
