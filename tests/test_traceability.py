"""docs/traceability.md names the tests that cover each statement: every file and test it names
exists, so a renamed or deleted test cannot leave a statement claiming coverage it lost."""

from __future__ import annotations

import re
from pathlib import Path

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
