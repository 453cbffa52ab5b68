"""What a contract run found, and the ways it is reported: terminal, JUnit, Markdown, HTML."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

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
