"""What a contract run found, and the ways it is reported: terminal, JUnit, Markdown, HTML."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple

from contracts.calibration import SEEN, Finding
from contracts.rules import ACCEPTED, FAIL, PASS, SKIP, Verdict

OUTCOME_LABELS = {PASS: "PASS", FAIL: "FAIL", SKIP: "SKIP", ACCEPTED: "ACCEPTED"}

_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def printable(text: str) -> str:
    """Text from a target, safe for a terminal and for XML: control characters become ``?``."""
    return _UNPRINTABLE.sub("?", text)


@dataclass
class RunReport:
    api: str
    target: str
    allow_writes: bool
    started_at: str
    seconds: float = 0.0
    verdicts: list[Verdict] = field(default_factory=list)
    schema_requests: int = 0
    schema_server_errors: int = 0
    # what the target answered on each disputed point, and the readings the run expected
    points: list[Finding] = field(default_factory=list)
    expected: dict[str, str] = field(default_factory=dict)

    def point_rows(self) -> list[PointRow]:
        """Each disputed point: what the run expected, and what the target answered."""
        return [point_row(found, self.expected.get(found.point, "")) for found in self.points]

    @property
    def counts(self) -> Counter[str]:
        return Counter(verdict.outcome for verdict in self.verdicts)

    @property
    def drifted(self) -> bool:
        return any(verdict.failed for verdict in self.verdicts)

    def summary(self) -> str:
        counts = self.counts
        parts = [f"{counts[outcome]} {outcome}" for outcome in (PASS, FAIL, ACCEPTED, SKIP)]
        verdict = "DRIFT FOUND" if self.drifted else "conforms"
        return f"{self.api} on {self.target}: {verdict} ({', '.join(parts)}) in {self.seconds:.1f}s"


def point_row(found: Finding, expected: str) -> PointRow:
    """What ``found`` shows beside the ``expected`` reading."""
    if found.state != SEEN:
        return PointRow(found.point, expected, found.state, found.why, SKIP)
    if found.reading == expected:
        return PointRow(found.point, expected, expected, "", PASS)
    differs = "DIFFERS from the reading expected"
    return PointRow(found.point, expected, found.reading or "", differs, FAIL)


class PointRow(NamedTuple):
    """One disputed point in a report: the reading expected; the one the target answered (or
    ``unknown``/``flaky`` and why); PASS when they agree, FAIL when not, SKIP when unseen."""

    point: str
    expected: str
    answered: str
    note: str
    outcome: str
