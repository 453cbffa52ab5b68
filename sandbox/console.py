"""The demo console at ``/_sandbox/``: one page (``console.html``, no CDN, no build step) and the
overview it shows of a tenant.

The overview reads each vendor's data through that vendor's own API, in process, with the
tenant's credentials, so the console shows exactly what an integrator's client would see:
statuses and balances derived on the tenant's clock. The page itself only calls the control
API (tenants, overview, clock, faults, journal, reset).

The overview shows the newest 100 records of each kind per vendor and the newest 50 COUNT audit
log entries: a console for demos, not a report.
"""

from __future__ import annotations

import time
from importlib import resources
from typing import Any

import httpx

from sandbox.runtime import INTERNAL_HEADER, Sandbox, current
from sandbox.vendors.count.signature import sign

Json = dict[str, Any]
Response = tuple[Any, int] | tuple[Any, int, dict[str, str]]
LIMIT = 100
AUDIT_ENTRIES = 50


def page() -> Response:
    html = resources.files("sandbox").joinpath("console.html").read_text(encoding="utf-8")
    return html, 200, {"Content-Type": "text/html"}


async def overview(tenant_id: str) -> Response:
    from sandbox.control import TenantNotFound

    sandbox = current()
    tenant = sandbox.tenants.find(tenant_id)
    if tenant is None:
        raise TenantNotFound()
    async with sandbox.loopback.client() as http:
        reader = _Reader(http, sandbox, tenant["credentials"])
        records = [
            *await reader.dayzero(),
            *await reader.count(),
            *await reader.solvimon(),
            *await reader.kojo(),
        ]
        audit = await reader.count_audit(records)
    return {"tenant_id": tenant_id, "records": records, "count_audit_log": audit}, 200


class _Reader:
    def __init__(self, http: httpx.AsyncClient, sandbox: Sandbox, credentials: Json) -> None:
        self._http = http
        self._internal = {INTERNAL_HEADER: sandbox.loopback.token}
        self._credentials = credentials

    async def _get(self, path: str, headers: dict[str, str], **params: Any) -> Any:
        answer = await self._http.get(path, headers={**headers, **self._internal}, params=params)
        answer.raise_for_status()
        return answer.json()

    async def dayzero(self) -> list[Json]:
        own = self._credentials["dayzero"]
        headers = {"Authorization": f"Bearer {own['token']}", "x-business-id": own["business_id"]}
        base = "/dayzero/api/v1"
        invoices = (await self._get(f"{base}/invoices", headers, limit=LIMIT))["items"]
        memos = (await self._get(f"{base}/credit-memos", headers, limit=LIMIT))["items"]
        return [
            _row("dayzero", "invoice", i["id"], i.get("number"), i["status"], i["currency"],
                 i["total_in_dollars"], i["amount_due_in_dollars"], i.get("customer_name"))
            for i in invoices
        ] + [
            _row("dayzero", "memo", m["id"], m["number"], m["status"], m["currency"],
                 m["amount_in_dollars"], m["amount_remaining_in_dollars"], m.get("customer_name"))
            for m in memos
        ]  # fmt: skip

    def _count_headers(self, path: str) -> dict[str, str]:
        own = self._credentials["count"]
        stamp = str(int(time.time()))
        return {
            "x-client-id": own["client_id"],
            "x-timestamp": stamp,
            "x-signature": sign(own["client_secret"], "GET", path, stamp, b""),
            "Authorization": f"Bearer {own['access_token']}",
        }

    async def count(self) -> list[Json]:
        found = await self._get(
            "/count/partners/invoices", self._count_headers("/invoices"), limit=LIMIT
        )
        return [
            _row("count", "memo" if r["invoiceType"] == "memo" else r["invoiceType"], r["id"],
                 r.get("invoiceNumber"), r["status"], r["currency"], r["total"],
                 r.get("remainingCredit") if r["invoiceType"] == "memo" else r.get("openBalance"),
                 (r.get("customer") or {}).get("customer"))
            for r in found["invoices"]
        ]  # fmt: skip

    async def count_audit(self, records: list[Json]) -> list[Json]:
        entries = []
        for record in records:
            if record["vendor"] != "count":
                continue
            path = f"/invoices/{record['id']}/audit-log"
            log = await self._get(f"/count/partners{path}", self._count_headers(path))
            entries += [{**entry, "record": record["number"]} for entry in log["auditLog"]]
        entries.sort(key=lambda entry: entry["at"], reverse=True)
        return entries[:AUDIT_ENTRIES]

    async def solvimon(self) -> list[Json]:
        headers = {"X-API-KEY": self._credentials["solvimon"]["api_key"]}
        found = await self._get("/solvimon/v1/invoices", headers, limit=LIMIT)
        return [
            _row("solvimon", "memo" if "CREDIT" in i["type"] else "invoice", i["id"],
                 i["invoice_number"], i["status"] + (" (on hold)" if i.get("on_hold") else ""),
                 i["billing_currency"], i["invoice_amount_including_tax"]["quantity"],
                 i["open_invoice_amount"]["quantity"], i.get("customer_id"))
            for i in found["data"]
        ]  # fmt: skip

    async def kojo(self) -> list[Json]:
        own = self._credentials["kojo"]
        form = {"grant_type": "client_credentials", **own}
        issued = await self._http.post("/kojo/oauth2/token", data=form, headers=self._internal)
        issued.raise_for_status()
        headers = {"Authorization": f"Bearer {issued.json()['access_token']}"}
        query = (
            f"{{ invoices(limit: {LIMIT}) {{ id invoiceNumber title totalDue paidAt }}"
            f" creditMemos(limit: {LIMIT}) {{ id creditMemoNumber totalDue invoiceId }} }}"
        )
        answer = await self._http.post(
            "/kojo/graphql", json={"query": query}, headers={**headers, **self._internal}
        )
        answer.raise_for_status()
        data = answer.json()["data"]
        return [
            _row("kojo", "invoice", i["id"], i["invoiceNumber"],
                 "paid" if i.get("paidAt") else "open", None, None, i["totalDue"], i.get("title"))
            for i in data["invoices"]
        ] + [  # Kojo's credit memos have no status field
            _row("kojo", "memo", m["id"], m["creditMemoNumber"], "—", None, m["totalDue"],
                 None, None)
            for m in data["creditMemos"]
        ]  # fmt: skip


def _row(
    vendor: str,
    kind: str,
    object_id: str,
    number: str | None,
    status: str,
    currency: str | None,
    total: Any,
    balance: Any,
    customer: str | None,
) -> Json:
    """One line of the console's table: the same columns for every vendor."""
    return {
        "vendor": vendor,
        "kind": kind,
        "id": object_id,
        "number": number,
        "status": status,
        "currency": currency,
        "total": _money(total),
        "balance": _money(balance),
        "customer": customer,
    }


def _money(value: Any) -> str | None:
    """Amounts as text with two decimals, whether the vendor gave a number or a string."""
    if value is None:
        return None
    return f"{value:.2f}" if isinstance(value, int | float) else str(value)
