"""Solvimon's rows of the demo console: its invoices and credit invoices, read through its API."""

from __future__ import annotations

from sandbox.console_reader import LIMIT, ConsoleReader, ConsoleSection, row


async def read(reader: ConsoleReader) -> ConsoleSection:
    headers = {"X-API-KEY": reader.credentials["solvimon"]["api_key"]}
    found = await reader.get("/solvimon/v1/invoices", headers, limit=LIMIT)
    return ConsoleSection(
        [
            row("solvimon", "memo" if "CREDIT" in i["type"] else "invoice", i["id"],
                i["invoice_number"], i["status"] + (" (on hold)" if i.get("on_hold") else ""),
                i["billing_currency"], i["invoice_amount_including_tax"]["quantity"],
                i["open_invoice_amount"]["quantity"], i.get("customer_id"))
            for i in found["data"]
        ]
    )  # fmt: skip
