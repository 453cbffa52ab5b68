"""A small DayZero client for the tests: the calls an integrator's code would make, over HTTP."""

from __future__ import annotations

from typing import Any, Protocol

DEMO_TOKEN = "dz_demo_0123456789abcdef"
DEMO_BUSINESS_ID = "8f2b6d1e-3c4a-4e5f-9a7b-0c1d2e3f4a5b"


class HttpClient(Protocol):
    def request(self, method: str, url: str, **kwargs: Any) -> Any: ...


class DayZero:
    """Calls DayZero's API under ``prefix`` with a token and business id."""

    def __init__(
        self,
        http: HttpClient,
        token: str = DEMO_TOKEN,
        business_id: str = DEMO_BUSINESS_ID,
        prefix: str = "/dayzero",
    ) -> None:
        self.http = http
        self.prefix = prefix
        self.headers = {"Authorization": f"Bearer {token}", "x-business-id": business_id}

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.http.request(method, f"{self.prefix}/api/v1{path}", headers=headers, **kwargs)

    def ok(self, method: str, path: str, status: int, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json() if response.content else None

    # the usual steps, each asserting success -------------------------------------------------

    def customer(self, name: str = "Acme Corp") -> dict[str, Any]:
        return self.ok("POST", "/customers", 201, json={"name": name})

    def invoice(
        self, customer_id: str, cents: int = 10000, currency: str = "USD"
    ) -> dict[str, Any]:
        body = {
            "customer_id": customer_id,
            "currency": currency,
            "line_items": [{"description": "Consulting", "quantity": 1, "unit_price": cents}],
        }
        return self.ok("POST", "/invoices", 201, json=body)

    def open_invoice(
        self, customer_id: str, cents: int = 10000, currency: str = "USD"
    ) -> dict[str, Any]:
        invoice = self.invoice(customer_id, cents, currency)
        return self.ok("POST", f"/invoices/{invoice['id']}/finalize", 201)

    def memo(self, customer_id: str, cents: int = 3000, **fields: Any) -> dict[str, Any]:
        return self.ok(
            "POST",
            "/credit-memos",
            201,
            json={"customer_id": customer_id, "amount_cents": cents, **fields},
        )

    def issued_memo(self, customer_id: str, cents: int = 3000, **fields: Any) -> dict[str, Any]:
        memo = self.memo(customer_id, cents, **fields)
        return self.ok("POST", f"/credit-memos/{memo['id']}/issue", 201)

    def apply(self, memo_id: str, invoice_id: str, cents: int) -> Any:
        return self.call(
            "POST",
            f"/credit-memos/{memo_id}/apply",
            json={"invoice_id": invoice_id, "amount_cents": cents},
        )

    def unapply(self, memo_id: str, invoice_id: str) -> Any:
        return self.call(
            "POST", f"/credit-memos/{memo_id}/unapply", json={"invoice_id": invoice_id}
        )

    def get_memo(self, memo_id: str) -> dict[str, Any]:
        return self.ok("GET", f"/credit-memos/{memo_id}", 200)

    def get_invoice(self, invoice_id: str) -> dict[str, Any]:
        return self.ok("GET", f"/invoices/{invoice_id}", 200)
