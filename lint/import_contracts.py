"""An import-linter contract type for what the built-in ones cannot say: which names of an
external package a module may import.

import-linter sees an external package as one module (``tinydb``), so a ``forbidden`` contract
cannot tell ``from tinydb import Query`` from ``from tinydb.storages import Storage``. This
contract reads the import lines themselves: outside ``allowed_in``, every import of ``external``
must be one of ``allowed_lines``. Registered in pyproject.toml (``contract_types``)."""

from __future__ import annotations

from typing import Any

from importlinter import Contract, ContractCheck, fields, output


class ExternalNamesContract(Contract):
    type_name = "external_names"

    external = fields.StringField()
    allowed_in = fields.ListField(subfield=fields.StringField())
    allowed_lines = fields.ListField(subfield=fields.StringField())

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        external = str(self.external)
        allowed_in = tuple(str(module) for module in self.allowed_in)  # type: ignore[attr-defined]
        allowed = {str(line) for line in self.allowed_lines}  # type: ignore[attr-defined]
        broken = []
        for importer in sorted(graph.find_modules_that_directly_import(external)):
            if any(importer == home or importer.startswith(f"{home}.") for home in allowed_in):
                continue
            for detail in graph.get_import_details(importer=importer, imported=external):
                if detail["line_contents"].strip() not in allowed:
                    broken.append((importer, detail["line_number"], detail["line_contents"]))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for importer, line_number, line in check.metadata["broken"]:
            output.print_error(f"{importer}:{line_number}: {line}", bold=False)
        output.new_line()
