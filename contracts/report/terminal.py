"""The live terminal view: one line per rule as it finishes, then the counts."""

from __future__ import annotations

import sys
from typing import TextIO

from contracts.report import OUTCOME_LABELS, PointRow, RunReport, printable
from contracts.rules import Verdict


class Terminal:
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream
        self.done = 0
        self.total = 0

    def expect(self, count: int) -> None:
        """Announce how many verdicts are coming, for the ``[n/total]`` progress prefix."""
        self.done, self.total = 0, count

    def line(self, text: str) -> None:
        print(text, file=self.stream or sys.stdout, flush=True)

    def verdict(self, verdict: Verdict) -> None:
        self.done += 1
        label = OUTCOME_LABELS[verdict.outcome]
        timing = f"{verdict.seconds * 1000:6.0f} ms" if verdict.layer == "rule" else "         "
        width = len(str(self.total))
        progress = f"[{self.done:>{width}}/{self.total}] " if self.done <= self.total else ""
        text = f"  {progress}{label:<8} {verdict.id:<52} {timing}"
        if verdict.reason:
            text += f"  {printable(verdict.reason.replace(chr(10), ' '))[:160]}"
        self.line(text)

    def point(self, row: PointRow) -> None:
        """One disputed point: the reading expected, and what the target answered."""
        text = f"  {row.point:<36} expected {row.expected}, answered {row.answered}"
        if row.note:
            text += f": {printable(row.note.replace(chr(10), ' '))[:140]}"
        self.line(text)

    def finish(self, report: RunReport, written: list[str]) -> None:
        self.line("")
        self.line(f"creditbox contracts: {report.summary()}")
        if report.schema_requests:
            self.line(
                f"  schema layer: {report.schema_requests} requests, "
                f"{report.schema_server_errors} server errors (5xx)"
            )
        for path in written:
            self.line(f"  report: {path}")
