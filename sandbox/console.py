"""The demo console at ``/_sandbox/``: one page (``console.html``, no CDN, no build step) and the
overview it shows of a tenant.

The overview reads each vendor's data through that vendor's own API, in process, with the
tenant's credentials (each vendor's ``console.py``, its registry entry's ``read_console``), so the
console shows exactly what an integrator's client would see: statuses and balances derived on the
tenant's clock. The page itself only calls the control API (tenants, overview, clock, faults,
journal, reset).
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from sandbox.console_reader import ConsoleReader
from sandbox.control_errors import known_tenant
from sandbox.runtime import current
from sandbox.vendors import VENDORS

Response = tuple[Any, int] | tuple[Any, int, dict[str, str]]


def page() -> Response:
    html = resources.files("sandbox").joinpath("console.html").read_text(encoding="utf-8")
    return html, 200, {"Content-Type": "text/html"}


async def overview(tenant_id: str) -> Response:
    sandbox = current()
    tenant = known_tenant(tenant_id)
    answer: dict[str, Any] = {"tenant_id": tenant_id, "records": []}
    async with sandbox.loopback.client() as http:
        reader = ConsoleReader(http, sandbox.loopback.token, tenant["credentials"])
        for vendor in VENDORS:
            section = await vendor.read_console(reader)
            answer["records"] += section.rows
            answer |= section.extra
    return answer, 200
