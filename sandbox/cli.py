"""``creditbox serve``: run the sandbox with uvicorn."""

from __future__ import annotations

import argparse
import logging
import warnings
from pathlib import Path

from sandbox.planted import ALL_BUGS

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
        "--no-demo",
        action="store_true",
        help="do not create the demo tenant with its fixed, documented credentials",
    )


def serve(args: argparse.Namespace) -> int:
    # Connexion imports Starlette's test client, which warns about its httpx dependency; the
    # server never uses it, so the warning would only confuse the start-up banner.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    import uvicorn

    from sandbox.app import create_app, demo_banner

    data_dir = None if args.in_memory else args.data_dir
    app = create_app(data_dir=data_dir, demo=not args.no_demo, planted_bugs=args.planted_bug)
    base = f"http://{args.host}:{args.port}"
    print(f"creditbox sandbox on {base}  (storage: {data_dir or 'in memory'})", flush=True)
    if not args.no_demo:
        print(demo_banner(base), flush=True)
    if args.planted_bug:
        print(
            f"PLANTED BUGS ON (for testing the harness): {', '.join(args.planted_bug)}", flush=True
        )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
