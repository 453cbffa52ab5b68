"""A signed COUNT client for the tests, as an integrator's code would build it."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from contracts.vendors.count.signing import CountSigner

DEMO = {
    "client_id": "cnt_demo_client",
    "client_secret": "cnt_demo_secret_0123456789abcdef",
    "access_token": "cpt_demo_0123456789abcdef",
}


def signer(credentials: dict[str, str] | None = None) -> CountSigner:
    values = credentials or DEMO
    return CountSigner(values["client_id"], values["client_secret"], values["access_token"])


class Count:
    """Signed calls to COUNT's Partner API under ``/count/partners``."""

    def __init__(self, http: Any, credentials: dict[str, str] | None = None) -> None:
        self.http = http
        self.auth = signer(credentials)

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("auth", self.auth)
        response: httpx.Response = self.http.request(method, f"/count/partners{path}", **kwargs)
        return response

    def ok(self, method: str, path: str, status: int, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()

    def approved(self, kind: str, amount: float) -> str:
        """A new approved record (``invoice`` or ``memo``) of one line, for a new customer."""
        customer = self.ok(
            "POST",
            "/customers",
            201,
            json={"customer": "Acme", "email": f"{uuid.uuid4().hex}@acme.example"},
        )["id"]
        product = self.ok("POST", "/products", 201, json={"name": "Hour", "unitPrice": 1})["id"]
        body = {
            "invoiceType": kind,
            "customerUuid": customer,
            "date": "2026-03-01",
            "products": [{"productUuid": product, "quantity": 1, "unitPrice": amount}],
        }
        created = self.ok("POST", "/invoices", 201, json=body)
        return str(self.ok("PATCH", f"/invoices/{created['id']}/approve", 200)["id"])
