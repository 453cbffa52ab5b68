"""What an integrator's own test looks like with the ``creditbox_sandbox`` fixture.

This file is the README's example, kept running: it uses nothing of creditbox but the fixture,
and talks to the sandbox over HTTP exactly as the integrator's code talks to DayZero.
"""

import httpx


def test_a_credit_memo_lowers_what_the_customer_owes(creditbox_sandbox):
    dayzero = creditbox_sandbox.vendor("dayzero")
    with httpx.Client(base_url=dayzero.base_url, headers=dayzero.headers) as api:
        customer = api.post("/api/v1/customers", json={"name": "Acme"}).json()
        invoice = api.post(
            "/api/v1/invoices",
            json={
                "customer_id": customer["id"],
                "line_items": [{"description": "Consulting", "quantity": 1, "unit_price": 10000}],
            },
        ).json()
        api.post(f"/api/v1/invoices/{invoice['id']}/finalize").raise_for_status()
        memo = api.post(
            "/api/v1/credit-memos", json={"customer_id": customer["id"], "amount_cents": 3000}
        ).json()
        api.post(f"/api/v1/credit-memos/{memo['id']}/issue").raise_for_status()

        applied = api.post(
            f"/api/v1/credit-memos/{memo['id']}/apply",
            json={"invoice_id": invoice["id"], "amount_cents": 2000},
        )

        assert applied.status_code == 201
        assert (
            api.get(f"/api/v1/invoices/{invoice['id']}").json()["amount_due_in_dollars"] == "80.00"
        )


def test_each_test_gets_a_tenant_of_its_own(creditbox_sandbox):
    dayzero = creditbox_sandbox.vendor("dayzero")
    with httpx.Client(base_url=dayzero.base_url, headers=dayzero.headers) as api:
        assert api.get("/api/v1/customers").json()["items"] == []
        api.post("/api/v1/customers", json={"name": "Only mine"}).raise_for_status()
        creditbox_sandbox.reset()
        assert api.get("/api/v1/customers").json()["items"] == []


def test_a_solvimon_credit_lowers_what_is_open_on_the_original(creditbox_sandbox):
    # Solvimon's API cannot create an invoice: the sandbox's control API seeds one
    original = creditbox_sandbox.seed(
        "solvimon",
        "invoices",
        {"status": "FINAL", "periods": [{"groups": [{"lines": [{"amount": "100.00"}]}]}]},
    )
    solvimon = creditbox_sandbox.vendor("solvimon")
    with httpx.Client(base_url=solvimon.base_url, headers=solvimon.headers) as api:
        credit = api.post(
            f"/v1/invoices/{original['id']}/credit",
            json={
                "note": "Goodwill",
                "periods": [
                    {"period_order": 1, "amount": {"quantity": "25.00", "currency": "EUR"}}
                ],
            },
            headers={"Idempotency-Key": "retry-safe-1"},
        )

        assert credit.status_code == 200
        assert credit.json()["type"] == "CREDIT"
        after = api.get(f"/v1/invoices/{original['id']}").json()
        assert after["open_invoice_amount"] == {"quantity": "75.00", "currency": "EUR"}
