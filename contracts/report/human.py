"""The human report: every rule and check with its source, and for each failure the exchanges
that prove it. Written as Markdown (for a PR comment or a wiki) and as one self-contained HTML
page (for a CI artifact)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from contracts.report import OUTCOME_LABELS, RunReport, printable
from contracts.rules import ACCEPTED, FAIL, Verdict

LAYER_TITLES = {
    "rule": "Documented-behaviour rules",
    "invariant": "Invariants (checked on every response)",
    "schema": "Schema conformance",
}


def _evidence(verdict: Verdict) -> list[str]:
    return [exchange.as_text() for exchange in verdict.evidence[-4:]] + verdict.notes


def _cell(text: str) -> str:
    return printable(text).replace("|", "\\|").replace("\n", " ")


POINTS_TITLE = "Disputed points"
POINTS_INTRO = (
    "What the target answered on each point where the vendor's public sources disagree "
    "(docs/disputed-points.md), beside the reading this run expected (--profile; each point's "
    "default otherwise). A target that answers another reading fails that point's checks above; "
    "`creditbox calibrate` writes what it answers as a profile."
)


def _points_markdown(report: RunReport) -> list[str]:
    if not report.points:
        return []
    lines = ["", f"## {POINTS_TITLE}", "", POINTS_INTRO, ""]
    lines += ["| point | expected | answered | note |", "|---|---|---|---|"]
    lines += [
        f"| `{row.point}` | {row.expected} | {_cell(row.answered)} | {_cell(row.note)} |"
        for row in report.point_rows()
    ]
    return lines


def _points_page(report: RunReport) -> list[str]:
    if not report.points:
        return []
    e = html.escape
    parts = [f"<h2>{POINTS_TITLE}</h2><p>{e(POINTS_INTRO)}</p><table>"]
    parts.append("<tr><th>point</th><th>expected</th><th>answered</th><th>note</th></tr>")
    for row in report.point_rows():
        parts.append(
            f"<tr><td><code>{e(row.point)}</code></td><td>{e(row.expected)}</td>"
            f"<td class='{row.outcome}'>{e(printable(row.answered))}</td>"
            f"<td>{e(printable(row.note))}</td></tr>"
        )
    parts.append("</table>")
    return parts


def markdown(report: RunReport) -> str:
    lines = [
        f"# creditbox contracts: {report.api}",
        "",
        f"- **Target:** {report.target}",
        f"- **Verdict:** {'drift found' if report.drifted else 'conforms'}",
        f"- **Counts:** {', '.join(f'{n} {o}' for o, n in sorted(report.counts.items()))}",
        f"- **Writes allowed:** {'yes' if report.allow_writes else 'no (read-only checks only)'}",
        f"- **Started:** {report.started_at}, took {report.seconds:.1f}s",
    ]
    if report.schema_requests:
        lines.append(
            f"- **Schema layer:** {report.schema_requests} requests, "
            f"{report.schema_server_errors} server errors"
        )
    for layer, title in LAYER_TITLES.items():
        chosen = [v for v in report.verdicts if v.layer == layer]
        if not chosen:
            continue
        lines += [
            "",
            f"## {title}",
            "",
            "| result | id | statement | source | note |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| {OUTCOME_LABELS[v.outcome]} | `{v.id}` | {_cell(v.statement)} | {_cell(v.source)} "
            f"| {_cell(v.reason)} |"
            for v in chosen
        ]
    lines += _points_markdown(report)
    problems = [v for v in report.verdicts if v.outcome in (FAIL, ACCEPTED)]
    if problems:
        lines += ["", "## Evidence"]
    for verdict in problems:
        lines += [
            "",
            f"### {OUTCOME_LABELS[verdict.outcome]} `{verdict.id}`",
            "",
            verdict.statement,
        ]
        lines += ["", f"Source: {verdict.source}", "", verdict.reason]
        for text in _evidence(verdict):
            fence = "`" * max(3, 1 + max((len(run) for run in re.findall("`+", text)), default=0))
            lines += ["", fence, printable(text), fence]
    return "\n".join(lines) + "\n"


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem;color:#1c1c1c}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top;font-size:.9rem}
th{background:#f3f3f3} code{font-size:.85rem;white-space:nowrap}
.pass{color:#176b2c;font-weight:600}.fail{color:#b00020;font-weight:700}
.skip{color:#6b6b6b}.accepted{color:#8a5a00;font-weight:600}
pre{background:#f7f7f7;border:1px solid #ddd;padding:.6rem;overflow:auto;font-size:.8rem}
"""


def page(report: RunReport) -> str:
    e = html.escape
    counts = ", ".join(f"{n} {o}" for o, n in sorted(report.counts.items()))
    writes = "yes" if report.allow_writes else "no (read-only checks only)"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>creditbox contracts: {e(report.api)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>creditbox contracts: {e(report.api)}</h1>",
        "<ul>",
        f"<li><b>Target:</b> {e(report.target)}</li>",
        f"<li><b>Verdict:</b> <span class='{'fail' if report.drifted else 'pass'}'>"
        f"{'drift found' if report.drifted else 'conforms'}</span></li>",
        f"<li><b>Counts:</b> {e(counts)}</li>",
        f"<li><b>Writes allowed:</b> {writes}</li>",
        f"<li><b>Started:</b> {e(report.started_at)}, took {report.seconds:.1f}s</li>",
        "</ul>",
    ]
    for layer, title in LAYER_TITLES.items():
        chosen = [v for v in report.verdicts if v.layer == layer]
        if not chosen:
            continue
        parts += [
            f"<h2>{e(title)}</h2><table>",
            "<tr><th>result</th><th>id</th><th>statement</th><th>source</th><th>note</th></tr>",
        ]
        for v in chosen:
            anchor = (
                f"<a href='#{e(v.id)}'>{e(v.id)}</a>" if v.outcome in (FAIL, ACCEPTED) else e(v.id)
            )
            label = OUTCOME_LABELS[v.outcome]
            parts.append(
                f"<tr><td class='{v.outcome}'>{label}</td><td><code>{anchor}</code></td>"
                f"<td>{e(v.statement)}</td><td>{e(v.source)}</td><td>{e(printable(v.reason))}</td></tr>"
            )
        parts.append("</table>")
    parts += _points_page(report)
    problems = [v for v in report.verdicts if v.outcome in (FAIL, ACCEPTED)]
    if problems:
        parts.append("<h2>Evidence</h2>")
    for v in problems:
        parts += [
            f"<h3 id='{e(v.id)}'><span class='{v.outcome}'>{OUTCOME_LABELS[v.outcome]}</span> "
            f"<code>{e(v.id)}</code></h3>",
            f"<p>{e(v.statement)}<br><small>Source: {e(v.source)}</small></p>"
            f"<p>{e(printable(v.reason))}</p>",
        ]
        parts += [f"<pre>{e(printable(text))}</pre>" for text in _evidence(v)]
    parts.append("</body></html>")
    return "\n".join(parts)


def write(report: RunReport, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    md, page_path = directory / "report.md", directory / "report.html"
    md.write_text(markdown(report), encoding="utf-8")
    page_path.write_text(page(report), encoding="utf-8")
    return [md, page_path]
