"""``creditbox contracts``: run the contract suite for one vendor API against a base URL.

The suite is Schemathesis over the vendor's spec (examples, coverage, fuzzing and stateful
phases, every built-in check) plus the vendor's invariant checks on every response. Schemathesis
runs in its own process, from a scratch directory, so its global registries, its example database
and its ``sys.exit`` stay out of the caller, and a hard timeout always holds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from specs import spec_path

HOOKS_MODULE = "contracts.st_hooks"

# Why each setting departs from Schemathesis' defaults:
# - business rules refuse schema-valid requests with the vendor's documented 400 (e.g. applying
#   more credit than remains): that is the contract, not a failure to accept valid data;
# - the vendors' APIs ignore query parameters they do not know (FastAPI does), so sending one is
#   not a schema violation they must refuse;
# - the longest documented workflow (customer → invoice → finalize → memo → issue → apply →
#   unapply → void) has eight steps, and only the spec's own links follow it: links Schemathesis
#   infers on top spread the walks so thin that they almost never reach an apply;
# - DayZero documents 404 from unapply when the memo is not applied to that invoice: a 404 there
#   says nothing about whether the memo exists.
CONFIG_TOML = """\
[generation]
allow-extra-parameters = false

[phases.stateful]
max-steps = 10

[phases.stateful.inference]
algorithms = []

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409"]

[[operations]]
include-operation-id = "unapply_credit_memo_api_v1_credit_memos__credit_memo_id__unapply_post"
checks.ensure_resource_availability.enabled = false
"""


@dataclass(frozen=True)
class ContractApi:
    """One vendor API the harness can check: its spec and how it authenticates."""

    name: str
    spec: str

    def headers(self, args: argparse.Namespace) -> dict[str, str]:
        if self.name == "dayzero":
            return {"Authorization": f"Bearer {args.token}", "x-business-id": args.business_id}
        raise ValueError(self.name)

    def missing_credentials(self, args: argparse.Namespace) -> list[str]:
        if self.name == "dayzero":
            return [
                flag
                for flag, value in (("--token", args.token), ("--business-id", args.business_id))
                if not value
            ]
        return []


APIS = {"dayzero": ContractApi(name="dayzero", spec="dayzero.yaml")}


def add_contract_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api", required=True, choices=sorted(APIS), help="which vendor API")
    parser.add_argument(
        "--base-url",
        required=True,
        help="the API's base URL, e.g. http://127.0.0.1:8000/dayzero or a real deployment",
    )
    parser.add_argument("--token", help="DayZero: the API token (Bearer)")
    parser.add_argument("--business-id", help="DayZero: the business UUID (x-business-id)")
    parser.add_argument("--junit", type=Path, help="write a JUnit XML report here")
    parser.add_argument(
        "--report-dir",
        type=Path,
        help="keep Schemathesis' reports here (JSON summary, HAR log of every request)",
    )
    parser.add_argument(
        "--max-examples", type=int, default=25, help="examples per operation (default: %(default)s)"
    )
    parser.add_argument(
        "--max-time",
        type=int,
        default=120,
        help="time budget in seconds for the whole run (default: %(default)s)",
    )
    parser.add_argument("--seed", type=int, help="random seed, to replay a run")
    parser.add_argument(
        "--phases",
        default="examples,coverage,fuzzing,stateful",
        help="Schemathesis phases to run (default: %(default)s)",
    )


@dataclass(frozen=True)
class RunSummary:
    exit_code: int
    requests: int
    server_errors: int
    report_dir: Path


def schemathesis_command(api: ContractApi, args: argparse.Namespace, report_dir: Path) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        str(spec_path(api.spec)),
        "--url",
        args.base_url.rstrip("/"),
        "--phases",
        args.phases,
        "--max-examples",
        str(args.max_examples),
        "--max-time",
        str(args.max_time),
        "--request-timeout",
        "10",
        "--generation-database",
        "none",
        "--continue-on-failure",
        "--no-color",
        "--report",
        "json,har" + (",junit" if args.junit else ""),
        "--report-dir",
        str(report_dir),
        "--report-json-path",
        str(report_dir / "run.json"),
        "--report-har-path",
        str(report_dir / "requests.har"),
    ]
    if args.junit:
        command += ["--report-junit-path", str(args.junit.resolve())]
    if args.seed is not None:
        command += ["--seed", str(args.seed)]
    for name, value in api.headers(args).items():
        command += ["-H", f"{name}: {value}"]
    return command


def _count_requests(har_path: Path) -> tuple[int, int]:
    if not har_path.exists():
        return 0, 0
    entries = json.loads(har_path.read_text(encoding="utf-8"))["log"]["entries"]
    statuses = [entry["response"]["status"] for entry in entries]
    return len(statuses), sum(1 for status in statuses if status >= 500)


def run_schemathesis(api: ContractApi, args: argparse.Namespace) -> RunSummary:
    report_dir = (
        args.report_dir or Path(tempfile.mkdtemp(prefix="creditbox-contracts-"))
    ).resolve()
    report_dir.mkdir(parents=True, exist_ok=True)
    if args.junit:
        args.junit.resolve().parent.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="creditbox-st-"))
    (workdir / "schemathesis.toml").write_text(CONFIG_TOML, encoding="utf-8")
    env = {**os.environ, "SCHEMATHESIS_HOOKS": HOOKS_MODULE, "PYTHONUNBUFFERED": "1"}
    try:
        completed = subprocess.run(
            schemathesis_command(api, args, report_dir),
            cwd=workdir,
            env=env,
            timeout=args.max_time + 180,
            check=False,
        )
        exit_code = completed.returncode
    except subprocess.TimeoutExpired:
        print("creditbox contracts: Schemathesis did not finish in time", file=sys.stderr)
        exit_code = 124
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    requests, server_errors = _count_requests(report_dir / "requests.har")
    return RunSummary(exit_code, requests, server_errors, report_dir)


def run_contracts(args: argparse.Namespace) -> int:
    api = APIS[args.api]
    missing = api.missing_credentials(args)
    if missing:
        print(
            f"creditbox contracts: --api {api.name} needs {' and '.join(missing)}", file=sys.stderr
        )
        return 2
    summary = run_schemathesis(api, args)
    verdict = "passed" if summary.exit_code == 0 else "FAILED"
    print(
        f"creditbox contracts: {api.name} {verdict}: {summary.requests} requests, "
        f"{summary.server_errors} server errors (5xx); reports in {summary.report_dir}"
    )
    return summary.exit_code
