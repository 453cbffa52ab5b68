"""Tally's rows of the demo console: its notes, read through its API (amounts are cents)."""

from __future__ import annotations

from decimal import Decimal

from sandbox.console_reader import ConsoleReader, ConsoleSection, row


def _units(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


async def read(reader: ConsoleReader) -> ConsoleSection:
    headers = {"X-Tally-Key": reader.credentials["tally"]["api_key"]}
    notes = (await reader.get("/tally/notes", headers))["notes"]
    return ConsoleSection(
        [
            row("tally", "memo", note["id"], None, note["status"], None,
                _units(note["amount"]), _units(note["remaining"]), None)
            for note in notes
        ]
    )  # fmt: skip
