"""Known drift: deviations a team has accepted on a target, each with a reason and an expiry date.

```yaml
accepted:
  - id: DZ-APPLY-OVER-INVOICE-DUE      # a rule id, an invariant check name, or a Schemathesis code
    target: https://dz-test.example/dayzero   # optional: the --target-name/--base-url it applies to
    reason: The test environment lets credit exceed the amount due (ticket FIN-123)
    expires: 2027-03-31
```

A failure that a current entry names is reported as *accepted* and does not fail the run. Once the
entry has expired the failure counts again, and the report says the acceptance ran out.

Every run writes ``baseline.suggested.yaml`` beside its report: an entry per failure, its reason
a placeholder and its expiry 90 days out, to review and copy into the baseline.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from contracts.config import UsageError
from contracts.rules import ACCEPTED, FAIL, Verdict


@dataclass(frozen=True)
class Acceptance:
    id: str
    reason: str
    expires: dt.date
    target: str | None = None

    def covers(self, verdict_id: str, target: str) -> bool:
        return self.id == verdict_id and self.target in (None, "*", target)


def load(path: Path) -> list[Acceptance]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise UsageError(f"baseline {path}: {error}") from None
    entries = data.get("accepted") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise UsageError(f"baseline {path}: expected a list under 'accepted'")
    accepted = []
    for number, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not {"id", "reason", "expires"} <= entry.keys():
            raise UsageError(f"baseline {path}: entry {number} needs id, reason and expires")
        expires = entry["expires"]
        if isinstance(expires, dt.datetime):
            expires = expires.date()
        if isinstance(expires, str):
            try:
                expires = dt.date.fromisoformat(expires)
            except ValueError:
                raise UsageError(f"baseline {path}: entry {number}: bad date {expires!r}") from None
        if not isinstance(expires, dt.date):
            raise UsageError(f"baseline {path}: entry {number}: expires must be a date")
        accepted.append(
            Acceptance(str(entry["id"]), str(entry["reason"]), expires, entry.get("target"))
        )
    return accepted


def apply(
    verdicts: Iterable[Verdict], accepted: list[Acceptance], target: str, today: dt.date
) -> None:
    """Turn failures covered by a current entry into ``accepted``; note expired ones."""
    for verdict in verdicts:
        if verdict.outcome != FAIL:
            continue
        entry = next((a for a in accepted if a.covers(verdict.id, target)), None)
        if entry is None:
            continue
        if entry.expires >= today:
            verdict.outcome = ACCEPTED
            verdict.reason = f"accepted until {entry.expires}: {entry.reason} — {verdict.reason}"
        else:
            verdict.reason = f"baseline acceptance expired on {entry.expires} — {verdict.reason}"


SUGGESTED = "baseline.suggested.yaml"
SUGGESTED_DAYS = 90
REASON_PLACEHOLDER = "TO REVIEW: why this deviation is accepted, and where it is tracked"


def suggested(verdicts: Iterable[Verdict], target: str, today: dt.date) -> str:
    """A baseline with an entry per failure of ``verdicts`` (on ``target``), each with what it
    found as a comment above it, a placeholder reason, and an expiry ``SUGGESTED_DAYS`` out."""
    failed = [verdict for verdict in verdicts if verdict.outcome == FAIL]
    expires = today + dt.timedelta(days=SUGGESTED_DAYS)
    lines = [
        f"# creditbox contracts, {today}: the failures on {target} as baseline entries.",
        "# Review each: replace the reason with why the deviation is accepted (a ticket), then",
        "# copy the entries you accept into the baseline file (--baseline).",
    ]
    if not failed:
        return "\n".join([*lines, "# This run found no failure.", "accepted: []", ""])
    lines.append("accepted:")
    for verdict in failed:
        # a comment of JSON's escapes: a target's control characters would make it no YAML
        found = json.dumps(" ".join((verdict.reason or verdict.statement).split())[:200])[1:-1]
        lines += [
            f"  # {found}",
            f"  - id: {json.dumps(verdict.id)}",
            f"    target: {json.dumps(target)}",
            f"    reason: {json.dumps(REASON_PLACEHOLDER)}",
            f"    expires: {expires.isoformat()}",
        ]
    return "\n".join(lines) + "\n"


def write_suggested(verdicts: Iterable[Verdict], target: str, directory: Path) -> Path:
    """:func:`suggested` for today, written as ``SUGGESTED`` into ``directory``."""
    path = directory / SUGGESTED
    path.write_text(suggested(verdicts, target, dt.date.today()), encoding="utf-8")
    return path
