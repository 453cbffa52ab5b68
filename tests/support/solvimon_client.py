"""A Solvimon client for the tests: API calls with an API key, and seeding through the control
API (Solvimon invoices come from pricing plans the sandbox does not model)."""

from __future__ import annotations

from typing import Any

from tests.support.dayzero_client import HttpClient

DEMO_KEY = "slv_demo_0123456789abcdef"
MAIN, SECOND = "plat_demo_main", "plat_demo_second"


def lines(*amounts: str) -> list[dict[str, Any]]:
    return [{"description": f"line {n}", "amount": a} for n, a in enumerate(amounts, start=1)]


def one_period(*amounts: str) -> list[dict[str, Any]]:
    """One period with one group holding a line per amount."""
    return [{"groups": [{"description": "Subscription", "lines": lines(*amounts)}]}]


def eur(quantity: str) -> dict[str, str]:
    return {"quantity": quantity, "currency": "EUR"}


def line_credit(period: int, group: int, line: int, quantity: str) -> dict[str, Any]:
    """A credit body for one line."""
    return {
        "periods": [
            {
                "period_order": period,
                "groups": [
                    {"group_order": group, "lines": [{"line_order": line, "amount": eur(quantity)}]}
                ],
            }
        ]
    }


class Solvimon:
    """Calls Solvimon's API under ``/solvimon/v1`` with an API key and, optionally, a platform."""

    def __init__(
        self,
        http: HttpClient,
        key: str = DEMO_KEY,
        platform: str | None = None,
        tenant: str = "demo",
    ) -> None:
        self.http = http
        self.tenant = tenant
        self.headers = {"X-API-KEY": key}
        if platform:
            self.headers["x-platform-id"] = platform

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.http.request(method, f"/solvimon/v1{path}", headers=headers, **kwargs)

    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()

    def invoice(self, invoice_id: str) -> Any:
        return self.ok("GET", f"/invoices/{invoice_id}")

    def credit(self, invoice_id: str, body: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.call("POST", f"/invoices/{invoice_id}/credit", json=body or {}, **kwargs)

    def count(self) -> int:
        return int(self.ok("GET", "/invoices", params={"limit": 1})["total_number_of_pages"])

    # control API -----------------------------------------------------------------------------

    def seed(self, periods: list[dict[str, Any]] | None = None, **fields: Any) -> Any:
        body = {"periods": periods or one_period("100.00", "50.00"), **fields}
        response = self.http.request(
            "POST", f"/_sandbox/tenants/{self.tenant}/solvimon/invoices", json=body
        )
        assert response.status_code == 201, response.text
        return response.json()

    def key(self, permissions: list[str], platform_ids: list[str] | None = None) -> str:
        body: dict[str, Any] = {"permissions": permissions}
        if platform_ids:
            body["platform_ids"] = platform_ids
        response = self.http.request(
            "POST", f"/_sandbox/tenants/{self.tenant}/solvimon/api-keys", json=body
        )
        assert response.status_code == 201, response.text
        return str(response.json()["api_key"])
