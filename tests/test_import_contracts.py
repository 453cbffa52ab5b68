"""The import-linter contract type of lint/import_contracts.py sees which names of an external
package a module imports: the rule "only sandbox.store imports TinyDB's classes" can fail."""

from __future__ import annotations

import grimp

from lint.import_contracts import ExternalNamesContract


def _contract() -> ExternalNamesContract:
    return ExternalNamesContract(
        "tinydb names",
        session_options={"root_packages": ["sandbox"]},
        contract_options={
            "external": "tinydb",
            "allowed_in": ["sandbox.store"],
            "allowed_lines": ["from tinydb import Query"],
        },
    )


def _graph(line: str) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for module in ("sandbox", "sandbox.store", "sandbox.models", "sandbox.storefront", "tinydb"):
        graph.add_module(module)
    graph.add_import(
        importer="sandbox.store", imported="tinydb", line_number=1, line_contents="import tinydb"
    )
    graph.add_import(
        importer="sandbox.models", imported="tinydb", line_number=3, line_contents=line
    )
    return graph


def test_a_query_import_outside_the_store_keeps_the_contract() -> None:
    assert _contract().check(_graph("from tinydb import Query"), verbose=False).kept


def test_a_module_whose_name_only_begins_like_the_stores_is_outside_it() -> None:
    graph = _graph("from tinydb import Query")
    graph.add_import(
        importer="sandbox.storefront",
        imported="tinydb",
        line_number=2,
        line_contents="from tinydb.table import Table",
    )
    check = _contract().check(graph, verbose=False)
    assert check.metadata["broken"] == [("sandbox.storefront", 2, "from tinydb.table import Table")]


def test_a_table_import_outside_the_store_breaks_it() -> None:
    check = _contract().check(_graph("from tinydb.table import Table"), verbose=False)
    assert not check.kept
    assert check.metadata["broken"] == [("sandbox.models", 3, "from tinydb.table import Table")]
