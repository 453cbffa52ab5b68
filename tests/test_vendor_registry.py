"""One place per vendor: code outside a vendor's own modules and the two registries
(``sandbox/vendors/__init__.py`` for the sandbox, ``contracts/vendors/__init__.py`` for the
harness) does not name a vendor. It reads what it needs of each vendor from a registry entry.

"Naming" is code, not prose: an import of a vendor's module, or a string in the code (not a
docstring) that is a vendor's name or a path or dotted name made with it. Docstrings and comments
may say why something is as it is, with a vendor as the example."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from sandbox.vendors import VENDORS

ROOT = Path(__file__).resolve().parents[1]
NAMES = tuple(vendor.name for vendor in VENDORS)
REGISTRIES = {"sandbox/vendors/__init__.py", "contracts/vendors/__init__.py"}
# each half keeps a vendor in one package
VENDOR_PACKAGES = ("sandbox/vendors/", "contracts/vendors/")
# the benchmark's per-vendor modules (bench/vendors/__init__.py finds them through the registry)
BENCH_VENDOR_DIR = "bench/vendors"


def _vendor_module(path: str) -> bool:
    if any(path.startswith(folder) and path.count("/") >= 3 for folder in VENDOR_PACKAGES):
        return True
    return any(path == f"{BENCH_VENDOR_DIR}/{name}.py" for name in NAMES)


def _names_a_vendor(text: str) -> bool:
    for name in NAMES:
        if text.lower() == name or re.search(rf"(^|[/.]){name}([/._]|$)", text, re.IGNORECASE):
            return True
        if name != "count" and re.search(rf"(?<![a-z]){name}(?![a-z])", text, re.IGNORECASE):
            return True
    return "COUNT" in re.findall(r"\b[A-Z]+\b", text)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def _is_count(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == "count"


def _dictionary_keys(tree: ast.AST) -> set[int]:
    """``"count"`` used to look up a key (``x["count"]``, ``x.get("count")``): data, not the
    vendor COUNT. Any other vendor's name as a key still names it."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Subscript) and _is_count(node.slice):
            found.add(id(node.slice))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
            and _is_count(node.args[0])
        ):
            found.add(id(node.args[0]))
    return found


def vendor_names_in(source: str) -> list[str]:
    """Where the code names a vendor: imports of its modules and strings that are its name."""
    tree = ast.parse(source)
    skipped = _docstrings(tree) | _dictionary_keys(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            modules = [alias.name for alias in node.names]
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module, *(f"{node.module}.{m}" for m in modules)]
            found += [m for m in modules if _names_a_vendor(m)]
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skipped
            and _names_a_vendor(node.value)
        ):
            found.append(node.value[:60])
    return found


def _shared_files() -> list[str]:
    files = []
    for package in ("creditbox", "sandbox", "contracts", "bench", "specs"):
        for path in sorted((ROOT / package).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if relative not in REGISTRIES and not _vendor_module(relative):
                files.append(relative)
    return files


def test_code_outside_the_vendors_and_the_registries_names_no_vendor() -> None:
    naming = {
        path: names
        for path in _shared_files()
        if (names := vendor_names_in((ROOT / path).read_text(encoding="utf-8")))
    }
    assert naming == {}


def test_the_scan_sees_a_vendor_in_code_and_not_in_prose() -> None:
    named = '"""Why: as DayZero does."""\nimport sandbox.vendors.kojo.auth\nVENDORS = ("count",)\n'
    assert vendor_names_in(named) == ["sandbox.vendors.kojo.auth", "count"]
    data = 'total = failure.get("count", 1) + row["count"]\n# COUNT signs requests\n'
    assert vendor_names_in(data) == []
    assert vendor_names_in('x = ADAPTERS["kojo"]\ny = M.get("solvimon")\n') == ["kojo", "solvimon"]
    assert vendor_names_in('PATH = "/solvimon/v1/invoices"\n') == ["/solvimon/v1/invoices"]
