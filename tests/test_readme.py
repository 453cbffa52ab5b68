"""The README's commands, run as a user runs them: verbatim, one by one, from an empty directory,
with creditbox installed the way users install it (``pip install .``, not editable) into a fresh
virtualenv, and nothing of this repository on the path.

Every ``sh`` block of the README with a ``creditbox`` command runs, in the README's order, unless
an HTML comment just before it says ``not run by tests/test_readme.py`` and why. In a block:

- each command (with its ``\\`` continuations) runs on its own with bash in that directory, and
  must exit 0 unless a ``# exit code N`` line follows it;
- each ``# prints: TEXT`` line after a command is a line its output must contain (``…`` stands for
  any text);
- ``creditbox serve`` starts, in the background, the sandbox the later blocks talk to.

A ``yaml`` block whose first line is ``# NAME`` is a file the README asks the user to save: it is
written as NAME in the directory before the blocks after it run.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SANDBOX = "http://127.0.0.1:8000"
NOT_RUN = "not run by tests/test_readme.py"
_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)
_HEADING = re.compile(r"^#+ (.+)$", re.M)


def _heading_before(text: str) -> str:
    """The last Markdown heading in ``text``, fenced code (whose ``#`` lines are comments) left
    out."""
    prose = _FENCE.sub("", text)
    headings = _HEADING.findall(prose)
    return headings[-1] if headings else "top"


@dataclass
class Command:
    text: str
    line: int
    exit_code: int = 0
    prints: list[str] = field(default_factory=list)


@dataclass
class Block:
    lang: str
    body: str
    line: int
    heading: str
    not_run: str = ""

    @functools.cached_property
    def commands(self) -> list[Command]:
        """Its commands, numbered by README line (the body starts on the line after the fence)."""
        return _commands(self.body, self.line + 1)

    @property
    def name(self) -> str:
        return f"line {self.line} ({self.heading})"

    @property
    def saved_as(self) -> str | None:
        first = self.body.splitlines()[0] if self.body else ""
        match = re.fullmatch(r"# ([\w.-]+\.(?:ya?ml|toml|json))", first.strip())
        return match.group(1) if match else None


def _commands(body: str, first_line: int) -> list[Command]:
    commands: list[Command] = []
    pending: list[str] = []
    for number, line in enumerate(body.splitlines(), first_line):
        stripped = line.strip()
        if pending:
            pending.append(line)
            if not line.endswith("\\"):
                commands[-1].text = "\n".join(pending)
                pending = []
            continue
        if stripped.startswith("# prints:"):
            commands[-1].prints.append(stripped.removeprefix("# prints:").strip())
        elif match := re.fullmatch(r"# exit code (\d+)", stripped):
            commands[-1].exit_code = int(match.group(1))
        elif stripped and not stripped.startswith("#"):
            commands.append(Command(line, number))
            if line.endswith("\\"):
                pending = [line]
    return commands


def readme_blocks(text: str) -> list[Block]:
    blocks = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()]
        line = before.count("\n") + 1
        comment = re.search(r"<!--(.*?)-->\s*$", before, re.S)
        not_run = comment.group(1).strip() if comment and NOT_RUN in comment.group(1) else ""
        blocks.append(Block(match.group(1), match.group(2), line, _heading_before(before), not_run))
    return blocks


def _runs(block: Block) -> bool:
    return (
        block.lang == "sh"
        and not block.not_run
        and any(c.text.startswith("creditbox ") for c in block.commands)
    )


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))
RUN = [block for block in BLOCKS if _runs(block)]


def _matches(expected: str, output: str) -> bool:
    pattern = ".*".join(re.escape(part) for part in expected.split("…"))
    return any(re.search(pattern, line) for line in output.splitlines())


@dataclass
class Workplace:
    """The empty directory, the fresh virtualenv's creditbox on PATH, and the served sandboxes
    (the first on port 8000; another on the ``--port`` its command names)."""

    directory: Path
    env: dict[str, str]
    servers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    server_log: Path | None = None

    def run(self, command: Command) -> str:
        if command.text.startswith("creditbox serve"):
            return self._serve(command)
        done = subprocess.run(
            ["bash", "-c", command.text],
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        output = done.stdout + done.stderr
        assert done.returncode == command.exit_code, (
            f"README line {command.line}: `{command.text}` exited {done.returncode}, "
            f"the README says {command.exit_code}:\n{output[-3000:]}"
        )
        return output

    def _serve(self, command: Command) -> str:
        chosen = re.search(r"--port (\d+)", command.text)
        port = int(chosen.group(1)) if chosen else 8000
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                pytest.fail(
                    f"port {port} is taken: the README's commands use it; stop what serves it"
                )
        self.server_log = self.directory.parent / f"serve-{port}.log"
        with self.server_log.open("wb") as log:
            server = subprocess.Popen(
                ["bash", "-c", f"exec {command.text}"],
                cwd=self.directory,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.servers.append(server)
        served = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert server.poll() is None, self.server_log.read_text()
            try:
                if httpx.get(f"{served}/_sandbox/health", timeout=1).status_code == 200:
                    return self.server_log.read_text()
            except httpx.TransportError:
                time.sleep(0.2)
        pytest.fail(f"`{command.text}` did not serve {served} within 60 s")

    def stop(self) -> None:
        for server in self.servers:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()


def _source_tree(into: Path) -> Path:
    """The project's files as a clone has them (tracked, or new and not ignored): no build
    leftovers of this working tree can reach the installed package."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (into / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / name)
    return into


@pytest.fixture(scope="module")
def workplace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workplace]:
    base = tmp_path_factory.mktemp("readme")
    venv = base / "venv"
    python = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    source = _source_tree(base / "source")
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(source)],
        capture_output=True,
        text=True,
        env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    directory = base / "empty"
    directory.mkdir()
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")
        and not name.startswith("CREDITBOX_")
    }
    outside = [p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT))]
    env["PATH"] = os.pathsep.join([str(venv / "bin"), *outside])
    place = Workplace(directory, env)
    try:
        yield place
    finally:
        place.stop()


def test_the_blocks_run_cover_serving_seeding_clock_faults_and_contract_runs() -> None:
    """The blocks this test runs cover serving, seeding, the clock, faults and contract runs both
    in process and over a URL: a README edit that hides one of them from the test fails here."""
    commands = [c.text for block in RUN for c in block.commands]
    for wanted in (
        "creditbox serve",
        "creditbox seed ",
        "creditbox clock ",
        "creditbox faults ",
        "creditbox contracts --api dayzero --in-process",
        "creditbox contracts --api dayzero --base-url",
        "creditbox contracts --api count --base-url",
        "creditbox calibrate --api count --base-url",
    ):
        assert any(c.startswith(wanted) for c in commands), wanted


@pytest.mark.parametrize("block", RUN, ids=[block.name for block in RUN])
def test_readme_block(block: Block, workplace: Workplace) -> None:
    for saved in (b for b in BLOCKS if b.saved_as and b.line < block.line):
        (workplace.directory / str(saved.saved_as)).write_text(saved.body, encoding="utf-8")
    for command in block.commands:
        output = workplace.run(command)
        for expected in command.prints:
            assert _matches(expected, output), (
                f"README line {command.line}: `{command.text}` did not print {expected!r}:\n"
                f"{output[-3000:]}"
            )


def test_readme_reports_land_where_the_readme_says(workplace: Workplace) -> None:
    """After the blocks above: the default report directory and --junit's relative path are
    under the directory the commands ran in, Schemathesis' files included."""
    if not any(c.text.startswith("creditbox contracts") for b in RUN for c in b.commands):
        pytest.fail("no contract run in the README")
    report = workplace.directory / "creditbox-report"
    for name in ("report.md", "report.html", "schemathesis/run.json", "schemathesis/requests.har"):
        assert (report / name).is_file(), name
    assert (workplace.directory / "reports" / "dayzero.xml").is_file()
