"""Reading docs/traceability.md: its tables' rows, the checks each row names, and which rows
state a behaviour of the API. ``tests/test_traceability.py`` holds the page to what it names;
``tests/contracts/drifts/schema_fields.py`` (and Kojo's module, for its GraphQL types) make a
drift from each row of a response field."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import schemathesis.specs.openapi.checks  # noqa: F401 - registers the OpenAPI checks
from schemathesis.checks import CHECKS

from contracts.spec_judge import CHECK_CODES
from contracts.vendors import ADAPTERS

PAGE = Path(__file__).resolve().parents[2] / "docs" / "traceability.md"
SCHEMATHESIS_CHECKS = set(CHECKS.get_all_names())
NOT_A_BEHAVIOUR = "not a behaviour:"
# a documented behaviour of a route or field the sandbox does not serve yet: nothing to check it
# against, and no drift of it (the open issue that builds it names it)
NOT_BUILT = "not built yet:"
_SPEC_FILE = re.compile(r"`specs/(\w+)\.(?:yaml|graphql)`")


@dataclass(frozen=True)
class Row:
    """One statement's row: its id, the spec files its table's spec column names, and its cells
    by column title (the spec column as ``spec``)."""

    id: str
    specs: tuple[str, ...]
    cells: dict[str, str]

    @property
    def contract(self) -> str:
        return self.cells.get("contract rule", "")

    @property
    def is_behaviour(self) -> bool:
        """Whether the row states a behaviour the sandbox serves (and so needs a check)."""
        return not self.contract.lower().startswith((NOT_A_BEHAVIOUR, NOT_BUILT))


def rows(text: str) -> list[Row]:
    """Every row of every table whose header has a "contract rule" column."""
    found: list[Row] = []
    header: list[str] | None = None
    for line in text.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif "contract rule" in header and not set(cells[0]) <= set("-: "):
            titles = ["spec" if title.startswith("spec") else title for title in header]
            specs = tuple(_SPEC_FILE.findall(next((t for t in header if t.startswith("spec")), "")))
            found.append(Row(cells[0], specs, dict(zip(titles, cells, strict=False))))
    return found


def page_rows() -> list[Row]:
    return rows(PAGE.read_text(encoding="utf-8"))


def named_checks(cell: str) -> tuple[set[str], set[str]]:
    """The rule ids and the invariant names (an API's name, then ``_``) a cell names."""
    apis = "|".join(re.escape(name) for name in ADAPTERS)
    rules = set(re.findall(r"\b[A-Z]{2}-[A-Z0-9]+(?:-[A-Z0-9]+)*\b", cell))
    invariants = set(re.findall(rf"`((?:{apis})_\w+)`", cell))
    return rules, invariants


def schemathesis_checks(cell: str) -> set[str]:
    """Schemathesis' built-in checks a cell names, in backticks."""
    return set(re.findall(r"`(\w+)`", cell)) & SCHEMATHESIS_CHECKS


def verdict_ids(cell: str) -> set[str]:
    """The verdicts of a run that report the checks a cell names: a rule's id, an invariant's
    name, a Schemathesis check's code (its failures are reported under it)."""
    rules, invariants = named_checks(cell)
    built_in = {CHECK_CODES.get(name, name) for name in schemathesis_checks(cell)}
    return rules | invariants | built_in
