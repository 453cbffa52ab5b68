"""Helpers for running ``creditbox contracts`` in the tests."""

from __future__ import annotations

import argparse
import copy
import io
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml

from contracts import config
from contracts.report import RunReport
from contracts.report.terminal import Terminal
from contracts.runner import check
from contracts.vendors import ADAPTERS
from sandbox.embedded import EmbeddedSandbox
from tests.support.clients import (
    COUNT_DEMO,
    DEMO_BUSINESS_ID,
    DEMO_TOKEN,
    KOJO_DEMO,
    SOLVIMON_KEY,
    dayzero_client,
)
from tests.support.planted import RESPONSE_BUGS, sandbox_args
from tests.support.processes import run_cli


def contract_args(
    api: str, base_url: str, report_dir: Path, credentials: list[str], extra: tuple[str, ...]
) -> list[str]:
    """``creditbox contracts --api API`` against a sandbox's mount of it, with ``credentials``,
    no rate cap, reports in ``report_dir``, then ``extra``."""
    return [
        *("contracts", "--api", api, "--base-url", f"{base_url}/{api}", *credentials),
        *("--rate-limit", "0", "--report-dir", str(report_dir), *extra),
    ]


def tenant_args(
    api: str, base_url: str, report_dir: Path, credentials: dict[str, Any], *extra: str
) -> list[str]:
    """``creditbox contracts --api API`` against a sandbox, as the tenant whose ``credentials``
    (for that API, as the control API gives them) go to the flags the API's options name."""
    return contract_args(api, base_url, report_dir, credential_flags(api, credentials), extra)


def credential_flags(api: str, credentials: dict[str, Any]) -> list[str]:
    """A tenant's ``credentials`` for ``api`` (as the control API gives them), as the flags the
    API's options name."""
    flags: list[str] = []
    for option in ADAPTERS[api].options:
        if option.credential and option.credential in credentials:
            flags += [option.flag, str(credentials[option.credential])]
    return flags


def demo_args(base_url: str, report_dir: Path, *extra: str) -> list[str]:
    """``creditbox contracts --api dayzero`` against a sandbox, as its demo tenant."""
    credentials = ["--token", DEMO_TOKEN, "--business-id", DEMO_BUSINESS_ID]
    return contract_args("dayzero", base_url, report_dir, credentials, extra)


def count_args(base_url: str, report_dir: Path, *extra: str) -> list[str]:
    """``creditbox contracts --api count`` against a sandbox, as its demo tenant."""
    credentials = ["--client-id", COUNT_DEMO["client_id"], "--client-secret"]
    credentials += [COUNT_DEMO["client_secret"], "--token", COUNT_DEMO["access_token"]]
    return contract_args("count", base_url, report_dir, credentials, extra)


def kojo_args(base_url: str, report_dir: Path, *extra: str) -> list[str]:
    """``creditbox contracts --api kojo`` against a sandbox, as its demo tenant."""
    credentials = ["--client-id", KOJO_DEMO["client_id"], "--client-secret"]
    credentials += [KOJO_DEMO["client_secret"]]
    return contract_args("kojo", base_url, report_dir, credentials, extra)


def solvimon_args(base_url: str, report_dir: Path, *extra: str) -> list[str]:
    """``creditbox contracts --api solvimon`` against a sandbox, as its demo tenant."""
    return contract_args("solvimon", base_url, report_dir, ["--api-key", SOLVIMON_KEY], extra)


ArgsFor = Callable[..., list[str]]


def rules_with_bug(args_for: ArgsFor, bug: str, report_dir: Path) -> tuple[RunReport, str]:
    """The rules layer, writes allowed, against a sandbox with ``bug`` planted."""
    with EmbeddedSandbox(**sandbox_args([bug])) as sandbox:
        return check_quietly(
            args_for(sandbox.base_url, report_dir, "--layers", "rules", "--allow-writes")
        )


def schema_layer_with_bugs(
    args_for: ArgsFor,
    bugs: list[str],
    report_dir: Path,
    seed_with: Callable[[str], Any],
) -> tuple[RunReport, str]:
    """The schema layer (examples and fuzzing) against a sandbox with ``bugs`` planted, after
    ``seed_with(base_url)`` has given Schemathesis something to read. No time budget: each
    phase runs all its examples, so what it reaches does not depend on how busy the machine is."""
    with EmbeddedSandbox(**sandbox_args(bugs)) as sandbox:
        seed_with(sandbox.base_url)
        return check_quietly(
            args_for(
                sandbox.base_url,
                report_dir,
                "--layers",
                "schema",
                "--phases",
                "examples,fuzzing",
            )
        )


def faithful_fixture(responses_of: Callable[[str], list[Any]]) -> Any:
    """A module-scoped fixture ``faithful``: what ``responses_of`` gets from a faithful sandbox,
    read once per test module for its response-bug tests to rewrite copies of."""

    def faithful() -> list[Any]:
        with EmbeddedSandbox() as sandbox:
            return responses_of(sandbox.base_url)

    return pytest.fixture(scope="module", name="faithful")(faithful)


def failing_with_bug(checks: ModuleType, bug: str, faithful: list[Any]) -> set[str]:
    """The names of ``checks``' invariants that fail on ``faithful`` responses (left as they
    are), once ``bug`` (a response bug) has changed a copy of them."""
    broken = copy.deepcopy(faithful)
    for body in broken:
        RESPONSE_BUGS[bug](body)
    return failing_checks(checks, broken)


def failing_checks(checks: ModuleType, bodies: list[Any]) -> set[str]:
    """The names of ``checks``' invariants that fail on any of ``bodies`` (each answered with
    HTTP 200, for the invariants of whole responses)."""
    failing = set()
    for name in checks.INVARIANTS.checks:
        for body in bodies:
            try:
                checks.INVARIANTS.run(name, body)
            except AssertionError:
                failing.add(name)
    for name, any_status in checks.INVARIANTS.responses.items():
        for body in bodies:
            try:
                any_status(200, body)
            except AssertionError:
                failing.add(name)
    return failing


def settings_for(args: list[str], environ: dict[str, str] | None = None) -> config.Settings:
    parser = argparse.ArgumentParser()
    config.add_arguments(parser)
    return config.resolve(parser.parse_args(args[1:]), environ or {})


def check_quietly(args: list[str]) -> tuple[RunReport, str]:
    """Run the harness in this process; return its report and what it printed."""
    out = io.StringIO()
    report = check(settings_for(args), Terminal(out))
    return report, out.getvalue()


def outcomes(report: RunReport) -> dict[str, str]:
    return {verdict.id: verdict.outcome for verdict in report.verdicts}


def har_entries(report_dir: Path) -> list[dict]:
    har = report_dir / "schemathesis" / "requests.har"
    return json.loads(har.read_text())["log"]["entries"]


def seed(base_url: str) -> None:
    """Give the demo tenant memos in every state and an applied credit."""
    with httpx.Client(base_url=base_url) as http:
        assert dayzero_client(http).seed_examples().status_code == 201


def new_tenant(upstream: str, readings: dict[str, str] | None = None) -> dict[str, Any]:
    """A new tenant of ``upstream``, answering in ``readings``."""
    created: dict[str, Any] = httpx.post(f"{upstream}/_sandbox/tenants", timeout=30).json()
    if readings:
        chosen = httpx.put(
            f"{upstream}/_sandbox/tenants/{created['id']}/profile",
            json={"readings": readings},
            timeout=30,
        )
        assert chosen.status_code == 200, chosen.text
    return created


def calibrate_run(
    base_url: str, vendor: str, tenant: dict[str, Any], output: Path, *extra: str
) -> tuple[int, str, dict[str, Any]]:
    """``creditbox calibrate`` against ``base_url``'s mount of ``vendor`` as ``tenant``: its exit
    code, what it printed, and the profile file it wrote (empty if none)."""
    flags = credential_flags(vendor, tenant["credentials"][vendor])
    done = run_cli(
        [
            *("calibrate", "--api", vendor, "--base-url", f"{base_url}/{vendor}", *flags),
            *("--rate-limit", "0", "--output", str(output), *extra),
        ]
    )
    written = yaml.safe_load(output.read_text(encoding="utf-8")) if output.exists() else {}
    return done.returncode, done.stdout + done.stderr, written
