"""The schema-conformance and invariant layers: Schemathesis over the vendor's spec.

Schemathesis runs in its own process, from a scratch directory, so its global registries, its
example database and its ``sys.exit`` stay out of the caller, and a hard timeout always holds.
Its JSON report and console output are turned into verdicts: one per invariant check (pass or
fail), one per failing built-in check, or a single pass when none failed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from contracts.checks import CHECKS_MODULE_ENV, COUNTS_ENV, READINGS_ENV, Invariants
from contracts.config import Settings
from contracts.rules import FAIL, PASS, SKIP, Verdict
from contracts.spec_judge import SpecJudge
from specs import spec_path
from specs.readings import served_spec

HOOKS_MODULE = "contracts.st_hooks"
# Without a time budget a run still ends: this long past its start, it is stopped and reported.
UNBUDGETED_TIMEOUT = 1800
REPORT_FILES = ("run.json", "requests.har", "junit.xml", "schemathesis.txt")

# Why each setting departs from Schemathesis' defaults:
# - business rules refuse schema-valid requests with the vendor's documented 400 (e.g. applying
#   more credit than remains): that is the contract, not a failure to accept valid data;
# - the vendors' APIs ignore query parameters they do not know (FastAPI does), so sending one is
#   not a schema violation they must refuse;
# - an invalid body too large for the target is refused with 413 (Payload Too Large), which is
#   a refusal as much as Schemathesis' default list of them;
# - the longest documented workflow (customer → invoice → finalize → memo → issue → apply →
#   unapply → void) has eight steps, and only the spec's own links follow it: links Schemathesis
#   infers on top spread the walks so thin that they almost never reach an apply;
# - each API's own settings come from its adapter (contracts/vendors/<v>/adapter.py).
CONFIG_TOML = """\
[generation]
allow-extra-parameters = false
{generation}
[phases.stateful]
max-steps = 10

[phases.stateful.inference]
algorithms = []

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409"]

[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428",
                     "429", "5xx"]
"""
# A read-only run probes undeclared methods only with ones that cannot change anything.
READ_ONLY_TOML = """
[phases.coverage]
unexpected-methods = ["options", "trace"]
"""


@dataclass
class SchemaRun:
    exit_code: int
    requests: int = 0
    server_errors: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)
    output: str = ""
    read_only: bool = False
    checked: dict[str, int] = field(default_factory=dict)
    # files the run should have left and did not: its results are lost, the run proves nothing
    missing: list[str] = field(default_factory=list)


def _header_variable(number: int) -> str:
    return f"CREDITBOX_HEADER_{number}"


def _headers_toml(headers: dict[str, str]) -> str:
    """Credentials reach Schemathesis through its environment, never its command line."""
    lines = ["[headers]"]
    for number, name in enumerate(headers):
        lines.append(f'"{name}" = "${{{_header_variable(number)}}}"')
    return "\n".join(lines) + "\n\n"


def command(
    settings: Settings, spec: str, base_url: str, out: Path, *, reads_only: bool = False
) -> list[str]:
    """``reads_only``: every operation of the spec only reads (GraphQL queries sent as POST),
    so a read-only run need not be narrowed to GET."""
    phases = settings.phases
    if not settings.allow_writes and not reads_only:
        phases = ",".join(p for p in phases.split(",") if p.strip() != "stateful") or "examples"
    args = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        str(served_spec_file(settings, spec, out)),
        "--url",
        base_url.rstrip("/"),
        "--phases",
        phases,
        "--max-examples",
        str(settings.max_examples),
        "--request-timeout",
        "10",
        "--generation-database",
        "none",
        "--continue-on-failure",
        "--no-color",
        "--report",
        "json,har,junit",
        "--report-dir",
        str(out),
        "--report-json-path",
        str(out / "run.json"),
        "--report-har-path",
        str(out / "requests.har"),
        "--report-junit-path",
        str(out / "junit.xml"),
    ]
    if not settings.allow_writes and not reads_only:
        args += ["--include-method", "GET"]
    if settings.rate_limit:
        args += ["--rate-limit", schemathesis_rate(settings.rate_limit)]
    if settings.max_time:
        # With a time budget Schemathesis keeps fuzzing until it is spent; without one, each
        # phase runs its examples and the run ends.
        args += ["--max-time", str(settings.max_time)]
    if settings.seed is not None:
        args += ["--seed", str(settings.seed)]
    return args


def served_spec_file(settings: Settings, spec: str, out: Path) -> Path:
    """The spec in the readings the target should speak: the packaged file when they are the
    defaults, else the spec with the readings' overlays applied, written beside the reports."""
    if not _is_openapi(spec) or not _differs(settings):
        return spec_path(spec)
    served = out / f"served-{spec}"
    served.write_text(
        yaml.safe_dump(served_openapi(settings, spec), sort_keys=False), encoding="utf-8"
    )
    return served


def served_openapi(settings: Settings, spec: str) -> dict[str, Any]:
    """The OpenAPI ``spec`` as served in the readings the target should speak."""
    base = yaml.safe_load(spec_path(spec).read_text(encoding="utf-8"))
    return served_spec(base, settings.api, settings.expected) if _differs(settings) else base


def _is_openapi(spec: str) -> bool:
    return spec.endswith((".yaml", ".json"))


def _differs(settings: Settings) -> bool:
    """Whether the target should speak other readings than the defaults of its API's points."""
    return any(point.startswith(f"{settings.api}.") for point in settings.expected.differences())


def spec_source(spec: str) -> str:
    """Where the built-in checks' verdicts cite their source: the spec as shipped."""
    shipped = spec if Path(spec).is_absolute() else f"specs/{spec}"  # a plugin vendor's file
    return f"{shipped} (Schemathesis built-in checks)"


def spec_judge(settings: Settings, spec: str, base_url: str) -> SpecJudge | None:
    """The judge of the harness's own responses by an OpenAPI spec (None for GraphQL's)."""
    if not _is_openapi(spec):
        return None
    return SpecJudge(served_openapi(settings, spec), urlsplit(base_url).path)


def schemathesis_rate(per_second: float) -> str:
    """A rate for Schemathesis' ``--rate-limit``: whole requests per second or per minute."""
    if per_second >= 1 and per_second == int(per_second):
        return f"{int(per_second)}/s"
    return f"{max(1, round(per_second * 60))}/m"


def run(
    settings: Settings,
    spec: str,
    base_url: str,
    headers: dict[str, str],
    out: Path,
    *,
    generation_toml: str = "",
    operations_toml: str = "",
    env: dict[str, str] | None = None,
    reads_only: bool = False,
    checks: Invariants | None = None,
) -> SchemaRun:
    """Run Schemathesis with ``checks``' invariants; its reports land in ``out`` (run.json,
    requests.har, junit.xml, checked.json). Schemathesis runs in a scratch directory, so ``out``
    is made absolute first: a relative one would be written there and lost with it."""
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="creditbox-st-"))
    toml = _headers_toml(headers) + CONFIG_TOML.format(generation=generation_toml)
    toml += operations_toml
    if not settings.allow_writes:
        toml += READ_ONLY_TOML
    (workdir / "schemathesis.toml").write_text(toml, encoding="utf-8")
    counts = out / "checked.json"
    for stale in (counts, *(out / name for name in REPORT_FILES)):
        stale.unlink(missing_ok=True)
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": HOOKS_MODULE,
        "PYTHONUNBUFFERED": "1",
        COUNTS_ENV: str(counts),
        **({CHECKS_MODULE_ENV: checks.module} if checks else {}),
        READINGS_ENV: json.dumps(settings.expected.choices()),
        **{_header_variable(number): value for number, value in enumerate(headers.values())},
        **(env or {}),
    }
    try:
        completed = subprocess.run(
            command(settings, spec, base_url, out, reads_only=reads_only),
            cwd=workdir,
            env=env,
            timeout=(settings.max_time or UNBUDGETED_TIMEOUT) + 180,
            capture_output=True,
            text=True,
            check=False,
        )
        result = SchemaRun(completed.returncode, output=completed.stdout + completed.stderr)
    except subprocess.TimeoutExpired:
        result = SchemaRun(124, output="Schemathesis did not finish in time")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    (out / "schemathesis.txt").write_text(result.output, encoding="utf-8")
    result.read_only = not settings.allow_writes
    if result.exit_code != 124:
        _read_reports(result, out, counted=checks is not None)
    return result


def _read_reports(result: SchemaRun, out: Path, *, counted: bool) -> None:
    """Fill ``result`` from what Schemathesis left in ``out``; name every file that is missing
    or unreadable (``counted``: the hooks were asked for their counts)."""

    def load(name: str) -> Any:
        try:
            return json.loads((out / name).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            result.missing.append(name)
            return None

    if counted:
        result.checked = load("checked.json") or {}
    summary = load("run.json")
    if isinstance(summary, dict):
        result.failures = summary.get("failures") or []
        result.errors = summary.get("errors") or []
    har = load("requests.har")
    if har is not None:
        statuses = [entry["response"]["status"] for entry in har["log"]["entries"]]
        result.requests = len(statuses)
        result.server_errors = sum(1 for status in statuses if status >= 500)


_CUSTOM = re.compile(r"Custom check failed: `([^`]+)`")


def _failure_id(failure: dict[str, Any]) -> str:
    match = _CUSTOM.search(failure.get("title", ""))
    return match.group(1) if match else str(failure.get("code"))


def _sections(output: str) -> list[str]:
    """The console's failure sections (one per operation), each with its curl reproducers."""
    return [s for s in re.split(r"\n(?=_{5,} .+ _{5,}\n)", output) if s.startswith("_")]


def verdicts(result: SchemaRun, spec: str, statements: dict[str, tuple[str, str]]) -> list[Verdict]:
    """Every invariant of ``statements`` (pass with the objects it checked, fail, or skip), every
    other failure Schemathesis listed under the name the report gives it (a custom check's name,
    else the Schemathesis code), and the run's own trouble, if any, as ``SCHEMATHESIS-RUN``."""
    failed = {_failure_id(failure): failure for failure in result.failures}
    sections = _sections(result.output)
    trouble = _run_trouble(result, bool(failed))
    found = _invariant_verdicts(result, failed, statements, sections, trouble)
    source = spec_source(spec)
    others = {key: failure for key, failure in failed.items() if key not in statements}
    for name, failure in sorted(others.items()):
        verdict = Verdict(name, "schema", str(failure.get("title")), source, FAIL, _where(failure))
        verdict.notes = [s for s in sections if _named_in(name, s)][:3]
        found.append(verdict)
    if trouble:
        verdict = Verdict(
            "SCHEMATHESIS-RUN", "schema", "Schemathesis completed its run", source, FAIL, trouble
        )
        verdict.notes = [s for s in sections if "Runtime Error" in s or "Error" in s[:200]][:3]
        found.append(verdict)
    elif not others:
        scope = "GET operations only (read-only run)" if result.read_only else "every operation"
        found.append(
            Verdict(
                "SCHEMA-CONFORMANCE",
                "schema",
                f"Every response conforms to the spec ({scope})",
                source,
                PASS,
                f"{result.requests} requests, {result.server_errors} server errors",
            )
        )
    if result.server_errors and "ST101" not in failed:
        found.append(
            Verdict(
                "ST101",
                "schema",
                "Server error",
                source,
                FAIL,
                f"{result.server_errors} responses were 5xx",
            )
        )
    return found


def _named_in(name: str, section: str) -> bool:
    return f"`{name}`" in section or f"{name} " in section


ALL_INVARIANTS = "INVARIANTS"


def _invariant_verdicts(
    result: SchemaRun,
    failed: dict[str, dict[str, Any]],
    statements: dict[str, tuple[str, str]],
    sections: list[str],
    trouble: str,
) -> list[Verdict]:
    """One verdict per invariant; when none of them saw an object (an empty tenant read, or a
    run whose results are lost), one line that says so instead of a skip per invariant."""
    seen_any = any(result.checked.get(name) for name in statements)
    if not seen_any and not failed.keys() & statements.keys():
        names = ", ".join(statements)
        reason = (
            "nothing the run reported can be trusted: see SCHEMATHESIS-RUN"
            if trouble
            else "no response carried an object they apply to: the target had no data to read "
            "(with --allow-writes the run creates some)"
        )
        sources = sorted({source for _, source in statements.values()})
        return [
            Verdict(
                ALL_INVARIANTS,
                "invariant",
                f"The {len(statements)} invariants hold on every response ({names})",
                "; ".join(sources),
                SKIP,
                reason,
            )
        ]
    found = []
    for name, (statement, source) in statements.items():
        seen = result.checked.get(name, 0)
        verdict = Verdict(name, "invariant", statement, source, PASS, f"{seen} objects checked")
        if name in failed:
            verdict.outcome = FAIL
            verdict.reason = _where(failed[name])
            verdict.notes = [s for s in sections if f"`{name}`" in s][:3]
        elif not seen:
            verdict.outcome = SKIP
            verdict.reason = "no response carried an object this check applies to"
        found.append(verdict)
    return found


def _run_trouble(result: SchemaRun, failed: bool) -> str:
    """Why the run cannot be trusted to have tested anything, or ``""``."""
    if result.exit_code == 124:
        return "Schemathesis did not finish in time; see schemathesis/schemathesis.txt"
    if result.missing:
        return (
            f"Schemathesis left no readable {', '.join(result.missing)}: its results are lost "
            f"(exit code {result.exit_code}); see schemathesis/schemathesis.txt"
        )
    if result.errors:
        titles = sorted(
            {str(e.get("title", e)) if isinstance(e, dict) else str(e) for e in result.errors}
        )
        return f"{len(result.errors)} error(s) while testing: {'; '.join(titles)[:300]}"
    if result.exit_code not in (0, 1) or (result.exit_code == 1 and not failed):
        return f"exit code {result.exit_code}; see schemathesis/schemathesis.txt"
    if result.requests == 0:
        return "no request completed: every request timed out or failed to connect"
    return ""


def _where(failure: dict[str, Any]) -> str:
    operations = ", ".join(failure.get("operations") or [])
    return f"{failure.get('count', 1)} failure(s): {operations}"


def skipped(reason: str, spec: str) -> list[Verdict]:
    source = f"specs/{spec} (Schemathesis)"
    return [
        Verdict(
            "SCHEMA-CONFORMANCE",
            "schema",
            "Every response conforms to the spec",
            source,
            SKIP,
            reason,
        )
    ]
