"""Figures the reliability tests report, for ``docs/reliability.md``.

A test calls :func:`record` with what it did (requests fuzzed, kills survived, …). Nothing is
written unless ``CREDITBOX_FIGURES`` names a file: ``make soak`` sets it, then
``python -m tests.support.reliability_report`` turns the file into the document. Figures are
appended as JSON lines, so tests in one run add up and a run that stops half-way still leaves
what it measured.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

FIGURES_ENV = "CREDITBOX_FIGURES"


def record(area: str, **figures: int) -> None:
    """Add ``figures`` (counts) to ``area``: one of the sections of the reliability document."""
    path = os.environ.get(FIGURES_ENV)
    if not path:
        return
    with Path(path).open("a", encoding="utf-8") as out:
        out.write(json.dumps({"area": area, **figures}) + "\n")


def totals(path: Path) -> dict[str, dict[str, int]]:
    """Every area's figures, summed over the lines of ``path``."""
    summed: dict[str, dict[str, int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        area = summed.setdefault(entry.pop("area"), {})
        for name, value in entry.items():
            area[name] = area.get(name, 0) + int(value)
    return summed
