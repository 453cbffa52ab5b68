"""COUNT's part of the demo console: its records, and the newest entries of their audit logs
(``count_audit_log`` in the overview), read through its API, signed as a partner's client signs."""

from __future__ import annotations

from typing import Any

import httpx

from sandbox.console_reader import LIMIT, ConsoleReader, ConsoleSection, Json, row
from sandbox.vendors.count.signature import signed_headers

AUDIT_ENTRIES = 50


def _headers(reader: ConsoleReader, path: str) -> dict[str, str]:
    return signed_headers(reader.credentials["count"], "GET", path, b"")


async def read(reader: ConsoleReader) -> ConsoleSection:
    found = await reader.get("/count/partners/invoices", _headers(reader, "/invoices"), limit=LIMIT)
    rows = [
        row("count", "memo" if r["invoiceType"] == "memo" else r["invoiceType"], r["id"],
            r.get("invoiceNumber"), r["status"], r["currency"], r["total"],
            r.get("remainingCredit") if r["invoiceType"] == "memo" else r.get("openBalance"),
            (r.get("customer") or {}).get("customer"))
        for r in found["invoices"]
    ]  # fmt: skip
    return ConsoleSection(rows, {"count_audit_log": await _audit(reader, rows)})


async def _audit(reader: ConsoleReader, rows: list[Json]) -> list[Any]:
    """The newest entries of the listed records' logs. A UUID two legacy records share has no
    log the API can give (409 until one is migrated): the console shows those records without."""
    entries = []
    for record_id, number in dict((record["id"], record["number"]) for record in rows).items():
        path = f"/invoices/{record_id}/audit-log"
        try:
            log = await reader.get(f"/count/partners{path}", _headers(reader, path))
        except httpx.HTTPStatusError as refused:
            if refused.response.status_code in (404, 409):
                continue
            raise
        entries += [{**entry, "record": number} for entry in log["auditLog"]]
    entries.sort(key=lambda entry: entry["at"], reverse=True)
    return entries[:AUDIT_ENTRIES]
