"""DayZero's section of a fixture: customers, bank transactions, invoices (``finalize``,
``void``, ``payments`` from the transactions) and credit memos (``issue``, ``apply``, ``void``),
each made through DayZero's own API."""

from __future__ import annotations

from sandbox.fixture_loader import FixtureLoader, Json, body, entries, listed
from sandbox.vendors.dayzero.auth import request_headers

# what a reference names: (the section of earlier entries, the API's field for the id)
CUSTOMER = ("dayzero.customers", "customer_id")
INVOICE = ("dayzero.invoices", "invoice_id")
TRANSACTION = ("dayzero.transactions", "transaction_id")


async def load(loader: FixtureLoader, section: Json) -> None:
    headers = request_headers(loader.credentials["dayzero"])

    async def call(where: str, method: str, path: str, sent: Json | None = None) -> Json:
        return await loader.call(where, method, f"/dayzero/api/v1{path}", headers, sent)

    for where, entry in entries(section, "dayzero", "customers"):
        created = await call(where, "POST", "/customers", body(entry))
        loader.remember(where, entry, created["id"])
    for where, entry in entries(section, "dayzero", "transactions"):
        created = await call(where, "POST", "/transactions", body(entry))
        loader.remember(where, entry, created["id"])
    for where, entry in entries(section, "dayzero", "invoices"):
        customer = loader.ref_fields(where, entry, customer=CUSTOMER)
        sent = {**body(entry, "finalize", "void", "customer", "payments"), **customer}
        created = await call(where, "POST", "/invoices", sent)
        invoice = created["id"]
        if entry.get("finalize") or entry.get("void") or entry.get("payments"):
            await call(where, "POST", f"/invoices/{invoice}/finalize")
        for number, step in enumerate(listed(entry.get("payments"), f"{where}.payments")):
            step_where = f"{where}.payments[{number}]"
            payment = {
                **body(step, "transaction"),
                **loader.ref_fields(step_where, step, transaction=TRANSACTION),
            }
            await call(step_where, "POST", f"/invoices/{invoice}/payments", payment)
        if entry.get("void"):  # the sandbox's own requests are answered in the default readings
            await call(where, "PUT", f"/invoices/{invoice}/void")
        loader.remember(where, entry, invoice)
    for where, entry in entries(section, "dayzero", "credit_memos"):
        memo_body = {
            **body(entry, "issue", "apply", "void", "customer", "invoice"),
            **loader.ref_fields(where, entry, customer=CUSTOMER, invoice=INVOICE),
        }
        memo = (await call(where, "POST", "/credit-memos", memo_body))["id"]
        loader.remember(where, entry, memo)
        if entry.get("issue") or entry.get("apply"):
            await call(where, "POST", f"/credit-memos/{memo}/issue")
        for number, step in enumerate(listed(entry.get("apply"), f"{where}.apply")):
            step_where = f"{where}.apply[{number}]"
            apply = {
                **body(step, "invoice"),
                **loader.ref_fields(step_where, step, invoice=INVOICE),
            }
            await call(step_where, "POST", f"/credit-memos/{memo}/apply", apply)
        if entry.get("void"):
            reason = {"reason": str(entry["void"])}
            await call(where, "POST", f"/credit-memos/{memo}/void", reason)
