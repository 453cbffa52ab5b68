"""COUNT's section of a fixture: customers, products, records (invoices, estimates, credit
memos: ``approve``, ``send``, ``apply``) and transactions recorded by hand (``pay``: the invoices
they are assigned to), each made through COUNT's own API, signed as a partner's client signs."""

from __future__ import annotations

import json

from sandbox.fixture_loader import FixtureLoader, Json, body, entries, listed
from sandbox.vendors.count.signature import signed_headers

# what a reference names: (the section of earlier entries, the API's field for the id)
CUSTOMER = ("count.customers", "customerUuid")
PRODUCT = ("count.products", "productUuid")


async def load(loader: FixtureLoader, section: Json) -> None:
    credentials = loader.credentials["count"]

    async def call(where: str, method: str, path: str, sent: Json | None = None) -> Json:
        raw = b"" if sent is None else json.dumps(sent).encode()
        headers = signed_headers(credentials, method, path, raw)
        return await loader.call(where, method, f"/count/partners{path}", headers, sent, raw)

    for where, entry in entries(section, "count", "customers"):
        created = await call(where, "POST", "/customers", body(entry))
        loader.remember(where, entry, created["id"])
    for where, entry in entries(section, "count", "products"):
        created = await call(where, "POST", "/products", body(entry))
        loader.remember(where, entry, created["id"])
    for where, entry in entries(section, "count", "invoices"):
        lines = []
        for number, line in enumerate(listed(entry.get("products"), f"{where}.products")):
            line_where = f"{where}.products[{number}]"
            product = loader.ref_fields(line_where, line, product=PRODUCT)
            lines.append({**body(line, "product"), **product})
        record_body = {
            **body(entry, "approve", "send", "apply", "products", "customer"),
            **loader.ref_fields(where, entry, customer=CUSTOMER),
            "products": lines,
        }
        record = (await call(where, "POST", "/invoices", record_body))["id"]
        loader.remember(where, entry, record)
        onwards = entry.get("approve") or entry.get("send") or entry.get("apply")
        if onwards and record_body.get("isDraft", True):
            await call(where, "PATCH", f"/invoices/{record}/approve")
        if entry.get("send"):
            message = entry["send"] if isinstance(entry["send"], dict) else None
            await call(where, "POST", f"/invoices/{record}/send", message)
        applies = []
        for number, step in enumerate(listed(entry.get("apply"), f"{where}.apply")):
            step_where = f"{where}.apply[{number}]"
            target = loader.refs(step_where, step, invoice="count.invoices")["invoice"]
            applies.append({"id": target, "amount": step.get("amount")})
        if applies:
            credit = {"invoices": applies}
            path = f"/invoices/{record}/apply-credit-to-multiple-invoices"
            await call(where, "PATCH", path, credit)
    for where, entry in entries(section, "count", "transactions"):
        sent = {
            **body(entry, "customer", "pay"),
            **loader.ref_fields(where, entry, customer=CUSTOMER),
        }
        transaction = (await call(where, "POST", "/transactions", sent))["id"]
        loader.remember(where, entry, transaction)
        records = []
        for number, step in enumerate(listed(entry.get("pay"), f"{where}.pay")):
            step_where = f"{where}.pay[{number}]"
            target = loader.refs(step_where, step, invoice="count.invoices")["invoice"]
            records.append({**body(step, "invoice"), "id": target})
        if records:
            assignment = {"matchingType": "invoice", "records": records}
            path = f"/transactions/{transaction}/assign-to-bills-invoices"
            await call(where, "POST", path, assignment)
