"""Write ``docs/reliability.md`` from the figures a reliability run recorded.

``make soak`` runs the reliability tests with their long settings and ``CREDITBOX_FIGURES``
set, then ``python -m tests.support.reliability_report FIGURES OUT``. Each section says what its
test does; its figures are what that run measured (see ``tests/support/figures.py``).
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.figures import totals


@dataclass(frozen=True)
class Area:
    key: str
    title: str
    tests: str
    what: str
    figures: dict[str, str]  # recorded name → what it counts
    shares: dict[str, str] = field(default_factory=dict)  # a figure → the one it is a share of


AREAS = (
    Area(
        "fuzzing",
        "Fuzzing",
        "tests/contracts/test_fuzzing.py",
        "Schemathesis runs every phase (examples, coverage, fuzzing, stateful) over each of the "
        "four APIs with positive and negative data, every built-in check and every invariant of "
        "ours, against a freshly served sandbox with writes allowed. A request unanswered for "
        "10 s fails the run, so a hang cannot pass. Kojo's GraphQL is fuzzed with valid queries "
        "only (Schemathesis generates no negative GraphQL); malformed ones are under hostile "
        "input. `make test`: 25 examples per operation, at least 2,000 requests; `make soak`: "
        "100 examples, at least 10,000.",
        {"requests": "requests fuzzed", "server_errors": "5xx responses seen"},
    ),
    Area(
        "false_alarms",
        "No false alarms",
        "tests/contracts/test_false_alarms.py",
        "The default `creditbox contracts` run of each of the four vendors, with writes "
        "allowed, against a faithful sandbox, in process and over a URL to a served one, under "
        "different Schemathesis seeds. Every run must exit 0. `make test`: 2 runs per vendor; "
        "`make soak`: 20 per vendor (seeds 1 to 20, alternating the two ways).",
        {"runs": "contract runs against a faithful sandbox", "false_alarms": "false alarms"},
    ),
    Area(
        "proxy_drifts",
        "Drift caught from outside",
        "tests/contracts/test_drifting_deployment.py",
        "A reverse proxy in front of a faithful sandbox rewrites its answers, one drift at a "
        "time: for each behaviour row of `docs/traceability.md`, a way a deployment could break "
        "it (a balance off by a minor unit, a refusal turned into a success, an error body in "
        "another shape, a duplicated page, a derived field that disagrees with the amounts, an "
        "argument ignored; and, made from the page, each response field in a type the spec does "
        "not allow). The harness, pointed at the proxy over `--base-url`, must exit 1 and name "
        "the rule, invariant or Schemathesis check the row names, not because a check crashed; "
        "with no drift, it must exit 0. `make test` runs one drift per check and one made from "
        "the page per type; `make soak` runs every drift, each with the layers it names (the "
        "rules layer for most, whose exchanges the invariants and the spec judge too).",
        {
            "drifts": "drifts planted",
            "caught": "drifts reported by the named check",
            **{
                f"{vendor}_{name}": f"{vendor}: {label}"
                for vendor in ("dayzero", "count", "solvimon", "kojo")
                for name, label in (("drifts", "drifts planted"), ("caught", "caught"))
            },
            "faithful_runs": "runs through the proxy with no drift",
            "false_alarms": "false alarms through the proxy",
        },
        shares={
            "caught": "drifts",
            **{f"{v}_caught": f"{v}_drifts" for v in ("dayzero", "count", "solvimon", "kojo")},
        },
    ),
    Area(
        "concurrency",
        "Concurrency",
        "tests/sandbox/test_concurrency.py",
        "64 clients at once apply one DayZero memo, apply one COUNT memo through both apply "
        "routes, and credit one Solvimon invoice line. Exactly as many succeed as the amount "
        "allows, every other answer is the vendor's 400, and balances agree on both sides, also "
        "after a restart.",
        {"concurrent_requests": "concurrent requests", "server_errors": "5xx responses seen"},
    ),
    Area(
        "crash_safety",
        "Crash safety",
        "tests/sandbox/test_crash_safety.py",
        "Four writers create, issue and apply DayZero memos while the server is killed with "
        "SIGKILL at a random moment, then restarted on the same data directory. After each "
        "restart the files load, every write that got a 2xx is there, and the invoice's credited "
        "amount equals the sum of the applications (no apply half done). `make test`: 3 kills; "
        "`make soak`: 50.",
        {
            "kills": "kills survived",
            "acknowledged_writes_checked": "acknowledged writes checked (summed over restarts)",
        },
    ),
    Area(
        "tenant_isolation",
        "Tenant isolation",
        "tests/sandbox/test_tenant_isolation.py",
        "Every id-bearing route of DayZero, COUNT and Solvimon, and Kojo's queries by id, is "
        "called with another tenant's credentials and the demo tenant's ids in paths and bodies: "
        "never a 2xx, never a 5xx, never an id of the demo tenant the caller did not send.",
        {"cross_tenant_attempts": "cross-tenant attempts"},
    ),
    Area(
        "auth",
        "Authentication",
        "tests/sandbox/test_auth_refusals.py",
        "Missing, wrong and stale credentials per vendor (COUNT: bad signature, other "
        "workspace, timestamp outside the window, body changed after signing; Solvimon: missing "
        "permission, wrong platform; DayZero: another business; Kojo: expired or forged token) "
        "get the vendor's documented status and body, and a refused write stores nothing.",
        {"refusals_checked": "refusals checked"},
    ),
    Area(
        "hostile_input",
        "Hostile input",
        "tests/sandbox/hostile/, tests/sandbox/test_body_limits.py",
        "Bodies that are not UTF-8, JSON nested 1,000 and 100,000 deep, 5,000-digit numbers, "
        "very long strings and ids, bad bytes in headers and query strings, path-traversal and "
        "absurd upload names, GraphQL past the depth and answer-size limits, wrong content types, "
        "bodies over the size limit (413) and bodies sent too slowly (408): each gets a 4xx, "
        "the server keeps serving, and the stored data is byte for byte unchanged.",
        {"requests": "hostile requests sent"},
    ),
    Area(
        "control_api",
        "Control API guard",
        "tests/sandbox/test_control_access.py",
        "With an admin token (always off loopback), every control operation refuses a missing "
        "or wrong token and every vendor credential sent in its place.",
        {"refused_requests": "unauthorised control requests refused"},
    ),
    Area(
        "disk_faults",
        "Full or read-only disk",
        "tests/sandbox/test_disk_faults.py",
        "A data directory that is read-only or full stops `creditbox serve` with a clear error. "
        "A disk that fills while serving turns writes into the vendor's 503; nothing of them is "
        "kept in memory or on disk, and the same writes succeed once there is room.",
        {"refused_writes": "writes refused by a full disk"},
    ),
)


def render(figures: dict[str, dict[str, int]], generated: str) -> str:
    lines = [
        "# Reliability",
        "",
        "What the reliability tests prove and what the last `make soak` measured. `make test` "
        "runs the same tests with smaller numbers; `make soak` runs them long and writes this "
        "page.",
        "",
        f"Generated on {generated}.",
        "",
        "| area | figure | last run |",
        "|---|---|---:|",
    ]
    for area in AREAS:
        measured = figures.get(area.key, {})
        for name, label in area.figures.items():
            lines.append(f"| {area.title} | {label} | {_figure(measured, name, area)} |")
    for area in AREAS:
        lines += ["", f"## {area.title}", "", f"`{area.tests}`", "", area.what]
    return "\n".join(lines) + "\n"


def _figure(measured: dict[str, int], name: str, area: Area) -> str:
    """A count, and for a share of another count, what share it is."""
    value = measured.get(name, 0)
    whole = measured.get(area.shares[name], 0) if name in area.shares else None
    if whole is None:
        return f"{value:,}"
    share = f"{100 * value / whole:.0f} %" if whole else "n/a"
    return f"{value:,} of {whole:,} ({share})"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m tests.support.reliability_report FIGURES OUT", file=sys.stderr)
        return 2
    source, target = Path(argv[0]), Path(argv[1])
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    target.write_text(render(totals(source), generated), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
