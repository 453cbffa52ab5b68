"""``creditbox calibrate``: which reading of each disputed point a deployment speaks, written as
the profile file that ``creditbox serve --profile`` reads and ``creditbox contracts --profile``
checks against.

It takes the target and credentials as ``creditbox contracts`` does. Read-only unless
``--allow-writes``: a point only a write shows is then "unknown" and left out of the file's
``readings`` (the sandbox serves its default). The evidence shows no secret header's value, and
the run's secrets are masked in the bodies. Exit codes: 0 the probes ran, whatever they found; 2
a usage error, a target that cannot be reached or refuses the credentials, or a fault of the
harness.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import yaml

from contracts import config
from contracts.calibration import SEEN, Finding, calibrate, seen_profile
from contracts.config import Settings, UsageError
from contracts.http import Limits
from contracts.report import printable
from contracts.runner import USAGE, Unreachable, opened_session, rate_cap, reached
from contracts.vendors import ADAPTERS

DEFAULT_OUTPUT = Path("creditbox-profile.yaml")
# what the profile file shows of each exchange that is its evidence
EVIDENCE_CHARS = 1500


def add_calibrate_arguments(parser: argparse.ArgumentParser) -> None:
    config.add_arguments(parser, only=config.TARGET_OPTIONS)
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"where to write the profile (default: ./{DEFAULT_OUTPUT})",
    )


def find_readings(settings: Settings, show: Any = print) -> tuple[str, list[Finding]]:
    """Run the probes of ``settings.api`` against the target; its base URL, and what they found
    (each shown as it comes). Raises :class:`Unreachable` as a contract run does."""
    adapter = ADAPTERS[settings.api]
    limits = Limits(settings.max_requests, rate_cap(settings), settings.admin_token)
    with reached(settings, adapter) as target:
        mode = "writes allowed" if settings.allow_writes else "read-only"
        show(f"creditbox calibrate: {settings.api} on {target.base_url} ({mode})")
        with opened_session(settings, adapter, target, limits) as session:
            findings = calibrate(
                settings.api,
                session,
                allow_writes=settings.allow_writes,
                on_finding=lambda finding: show(finding_line(finding)),
            )
    return target.base_url, findings


def finding_line(finding: Finding) -> str:
    said = finding.reading if finding.state == SEEN else finding.state
    line = f"  {finding.point:<28} {said:<14}"
    if finding.why:
        line += f" {printable(finding.why.replace(chr(10), ' '))[:150]}"
    return line.rstrip()


class _Literal(yaml.SafeDumper):
    """Writes text of several lines as a ``|`` block, so evidence reads as it was exchanged."""


def _text(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Literal.add_representer(str, _text)


def profile_text(api: str, base_url: str, findings: list[Finding], at: dt.datetime) -> str:
    """The profile file: ``readings`` (what ``--profile`` reads: the points seen), then each
    point with what was found and the exchanges that show it, secrets masked."""
    points: dict[str, Any] = {}
    for finding in findings:
        entry: dict[str, Any] = {"reading": finding.reading if finding.state == SEEN else None}
        if finding.state != SEEN:
            entry[finding.state] = finding.why
        if finding.state == SEEN and finding.why:
            entry["note"] = finding.why
        entry["evidence"] = [
            printable(exchange.secrets_hidden().as_text())[:EVIDENCE_CHARS].rstrip()
            for exchange in finding.evidence
        ]
        points[finding.point] = entry
    header = (
        f"# creditbox calibrate: what {base_url} ({api}) answered, "
        f"{at.isoformat(timespec='seconds')}.\n"
        "# `readings` is the profile (creditbox serve --profile, creditbox contracts --profile);\n"
        "# a point it leaves out was not seen, and keeps its default reading.\n"
    )
    body = {"readings": seen_profile(findings), "points": points}
    return header + yaml.dump(body, Dumper=_Literal, sort_keys=False, allow_unicode=True, width=100)


def run_calibrate(args: argparse.Namespace) -> int:
    try:
        settings = config.resolve(args)
        base_url, findings = find_readings(settings)
    except (UsageError, Unreachable) as problem:
        print(f"creditbox calibrate: {problem}", file=sys.stderr)
        return USAGE
    except Exception as error:  # a fault of the harness or this machine, not the target's
        print(f"creditbox calibrate: error: {type(error).__name__}: {error}", file=sys.stderr)
        return USAGE
    output = args.output.expanduser()
    text = profile_text(settings.api, base_url, findings, dt.datetime.now(dt.UTC))
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        print(f"creditbox calibrate: cannot write {output}: {error}", file=sys.stderr)
        return USAGE
    seen = sum(finding.state == SEEN for finding in findings)
    if not findings:
        print(f"{settings.api} has no disputed points (docs/disputed-points.md); profile: {output}")
        return 0
    print(f"\n{seen} of {len(findings)} disputed points seen; profile: {output}")
    if seen:
        print(f"serve it: creditbox serve --profile {output}")
    return 0
