"""Where the sandbox's time goes under each operation's load: py-spy's samples, by part.

A target that is missed needs the profile that says why. So each operation's load runs once more
on the sandbox while ``py-spy record --gil`` samples the thread that holds the GIL: the server
runs Python one thread at a time, so that thread is where its throughput goes. Each sample is
counted under the part of the request's path its innermost Python frame belongs to
(:data:`PARTS`, the first whose pattern the frame's file matches), and the share of the time
some thread held the GIL at all says how busy the server's one core of Python was.

py-spy is a development dependency; where it is missing or may not attach to the server (it
needs ptrace), the report says so and the rest of the benchmark stands.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from bench import load
from bench.load import Request

RATE = 200  # samples a second
# (part, patterns of the innermost frame's file), in the order they are tried
PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("store", ("/sandbox/store/", "/tinydb/")),
    ("vendor code", ("/sandbox/vendors/",)),
    ("JSON", ("/sandbox/json_encoding.py", "/json/", "orjson")),
    ("validation", ("/sandbox/validation.py", "/jsonschema", "jsonschema_rs")),
    ("sandbox layers", ("/sandbox/", "/specs/")),
    ("Connexion", ("/connexion/",)),
    ("Starlette", ("/starlette/",)),
    ("HTTP server", ("/uvicorn/", "/httptools/", "/asyncio/", "selectors.py", "/uvloop/")),
    ("threads", ("/anyio/", "threading.py", "/concurrent/", "queue.py")),
)
OTHER = "other"
COLUMNS = (*(part for part, _ in PARTS), OTHER)


@dataclass(frozen=True)
class Profile:
    """One operation's samples: the share of each part, and how busy the GIL was."""

    shares: Mapping[str, float]  # part → fraction of the samples
    samples: int
    gil_busy: float  # fraction of the sampled time some thread held the GIL


def part_of(frame: str) -> str:
    """The part a frame (py-spy's ``function (file:line)``) belongs to. py-spy shortens a file
    below ``site-packages`` or the working directory to its package's path (``connexion/…``)."""
    where = "/" + frame.rsplit("(", 1)[-1]
    for part, patterns in PARTS:
        if any(pattern in where for pattern in patterns):
            return part
    return OTHER


def parse(raw: str, seconds: float, rate: int = RATE) -> Profile:
    """py-spy's raw output (``frame;frame;…;innermost count`` per line) → a :class:`Profile`."""
    counts: Counter[str] = Counter()
    for line in raw.splitlines():
        stack, _, count = line.rstrip().rpartition(" ")
        if not stack or not count.isdigit():
            continue
        innermost = stack.split(";")[-1]
        counts[part_of(innermost)] += int(count)
    total = sum(counts.values())
    shares = {part: counts[part] / total if total else 0.0 for part in COLUMNS}
    expected = seconds * rate
    return Profile(shares, total, min(1.0, total / expected) if expected else 0.0)


def py_spy() -> str | None:
    found = Path(sys.executable).parent / "py-spy"
    return str(found) if found.exists() else shutil.which("py-spy")


class ProfilingUnavailable(RuntimeError):
    pass


def record(pid: int, request: Request, seconds: float) -> Profile:
    """Load the sandbox (process ``pid``) with ``request`` for ``seconds`` while py-spy samples
    it; raises :class:`ProfilingUnavailable` if py-spy cannot."""
    spy = py_spy()
    if spy is None:
        raise ProfilingUnavailable("py-spy is not installed (pip install py-spy)")
    with tempfile.TemporaryDirectory(prefix="creditbox-profile-") as tmp:
        output = Path(tmp) / "samples.txt"
        command = [
            spy,
            "record",
            "--pid",
            str(pid),
            "--gil",
            "--nonblocking",
            "--format",
            "raw",
            "--rate",
            str(RATE),
            "--duration",
            str(max(1, round(seconds))),
            "--output",
            str(output),
        ]
        sampler = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        # the load outlasts the sampling on both sides
        loading = threading.Thread(target=load.run, args=(request, seconds + 2))
        loading.start()
        said, _ = sampler.communicate(timeout=seconds + 60)
        loading.join()
        if sampler.returncode != 0 or not output.exists():
            reason = said.decode(errors="replace").strip().splitlines()
            raise ProfilingUnavailable(reason[-1] if reason else "py-spy failed")
        return parse(output.read_text(encoding="utf-8"), max(1, round(seconds)))


def run(pid: int, requests: Mapping[str, Request], seconds: float) -> dict[str, Profile] | str:
    """A profile per operation, or why there is none."""
    profiles = {}
    for operation, request in requests.items():
        print(f"  profile: {operation}", flush=True)
        try:
            profiles[operation] = record(pid, request, seconds)
        except ProfilingUnavailable as problem:
            return str(problem)
    return profiles
