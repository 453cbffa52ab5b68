"""``creditbox serve``: run the sandbox with uvicorn."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from pathlib import Path
from typing import Any

import httpx

from sandbox.fixtures import FixtureError, read
from sandbox.journal import DEFAULT_SIZE as DEFAULT_JOURNAL_SIZE
from sandbox.planted import ALL_BUGS
from sandbox.tenants import DEMO_TENANT_ID

DEFAULT_DATA_DIR = Path(".data")

log = logging.getLogger("creditbox")


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
    parser.add_argument(  # test-only: deliberate defects, see sandbox/planted.py
        "--planted-bug",
        action="append",
        default=[],
        choices=sorted(ALL_BUGS),
        help=argparse.SUPPRESS,
    )
    parser.add_argument(
        "--fixture",
        metavar="FILE",
        help="load this fixture (YAML) into the demo tenant when it has no data yet (make run "
        "uses fixtures/demo.yaml)",
    )
    parser.add_argument(
        "--journal-size",
        type=int,
        default=DEFAULT_JOURNAL_SIZE,
        help="requests kept per tenant in the request journal (default: %(default)s)",
    )
    parser.add_argument(
        "--no-demo",
        action="store_true",
        help="do not create the demo tenant with its fixed, documented credentials",
    )


async def _seed_demo(app: Any, path: str) -> str:
    """Load the fixture into the demo tenant through the control API, unless it has data."""
    fixture = read(path)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://creditbox.internal") as http:
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
    app = create_app(
        data_dir=data_dir,
        demo=not args.no_demo,
        planted_bugs=args.planted_bug,
        journal_size=args.journal_size,
    )
    # Everything loaded at start (the code, every tenant's data) lives as long as the process.
    # Frozen, Python's cyclic garbage collector stops walking it on each full collection, which
    # otherwise costs time in proportion to the stored data, on whichever request triggers it.
    gc.collect()
    gc.freeze()
    base = f"http://{args.host}:{args.port}"
    print(f"creditbox sandbox on {base}  (storage: {data_dir or 'in memory'})", flush=True)
    if args.fixture and not args.no_demo:
        try:
            print(asyncio.run(_seed_demo(app, args.fixture)), flush=True)
        except (OSError, FixtureError) as problem:
            print(f"creditbox: cannot load {args.fixture}: {problem}", file=sys.stderr)
            return 2
    if not args.no_demo:
        print(demo_banner(base), flush=True)
    if args.planted_bug:
        print(
            f"PLANTED BUGS ON (for testing the harness): {', '.join(args.planted_bug)}", flush=True
        )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
