"""JUnit XML for CI: one test suite per layer (rules, invariants, schema), one case per verdict."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from contracts.report import RunReport, printable
from contracts.rules import ACCEPTED, FAIL, SKIP, Verdict

SUITES = (("rule", "rules"), ("invariant", "invariants"), ("schema", "schema"))


def _case(suite: ET.Element, verdict: Verdict, api: str) -> None:
    """One test case; everything from the target goes through :func:`printable` (valid XML)."""
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"creditbox.{api}.{verdict.layer}",
        name=verdict.id,
        time=f"{verdict.seconds:.3f}",
    )
    properties = ET.SubElement(case, "properties")
    ET.SubElement(properties, "property", name="statement", value=verdict.statement)
    ET.SubElement(properties, "property", name="source", value=verdict.source)
    reason = printable(verdict.reason)
    evidence = printable("\n\n".join([e.as_text() for e in verdict.evidence[-3:]] + verdict.notes))
    if verdict.outcome == FAIL:
        failure = ET.SubElement(case, "failure", message=reason[:500], type="drift")
        failure.text = f"{verdict.statement}\nSource: {verdict.source}\n\n{reason}\n\n{evidence}"
    elif verdict.outcome == SKIP:
        ET.SubElement(case, "skipped", message=reason)
    elif verdict.outcome == ACCEPTED:
        ET.SubElement(case, "system-out").text = reason


def write(report: RunReport, path: Path) -> Path:
    root = ET.Element("testsuites", name=f"creditbox contracts: {report.api}")
    for layer, title in SUITES:
        chosen = [v for v in report.verdicts if v.layer == layer]
        suite = ET.SubElement(
            root,
            "testsuite",
            name=f"{report.api} {title}",
            tests=str(len(chosen)),
            failures=str(sum(v.outcome == FAIL for v in chosen)),
            skipped=str(sum(v.outcome == SKIP for v in chosen)),
            errors="0",
            time=f"{sum(v.seconds for v in chosen):.3f}",
            timestamp=report.started_at,
        )
        for verdict in chosen:
            _case(suite, verdict, report.api)
    path.parent.mkdir(parents=True, exist_ok=True)
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path
