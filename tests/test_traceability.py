"""docs/traceability.md names the tests and the contract checks that cover each statement: every
file, test, rule and invariant it names exists, so a renamed or deleted test or check cannot leave
a statement claiming coverage it lost; every row that states a behaviour of the API names a
check that fails when that behaviour breaks (a row that states none says so: "not a behaviour:"
and why; a row of a route or field the sandbox does not serve yet says "not built yet:"); and a
drift of the drifting proxy breaks each such row's behaviour, reported by the check the row names
(``tests/contracts/test_drifting_deployment.py`` proves each one reported)."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from contracts.rules import CATALOGUE
from contracts.vendors import ADAPTERS
from tests.contracts.drifts import DRIFTS, PENDING_ROWS
from tests.support.traceability import NOT_A_BEHAVIOUR, NOT_BUILT, named_checks, rows, verdict_ids

ROOT = Path(__file__).resolve().parents[1]
# a test file, then ``::test_name`` (a parameter id in brackets allowed) for as long as the cell
# names tests of that file
REFERENCE = re.compile(r"(tests/[\w/]+\.py)|::(test_\w+)")


def named_tests(text: str) -> list[tuple[str, str | None]]:
    """(file, test or None) for every reference, each test paired with the file named before it
    on its line."""
    found: list[tuple[str, str | None]] = []
    for line in text.splitlines():
        current = None
        for match in REFERENCE.finditer(line):
            if match.group(1):
                current = match.group(1)
                found.append((current, None))
            elif current is not None:
                found.append((current, match.group(2)))
    return found


def test_every_test_the_traceability_page_names_exists() -> None:
    references = named_tests((ROOT / "docs" / "traceability.md").read_text(encoding="utf-8"))
    assert len(references) > 100
    missing = []
    for file, test in references:
        path = ROOT / file
        if not path.is_file():
            missing.append(file)
        elif test is not None and f"def {test}(" not in path.read_text(encoding="utf-8"):
            missing.append(f"{file}::{test}")
    assert not missing, sorted(set(missing))


def test_a_renamed_test_is_reported() -> None:
    text = "| X | … | tests/test_traceability.py::test_that_does_not_exist |"
    assert named_tests(text) == [
        ("tests/test_traceability.py", None),
        ("tests/test_traceability.py", "test_that_does_not_exist"),
    ]


def contract_cells(text: str) -> list[tuple[str, str]]:
    """(row id, contract rule cell) of every table row whose header has a "contract rule"
    column."""
    return [(row.id, row.contract) for row in rows(text)]


def behaviour_rows(text: str) -> dict[str, str]:
    """Each row that states a behaviour (every row but those marked "not a behaviour:"), with its
    contract rule cell."""
    return {row.id: row.contract for row in rows(text) if row.is_behaviour}


def test_every_behaviour_row_names_a_check_and_every_other_row_says_why() -> None:
    text = (ROOT / "docs" / "traceability.md").read_text(encoding="utf-8")
    cells = dict(contract_cells(text))
    unnamed = [row for row, cell in behaviour_rows(text).items() if not verdict_ids(cell)]
    assert not unnamed, f"behaviour rows naming no check: {unnamed}"
    for row, cell in cells.items():
        for marker in (NOT_A_BEHAVIOUR, NOT_BUILT):
            if cell.lower().startswith(marker):
                assert len(cell) > len(marker) + 10, f"{row}: say why ({marker})"
                assert not verdict_ids(cell), f"{row}: says {marker!r} and names a check"


def test_a_row_without_a_check_is_reported_and_a_reason_is_accepted() -> None:
    text = (
        "| # | statement | contract rule |\n|---|---|---|\n"
        "| X1 | … | Schemathesis |\n"
        "| X2 | … | not a behaviour: an operation id names the handler, nothing a client sees |\n"
        "| X3 | … | Schemathesis `response_schema_conformance` |\n"
        "| X4 | … | not built yet: the sandbox serves no such route (issue 21) |\n"
    )
    rows = behaviour_rows(text)
    assert set(rows) == {"X1", "X3"}
    assert verdict_ids(rows["X1"]) == set()
    assert verdict_ids(rows["X3"]) == {"ST108"}


def test_every_behaviour_row_has_a_drift_that_its_check_reports() -> None:
    """Each behaviour row is broken by at least one drift of the proxy whose reporting check is
    one the row names; the rows not yet reached are listed, per vendor, in ``PENDING_ROWS`` of
    ``tests/contracts/drifts/<vendor>.py``, and a row listed there that has its drift must leave
    the list."""
    rows = behaviour_rows((ROOT / "docs" / "traceability.md").read_text(encoding="utf-8"))
    drifted = {
        row
        for drift in DRIFTS
        for row in drift.rows
        if drift.seen_by in verdict_ids(rows.get(row, ""))
    }
    unknown = {row for drift in DRIFTS for row in drift.rows} - set(rows)
    assert not unknown, f"drifts name rows that are no behaviour rows of the page: {unknown}"
    missing = set(rows) - drifted
    assert not missing - PENDING_ROWS, (
        f"behaviour rows with no drift: {sorted(missing - PENDING_ROWS)}"
    )
    assert not PENDING_ROWS - missing, f"rows with a drift now: {sorted(PENDING_ROWS - missing)}"


def harness_checks() -> tuple[set[str], set[str]]:
    """Every rule id and every invariant name the harness has."""
    for adapter in ADAPTERS.values():
        importlib.import_module(adapter.rules)
    rule_ids = {rule.id for rules in CATALOGUE.values() for rule in rules}
    invariant_names = {name for adapter in ADAPTERS.values() for name in adapter.checks.statements}
    return rule_ids, invariant_names


def test_every_rule_and_invariant_the_traceability_page_names_exists() -> None:
    rule_ids, invariant_names = harness_checks()
    text = (ROOT / "docs" / "traceability.md").read_text(encoding="utf-8")
    cells = contract_cells(text)
    assert len(cells) > 300
    missing = []
    for row, cell in cells:
        rules, invariants = named_checks(cell)
        missing += [f"{row}: rule {rule}" for rule in sorted(rules - rule_ids)]
        missing += [f"{row}: invariant {name}" for name in sorted(invariants - invariant_names)]
    assert not missing, missing


def test_every_rule_and_invariant_is_named_by_a_row() -> None:
    """A check no row names checks a behaviour the page does not trace to its source."""
    rule_ids, invariant_names = harness_checks()
    text = (ROOT / "docs" / "traceability.md").read_text(encoding="utf-8")
    named = set().union(*(verdict_ids(row.contract) for row in rows(text)))
    untraced = (rule_ids | invariant_names) - named
    assert not untraced, f"checks no row of the page names: {sorted(untraced)}"


def test_a_check_that_does_not_exist_is_reported() -> None:
    text = (
        "| # | statement | contract rule | tests |\n|---|---|---|---|\n"
        "| X1 | … | `DZ-NO-SUCH-RULE`; `dayzero_no_such_invariant` | — |\n"
    )
    assert contract_cells(text) == [("X1", "`DZ-NO-SUCH-RULE`; `dayzero_no_such_invariant`")]
    assert named_checks(contract_cells(text)[0][1]) == (
        {"DZ-NO-SUCH-RULE"},
        {"dayzero_no_such_invariant"},
    )
