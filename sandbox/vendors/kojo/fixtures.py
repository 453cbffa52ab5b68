"""Kojo's section of a fixture: invoices and credit memos, which Kojo's API cannot create (it has
no public mutation); both come through the control API's seeding routes. A memo's items name
their invoice's items by number (``item: 1`` is the first)."""

from __future__ import annotations

from sandbox.fixture_loader import FixtureError, FixtureLoader, Json, body, entries, listed


async def load(loader: FixtureLoader, section: Json) -> None:
    base = f"/_sandbox/tenants/{loader.tenant_id}/kojo"
    control = loader.control_headers
    items: dict[str, list[str]] = {}
    for where, entry in entries(section, "kojo", "invoices"):
        created = await loader.call(where, "POST", f"{base}/invoices", control, body(entry))
        loader.remember(where, entry, created["id"])
        items[created["id"]] = [item["id"] for item in created["invoiceItems"]]
    for where, entry in entries(section, "kojo", "credit_memos"):
        invoice = loader.refs(where, entry, invoice="kojo.invoices")["invoice"]
        credited = []
        for number, item in enumerate(listed(entry.get("items"), f"{where}.items")):
            position = item.get("item")
            if not isinstance(position, int) or not 1 <= position <= len(items[invoice]):
                raise FixtureError(
                    f"{where}.items[{number}].item: the number (1…{len(items[invoice])}) "
                    "of an item of the memo's invoice"
                )
            line = {k: v for k, v in item.items() if k != "item"}
            credited.append({**line, "invoiceItemId": items[invoice][position - 1]})
        memo = {**body(entry, "invoice", "items"), "invoiceId": invoice, "items": credited}
        created = await loader.call(where, "POST", f"{base}/credit-memos", control, memo)
        loader.remember(where, entry, created["id"])
