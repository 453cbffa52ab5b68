"""The servers under load, each a process of its own on a free port."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import tools
from sandbox.embedded import free_port

BIN = Path(sys.executable).parent


@dataclass
class Server:
    name: str
    base_url: str
    process: subprocess.Popen[bytes]
    seconds_to_ready: float

    def rss_mb(self) -> float:
        """Resident memory of the server process, in MB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.02)
    raise TimeoutError(f"{url} did not answer in {timeout} s")


@contextlib.contextmanager
def serving(name: str, command: Sequence[str], ready_path: str, port: int) -> Iterator[Server]:
    started = time.monotonic()
    process = subprocess.Popen(
        list(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tools.ROOT
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait(base_url + ready_path, process, timeout=600)
        yield Server(name, base_url, process, time.monotonic() - started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def sandbox(data_dir: Path) -> contextlib.AbstractContextManager[Server]:
    """``creditbox serve`` as it runs by default: one process, the persistent store."""
    port = free_port()
    command = [str(BIN / "creditbox"), "serve", "--port", str(port), "--data-dir", str(data_dir)]
    return serving("sandbox", [*command, "--no-demo"], "/_sandbox/health", port)


def prism(spec: Path) -> contextlib.AbstractContextManager[Server]:
    """Prism's mock of one spec (answers from the spec's examples)."""
    port = free_port()
    command = [str(tools.prism()), "mock", str(spec), "--port", str(port), "--host", "127.0.0.1"]
    return serving(f"prism {spec.name}", command, "/", port)


def ceiling() -> contextlib.AbstractContextManager[Server]:
    port = free_port()
    command = [
        str(BIN / "uvicorn"),
        "bench.ceiling:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    return serving("starlette", command, "/", port)
