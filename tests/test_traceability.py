"""docs/traceability.md names the tests and the contract checks that cover each statement: every
file, test, rule and invariant it names exists, so a renamed or deleted test or check cannot leave
a statement claiming coverage it lost."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from contracts.rules import CATALOGUE
from contracts.vendors import ADAPTERS

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
    cells: list[tuple[str, str]] = []
    column = None
    for line in text.splitlines():
        if not line.startswith("|"):
            column = None
            continue
        row = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if column is None:
            column = row.index("contract rule") if "contract rule" in row else -1
        elif column >= 0 and len(row) > column and not set(row[0]) <= set("-: "):
            cells.append((row[0], row[column]))
    return cells


def named_checks(cell: str) -> tuple[set[str], set[str]]:
    """The rule ids and the invariant names (an API's name, then ``_``) a cell names."""
    apis = "|".join(re.escape(name) for name in ADAPTERS)
    rules = set(re.findall(r"\b[A-Z]{2}-[A-Z0-9]+(?:-[A-Z0-9]+)*\b", cell))
    invariants = set(re.findall(rf"`((?:{apis})_\w+)`", cell))
    return rules, invariants


def test_every_rule_and_invariant_the_traceability_page_names_exists() -> None:
    for adapter in ADAPTERS.values():
        importlib.import_module(adapter.rules)
    rule_ids = {rule.id for rules in CATALOGUE.values() for rule in rules}
    invariant_names = {name for adapter in ADAPTERS.values() for name in adapter.checks.statements}
    text = (ROOT / "docs" / "traceability.md").read_text(encoding="utf-8")
    cells = contract_cells(text)
    assert len(cells) > 300
    missing = []
    for row, cell in cells:
        rules, invariants = named_checks(cell)
        missing += [f"{row}: rule {rule}" for rule in sorted(rules - rule_ids)]
        missing += [f"{row}: invariant {name}" for name in sorted(invariants - invariant_names)]
    assert not missing, missing


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
