"""A Kojo client for the tests: a token from the OAuth endpoint, GraphQL queries, and seeding
through the control API (Kojo's API has no credit memo mutations)."""

from __future__ import annotations

from typing import Any

from tests.support.dayzero_client import HttpClient

DEMO = {"client_id": "kojo_demo_client", "client_secret": "kojo_demo_secret_0123456789abcdef"}


def token(http: HttpClient, credentials: dict[str, str] | None = None) -> str:
    values = credentials or DEMO
    response = http.request(
        "POST",
        "/kojo/oauth2/token",
        data={"grant_type": "client_credentials", **values},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


class Kojo:
    def __init__(
        self, http: HttpClient, credentials: dict[str, str] | None = None, tenant: str = "demo"
    ) -> None:
        self.http = http
        self.tenant = tenant
        self.headers = {"Authorization": f"Bearer {token(http, credentials)}"}

    def post(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.http.request("POST", "/kojo/graphql", json=body, headers=headers, **kwargs)

    def data(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = self.post(query, variables)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        return body["data"]

    def errors(self, query: str, variables: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        response = self.post(query, variables)
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()["errors"]
        return found

    # control API -----------------------------------------------------------------------------

    def seed(self, what: str, body: dict[str, Any], status: int = 201) -> Any:
        response = self.http.request(
            "POST", f"/_sandbox/tenants/{self.tenant}/kojo/{what}", json=body
        )
        assert response.status_code == status, response.text
        return response.json()

    def invoice(self, *items: tuple[float, float], **fields: Any) -> Any:
        """An invoice with one item per (quantity, unit price)."""
        lines = [
            {"description": f"item {n}", "quantity": q, "unitPrice": p, "unitsOfMeasure": "EA"}
            for n, (q, p) in enumerate(items, start=1)
        ]
        return self.seed("invoices", {"items": lines, **fields})

    def memo(self, invoice: Any, *credits: tuple[int, float], **fields: Any) -> Any:
        """A credit memo crediting (index of the invoice item, quantity) pairs."""
        items = [
            {"invoiceItemId": invoice["invoiceItems"][index]["id"], "quantity": quantity}
            for index, quantity in credits
        ]
        return self.seed("credit-memos", {"invoiceId": invoice["id"], "items": items, **fields})
