"""``creditbox``: the one command line. ``serve`` runs the sandbox; ``seed``, ``clock`` and
``faults`` operate a running one; ``contracts`` checks a target; ``calibrate`` finds which
readings of the disputed points a target speaks.

Each subcommand belongs to one half (``serve`` to ``sandbox.cli``, the operator commands to
``sandbox.ops_cli``, ``contracts`` to ``contracts.runner``, ``calibrate`` to
``contracts.calibrate_command``); this module only assembles them,
outside both halves, so neither half depends on the other to offer its commands."""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Callable, Sequence

# Each command's summary, description and where its arguments come from (module, function):
# a command's module is imported only when that command is run (or asked for --help), so that
# `creditbox contracts` does not load the sandbox, nor `creditbox serve` the harness.
COMMANDS: dict[str, tuple[str, str, tuple[str, str]]] = {
    "serve": (
        "run the sandbox",
        "Serve every vendor API under /<vendor> and the control API under /_sandbox.",
        ("sandbox.cli", "add_serve_arguments"),
    ),
    "contracts": (
        "check a deployment against its vendor's documented contract",
        "Check a target (a running sandbox, a real deployment, or a sandbox started in this "
        "process) against the vendor's documented contract: documented-behaviour rules, "
        "invariants on every response, and schema conformance (Schemathesis). Read-only "
        "unless --allow-writes. Exit codes: 0 conforms, 1 drift found, 2 usage or "
        "connection error.",
        ("contracts.runner", "add_contract_arguments"),
    ),
    "calibrate": (
        "find which reading of each disputed point a deployment speaks; write a profile",
        "Ask a target (a real deployment, a running sandbox, or a sandbox started in this "
        "process) which reading of each disputed point of its vendor it speaks "
        "(docs/disputed-points.md), and write what it answered as a profile file for "
        "`creditbox serve --profile` and `creditbox contracts --profile`. Read-only unless "
        "--allow-writes. Exit codes: 0 the probes ran, 2 usage or connection error.",
        ("contracts.calibrate_command", "add_calibrate_arguments"),
    ),
    "seed": (
        "load a fixture (YAML) into a tenant of a running sandbox (created if it is new)",
        "",
        ("sandbox.ops_cli", "add_seed_arguments"),
    ),
    "clock": (
        "show or advance a tenant's test clock",
        "",
        ("sandbox.ops_cli", "add_clock_arguments"),
    ),
    "faults": ("set or clear a tenant's faults", "", ("sandbox.ops_cli", "add_faults_arguments")),
}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; only the command ``argv`` names gets its arguments (every command when
    ``argv`` is None), and only its module is imported."""
    parser = argparse.ArgumentParser(
        prog="creditbox",
        description="A local, stateful sandbox of credit-memo APIs, and contract checks for them.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    named = [word for word in (argv or []) if word in COMMANDS][:1]
    for name, (summary, description, (module, adder)) in COMMANDS.items():
        command = commands.add_parser(name, help=summary, description=description or summary)
        if argv is None or name in named:
            # imported here, after main's warning filter: Connexion warns as it is imported
            getattr(importlib.import_module(module), adder)(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Connexion imports Starlette's test client, which warns about its httpx dependency; no
    # command uses that client, so the warning would only confuse what the commands print.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(arguments).parse_args(arguments)
    if args.command == "serve":
        from sandbox.cli import serve

        return serve(args)
    if args.command in ("seed", "clock", "faults"):
        from sandbox import ops_cli

        command: Callable[[argparse.Namespace], int] = getattr(ops_cli, args.command)
        return command(args)
    if args.command == "calibrate":
        from contracts.calibrate_command import run_calibrate

        return run_calibrate(args)
    from contracts.runner import run_contracts

    return run_contracts(args)


if __name__ == "__main__":
    sys.exit(main())
