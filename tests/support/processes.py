"""Start ``creditbox`` as a real process, exactly as a user or CI job would."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

import httpx

from sandbox.embedded import free_port as free_port  # the tests take it from here too

CREDITBOX = str(Path(sys.executable).parent / "creditbox")


def run_cli(
    args: Sequence[str], timeout: float = 300, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``creditbox ARGS`` as a user runs it, its output captured; ``env``: variables to add."""
    return subprocess.run(
        [CREDITBOX, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
    )


def wait_until_healthy(
    base_url: str, process: subprocess.Popen[bytes], timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"creditbox serve exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/_sandbox/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{base_url} did not become healthy in {timeout}s")


@contextlib.contextmanager
def serving(
    args: Sequence[str] = ("--in-memory",),
    command: Sequence[str] = (CREDITBOX, "serve"),
    env: Mapping[str, str] | None = None,
    output: IO[bytes] | None = None,
) -> Iterator[str]:
    """Run ``creditbox serve`` (or another server command) on a free port; yield its base URL.
    ``env``: variables to add to the server's environment. ``output``: a file for what the
    server prints, for a server that may print much (a pipe nobody reads would stall it)."""
    port = free_port()
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port), *args],
        stdout=output or subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, process)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
