"""The load generator and the mock the benchmark compares against, installed on first use.

wrk comes from Debian's packages (``apt-get``), Prism from npm into ``.bench/prism`` in the
repository (never globally). Both are looked for first, so a second run installs nothing.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRISM_DIR = ROOT / ".bench" / "prism"
PRISM = PRISM_DIR / "node_modules" / ".bin" / "prism"
PRISM_PACKAGE = "@stoplight/prism-cli@5"


class ToolMissing(RuntimeError):
    pass


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise ToolMissing(f"{what} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if not shutil.which("apt-get"):
        raise ToolMissing("wrk is missing and apt-get is not available: install wrk")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("installing wrk (apt-get)...", flush=True)
    _run([*sudo, "apt-get", "update", "-qq"], "apt-get update")
    _run([*sudo, "apt-get", "install", "-y", "-qq", "wrk"], "apt-get install wrk")
    found = shutil.which("wrk")
    if not found:
        raise ToolMissing("apt-get installed wrk but it is not on PATH")
    return found


def prism() -> Path:
    if PRISM.exists():
        return PRISM
    if not shutil.which("npm"):
        raise ToolMissing("npm is missing: install Node.js to compare with Prism")
    print(f"installing {PRISM_PACKAGE} into {PRISM_DIR} (npm)...", flush=True)
    PRISM_DIR.mkdir(parents=True, exist_ok=True)
    _run(
        [
            "npm",
            "install",
            "--prefix",
            str(PRISM_DIR),
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            PRISM_PACKAGE,
        ],
        "npm install prism",
    )
    return PRISM


def prism_version() -> str:
    done = subprocess.run([str(prism()), "--version"], capture_output=True, text=True)
    return done.stdout.strip() or "?"


def machine() -> str:
    """One line about the machine the figures come from."""
    cpus = os.cpu_count()
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{memory_kb / 1024 / 1024:.0f} GiB"
    except OSError:
        memory = "?"
    system = f"{platform.system()} {platform.release()}"
    return f"{cpus} cores ({model}), {memory} RAM, {system}, Python {platform.python_version()}"
