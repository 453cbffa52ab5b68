"""``creditbox serve``: run the sandbox with uvicorn."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import os
import sys
from pathlib import Path
from typing import Any

import httpx

from sandbox import control_access
from sandbox.body_limits import RequestLimits
from sandbox.fixtures import FixtureError, read
from sandbox.journal import DEFAULT_SIZE as DEFAULT_JOURNAL_SIZE
from sandbox.store import StoreCorruptError, StoreUnwritableError
from sandbox.tenants import DEMO_TENANT_ID
from specs.readings import ProfileError, load_profile

DEFAULT_DATA_DIR = Path(".data")

log = logging.getLogger("creditbox")


def _positive(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        value = kind(text)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{text} is not a positive number")
        return value

    parse.__name__ = kind.__name__
    return parse


# the request limits ``serve`` lets its user set: the flag, the ``RequestLimits`` field it sets,
# its type, and what it limits
_LIMIT_FLAGS = (
    ("--max-body-bytes", "json_bytes", int, "larger request bodies are refused 413"),
    ("--max-upload-bytes", "upload_bytes", int, "the same for multipart uploads"),
    (
        "--body-timeout",
        "body_seconds",
        float,
        "seconds a client may take to send a request body before a 408",
    ),
)


def _request_limits(args: argparse.Namespace) -> RequestLimits:
    """The limits the ``_LIMIT_FLAGS`` were given (their defaults: ``RequestLimits``' own)."""
    given = {
        field: getattr(args, flag.removeprefix("--").replace("-", "_"))
        for flag, field, _, _ in _LIMIT_FLAGS
    }
    return RequestLimits(**given)


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    store = parser.add_mutually_exclusive_group()
    store.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help="where the TinyDB files live; data survives restarts (default: %(default)s)",
    )
    store.add_argument(
        "--in-memory",
        action="store_true",
        help="keep everything in memory and write nothing: for throwaway runs",
    )
    parser.add_argument(
        "--fixture",
        metavar="FILE",
        help="load this fixture (YAML) into the demo tenant when it has no data yet (make run "
        "uses fixtures/demo.yaml)",
    )
    parser.add_argument(
        "--profile",
        metavar="FILE",
        type=Path,
        help="answer in these readings of the disputed points (YAML: readings: {point: reading}; "
        "see docs/disputed-points.md); a tenant's own choice overrides it",
    )
    parser.add_argument(
        "--journal-size",
        type=int,
        default=DEFAULT_JOURNAL_SIZE,
        help="requests kept per tenant in the request journal (default: %(default)s)",
    )
    parser.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="the bearer token the control API (/_sandbox) asks for; default: $"
        f"{control_access.ENV}, else generated and printed when --host is not a loopback "
        "address (on loopback the control API is open unless a token is given)",
    )
    defaults = RequestLimits()
    for flag, field, kind, says in _LIMIT_FLAGS:
        parser.add_argument(
            flag,
            type=_positive(kind),
            default=getattr(defaults, field),
            help=f"{says} (default: %(default)s)",
        )
    parser.add_argument(
        "--no-demo",
        action="store_true",
        help="do not create the demo tenant with its fixed, documented credentials",
    )


MIN_TOKEN_LENGTH = 16


def admin_token(args: argparse.Namespace) -> tuple[str | None, bool]:
    """The control API's admin token and whether it was generated here; ``ValueError`` when the
    given one is too weak to guard a sandbox that others can reach."""
    token = args.admin_token if args.admin_token is not None else os.environ.get(control_access.ENV)
    if token is not None:
        if len(token) < MIN_TOKEN_LENGTH or not (token.isascii() and token.isprintable()):
            raise ValueError(
                f"an admin token is at least {MIN_TOKEN_LENGTH} printable ASCII characters"
            )
        if " " in token:
            raise ValueError("an admin token has no spaces")
        return token, False
    if control_access.is_loopback(args.host):
        return None, False
    return control_access.new_admin_token(), True


async def _seed_demo(app: Any, path: str, token: str | None) -> str:
    """Load the fixture into the demo tenant through the control API, unless it has data."""
    fixture = read(path)
    transport = httpx.ASGITransport(app=app)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://creditbox.internal", headers=headers
    ) as http:
        snapshot = (await http.get(f"/_sandbox/tenants/{DEMO_TENANT_ID}/snapshot")).json()
        if any(snapshot["data"].values()):
            return f"Demo tenant has data already; {path} not loaded again"
        answer = await http.post(f"/_sandbox/tenants/{DEMO_TENANT_ID}/fixtures", json=fixture)
        if answer.status_code != 201:
            raise FixtureError(answer.json().get("detail", answer.text))
    return f"Demo tenant seeded from {path}"


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from sandbox.app import create_app, demo_banner

    data_dir = None if args.in_memory else args.data_dir
    try:
        token, generated = admin_token(args)
    except ValueError as problem:
        print(f"creditbox: --admin-token: {problem}", file=sys.stderr)
        return 2
    try:
        profile = load_profile(args.profile) if args.profile else None
    except ProfileError as problem:
        print(f"creditbox: --profile: {problem}", file=sys.stderr)
        return 2
    try:
        app = create_app(
            data_dir=data_dir,
            demo=not args.no_demo,
            journal_size=args.journal_size,
            admin_token=token,
            limits=_request_limits(args),
            profile=profile,
        )
    except (StoreUnwritableError, StoreCorruptError) as problem:
        print(f"creditbox: cannot use the data directory: {problem}", file=sys.stderr)
        return 2
    # Everything loaded at start (the code, every tenant's data) lives as long as the process.
    # Frozen, Python's cyclic garbage collector stops walking it on each full collection, which
    # otherwise costs time in proportion to the stored data, on whichever request triggers it.
    gc.collect()
    gc.freeze()
    base = f"http://{args.host}:{args.port}"
    print(f"creditbox sandbox on {base}  (storage: {data_dir or 'in memory'})", flush=True)
    if profile is not None and profile.differences():
        chosen = ", ".join(f"{point}={reading}" for point, reading in profile.differences().items())
        print(f"Disputed points answered as: {chosen}", flush=True)
    if args.fixture and not args.no_demo:
        try:
            print(asyncio.run(_seed_demo(app, args.fixture, token)), flush=True)
        except (OSError, FixtureError) as problem:
            print(f"creditbox: cannot load {args.fixture}: {problem}", file=sys.stderr)
            return 2
    if not args.no_demo:
        print(demo_banner(base), flush=True)
    if generated:
        print(f"Control API admin token (generated): {token}", flush=True)
    print(
        "Control API: "
        + ("send Authorization: Bearer <admin token>" if token else "open (loopback, no token)"),
        flush=True,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
