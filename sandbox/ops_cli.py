"""``creditbox seed``, ``creditbox clock`` and ``creditbox faults``: a running sandbox's control API
from the command line, for demo and CI scripts. Exit codes: 0 done, 1 refused, 2 usage or
connection error.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from typing import Any

import httpx

from sandbox import control_access, fixtures

DEFAULT_URL = "http://127.0.0.1:8000"
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([dhms])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default=DEFAULT_URL, help="the sandbox (default: %(default)s)")
    parser.add_argument("--tenant", default="demo", help="tenant id (default: %(default)s)")
    parser.add_argument(
        "--admin-token",
        default=os.environ.get(control_access.ENV),
        help=f"the sandbox's admin token, when it has one (default: ${control_access.ENV})",
    )


def add_seed_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="a fixture (YAML), e.g. fixtures/demo.yaml")
    _common(parser)


def add_clock_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument(
        "--advance", metavar="DURATION", help="move the clock forward: 30d, 12h, 90m or 45s"
    )


def add_faults_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    parser.add_argument("--clear", action="store_true", help="turn every fault off")
    parser.add_argument("--vendor", help="only this vendor's requests")
    parser.add_argument("--method", help="only this HTTP method")
    parser.add_argument("--route", help="only paths under the vendor's mount matching this glob")
    parser.add_argument("--latency-ms", type=int, default=0, help="added latency")
    parser.add_argument("--jitter-ms", type=int, default=0, help="random extra latency, up to")
    parser.add_argument("--error-rate", type=float, default=0.0, help="share answered with a 5xx")
    parser.add_argument("--error-status", type=int, default=500, help="500, 502, 503 or 504")
    parser.add_argument(
        "--rate-limit",
        action="append",
        default=[],
        metavar="VENDOR[:LIMIT/SECONDS]",
        help=(
            "rate-limit a vendor; one that documents limits takes them unless one is given "
            "(repeat for several windows of one vendor)"
        ),
    )


def seed(args: argparse.Namespace) -> int:
    try:
        fixture = fixtures.read(args.file)
    except (OSError, fixtures.FixtureError) as problem:
        return _usage(str(problem))
    answer = _request(args, "POST", "fixtures", fixture)
    if answer is not None and answer.status_code == 404 and _tenant_missing(args):
        # a CI job seeds a tenant of its own: the first seed creates it
        made = _request(args, "POST", "", {"id": args.tenant}, under_tenant=False)
        if made is None:
            return 2
        if made.status_code != 201:
            return _refused(made)
        print(f"tenant {args.tenant} created")
        answer = _request(args, "POST", "fixtures", fixture)
    if answer is None:
        return 2
    if answer.status_code != 201:
        return _refused(answer)
    created = answer.json()["created"]
    for section, refs in created.items():
        print(f"{section}: {len(refs)} named ({', '.join(refs)})")
    print(f"fixture {args.file} loaded into tenant {args.tenant}")
    return 0


def clock(args: argparse.Namespace) -> int:
    if args.advance:
        matched = _DURATION.match(args.advance)
        if not matched:
            return _usage(f"--advance {args.advance}: a number and d, h, m or s (e.g. 30d)")
        body = {_UNITS[matched.group(2)]: float(matched.group(1))}
        answer = _request(args, "POST", "clock/advance", body)
    else:
        answer = _request(args, "GET", "clock")
    if answer is None:
        return 2
    if answer.status_code != 200:
        return _refused(answer)
    shown = answer.json()
    print(f"tenant {args.tenant}: {shown['now']} ({shown['offset_seconds']:g} s ahead)")
    return 0


def faults(args: argparse.Namespace) -> int:
    if args.clear:
        answer = _request(args, "DELETE", "faults")
    else:
        try:
            limits = [_rate_limit(value) for value in args.rate_limit]
        except ValueError as problem:
            return _usage(str(problem))
        rule = {
            "vendor": args.vendor,
            "method": args.method,
            "route": args.route,
            "latency_ms": args.latency_ms,
            "jitter_ms": args.jitter_ms,
            "error_rate": args.error_rate,
            "error_status": args.error_status,
        }
        faulty = args.latency_ms or args.jitter_ms or args.error_rate
        body = {"rules": [rule] if faulty else [], "rate_limits": limits}
        answer = _request(args, "PUT", "faults", body)
    if answer is None:
        return 2
    if answer.status_code != 200:
        return _refused(answer)
    print(json.dumps(answer.json(), indent=2))
    return 0


def _rate_limit(value: str) -> dict[str, Any]:
    vendor, _, limit = value.partition(":")
    if not limit:
        return {"vendor": vendor}
    requests, _, seconds = limit.partition("/")
    try:
        return {"vendor": vendor, "limit": int(requests), "window_seconds": float(seconds or 1)}
    except ValueError:
        raise ValueError(f"--rate-limit {value}: VENDOR or VENDOR:LIMIT/SECONDS") from None


def _tenant_missing(args: argparse.Namespace) -> bool:
    answer = _request(args, "GET", "")
    return answer is not None and answer.status_code == 404


def _request(
    args: argparse.Namespace,
    method: str,
    path: str,
    body: Any = None,
    *,
    under_tenant: bool = True,
) -> httpx.Response | None:
    """A control-API call: ``path`` under the tenant's URL (``under_tenant``), else under
    ``/_sandbox/tenants``."""
    tenants = f"{args.url.rstrip('/')}/_sandbox/tenants"
    url = f"{tenants}/{args.tenant}/{path}" if under_tenant else f"{tenants}/{path}"
    url = url.rstrip("/")
    headers = {"Authorization": f"Bearer {args.admin_token}"} if args.admin_token else {}
    try:
        return httpx.request(method, url, json=body, headers=headers, timeout=120)
    except httpx.HTTPError as problem:
        print(f"creditbox: cannot reach {args.url}: {problem}", file=sys.stderr)
        return None


def _refused(answer: httpx.Response) -> int:
    try:
        detail = answer.json().get("detail", answer.text)
    except ValueError:
        detail = answer.text
    print(f"creditbox: refused ({answer.status_code}): {detail}", file=sys.stderr)
    return 1


def _usage(message: str) -> int:
    print(f"creditbox: {message}", file=sys.stderr)
    return 2
