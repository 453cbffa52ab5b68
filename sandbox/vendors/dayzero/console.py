"""DayZero's rows of the demo console: its invoices and credit memos, read through its API."""

from __future__ import annotations

from sandbox.console_reader import LIMIT, ConsoleReader, ConsoleSection, row
from sandbox.vendors.dayzero.auth import request_headers


async def read(reader: ConsoleReader) -> ConsoleSection:
    headers = request_headers(reader.credentials["dayzero"])
    base = "/dayzero/api/v1"
    invoices = (await reader.get(f"{base}/invoices", headers, limit=LIMIT))["items"]
    memos = (await reader.get(f"{base}/credit-memos", headers, limit=LIMIT))["items"]
    return ConsoleSection(
        [
            row("dayzero", "invoice", i["id"], i.get("number"), i["status"], i["currency"],
                i["total_in_dollars"], i["amount_due_in_dollars"], i.get("customer_name"))
            for i in invoices
        ] + [
            row("dayzero", "memo", m["id"], m["number"], m["status"], m["currency"],
                m["amount_in_dollars"], m["amount_remaining_in_dollars"], m.get("customer_name"))
            for m in memos
        ]
    )  # fmt: skip
