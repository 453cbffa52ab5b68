"""DayZero's API as a client calls it (a Bearer token and ``x-business-id``), and the rules'
session over it.

Every object a rule creates is tagged with the run (memo ``description`` and ``internal_notes``,
customer name, invoice line description) and cleaned up afterwards where DayZero allows it:
applications are unapplied, drafts deleted, issued memos voided. DayZero has no way to delete a
customer or an invoice, so those stay, tagged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from contracts.api_client import ApiClient, ClientCredentials, attempt, expect_status
from contracts.checks import expected
from contracts.http import Limits, Requester
from contracts.rules import RecordedSession, Skipped
from contracts.vendors.dayzero.checks import resource

VOID_METHOD = "dayzero.invoice-void-method"
NEEDS_OTHER_BUSINESS = "needs a second business: pass --other-token and --other-business-id"


@dataclass(frozen=True)
class DayZeroCredentials(ClientCredentials):
    token: str
    business_id: str
    secret_fields = ("token",)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "x-business-id": self.business_id}


class DayZeroClient(ApiClient[DayZeroCredentials]):
    """DayZero's calls; a step that must succeed asserts its status (``AssertionError``)."""

    vendor = "dayzero"
    root = "/api/v1"
    tenant_field = "token"

    def __init__(
        self,
        http: Requester,
        credentials: DayZeroCredentials,
        *,
        tag_memos: bool = False,
        other_business: Callable[[], DayZeroClient] | None = None,
        **options: Any,
    ) -> None:
        super().__init__(http, credentials, **options)
        self.tag_memos = tag_memos  # memos carry the tag as description and internal notes
        self.created_memos: list[str] = []  # every memo this client created, to clean up
        self.payments_made: list[tuple[str, str]] = []  # (invoice, payment), removed afterwards
        self._other_business = other_business

    @property
    def headers(self) -> dict[str, str]:
        return self.credentials.headers()

    def read(self, body: Any) -> Any:
        return resource(body)

    # customers and invoices ------------------------------------------------------------------

    def customer(self, name: str | None = None) -> dict[str, Any]:
        return self.expect("POST", "/customers", 201, json={"name": name or self.tag})

    def invoice(
        self, customer_id: str, cents: int = 10_000, currency: str | None = None
    ) -> dict[str, Any]:
        """A draft invoice of one line of ``cents``."""
        line = {"description": self.tag, "quantity": 1, "unit_price": cents}
        body: dict[str, Any] = {"customer_id": customer_id, "line_items": [line]}
        if currency:
            body["currency"] = currency
        return self.expect("POST", "/invoices", 201, json=body)

    def open_invoice(
        self, customer_id: str, cents: int = 10_000, currency: str | None = None
    ) -> dict[str, Any]:
        """A finalized (open) invoice of one line of ``cents``."""
        invoice = self.invoice(customer_id, cents, currency)
        return self.expect("POST", f"/invoices/{invoice['id']}/finalize", 201)

    def get_invoice(self, invoice_id: str) -> dict[str, Any]:
        return self.expect("GET", f"/invoices/{invoice_id}", 200)

    def void_invoice(self, invoice_id: str, method: str | None = None) -> httpx.Response:
        """Void an invoice with ``method``, else the one of the expected reading of
        ``dayzero.invoice-void-method`` (PUT by default)."""
        chosen = method or expected(VOID_METHOD).upper()
        return self.call(chosen, f"/invoices/{invoice_id}/void")

    # payments --------------------------------------------------------------------------------

    def deposit(self, cents: int, currency: str | None = None) -> dict[str, Any]:
        """A bank transaction recorded by hand: a deposit of ``cents``, described by the tag."""
        body: dict[str, Any] = {"amount": cents, "description": self.tag}
        if currency:
            body["currency"] = currency
        return self.expect("POST", "/transactions", 201, json=body)

    def pay(self, invoice_id: str, transaction_id: str, cents: int) -> httpx.Response:
        """Link ``cents`` of the transaction to the invoice as a payment."""
        body = {"transaction_id": transaction_id, "amount": cents}
        response = self.call("POST", f"/invoices/{invoice_id}/payments", json=body)
        made = self._json_or_none(response) if response.status_code == 201 else None
        if isinstance(made, dict) and isinstance(made.get("id"), str):
            self.payments_made.append((invoice_id, made["id"]))
        return response

    def unpay(self, invoice_id: str, payment_id: str) -> httpx.Response:
        return self.call("DELETE", f"/invoices/{invoice_id}/payments/{payment_id}")

    # credit memos ----------------------------------------------------------------------------

    def memo(self, customer_id: str, cents: int = 3_000, **fields: Any) -> dict[str, Any]:
        """A draft memo of ``cents``, with ``fields`` in its body."""
        tags = {"description": self.tag, "internal_notes": self.tag} if self.tag_memos else {}
        body = {"customer_id": customer_id, "amount_cents": cents, **tags, **fields}
        response = self.call("POST", "/credit-memos", json=body)
        created = self._json_or_none(response)
        if response.is_success and isinstance(created, dict) and isinstance(created.get("id"), str):
            self.created_memos.append(created["id"])  # whatever the status, it must be cleaned up
        expect_status(response, 201, "POST /credit-memos")
        return self.body(response)

    def issued_memo(self, customer_id: str, cents: int = 3_000, **fields: Any) -> dict[str, Any]:
        memo = self.memo(customer_id, cents, **fields)
        return self.expect("POST", f"/credit-memos/{memo['id']}/issue", 201)

    def get_memo(self, memo_id: str) -> dict[str, Any]:
        return self.expect("GET", f"/credit-memos/{memo_id}", 200)

    def memos(self, **params: Any) -> dict[str, Any]:
        """One page of the memo list (a page without its ``items`` list fails the step)."""
        page = self.expect("GET", "/credit-memos", 200, params=params)
        assert isinstance(page, dict) and isinstance(page.get("items"), list), (
            f"the list answered no items list: {str(page)[:200]}"
        )
        return page

    def issue(self, memo_id: str) -> httpx.Response:
        return self.call("POST", f"/credit-memos/{memo_id}/issue")

    def update(self, memo_id: str, **fields: Any) -> httpx.Response:
        return self.call("PUT", f"/credit-memos/{memo_id}", json=fields)

    def void(self, memo_id: str, reason: str | None = None) -> httpx.Response:
        return self.call(
            "POST", f"/credit-memos/{memo_id}/void", json={"reason": reason or self.tag}
        )

    def delete(self, memo_id: str) -> httpx.Response:
        return self.call("DELETE", f"/credit-memos/{memo_id}")

    def apply(self, memo_id: str, invoice_id: str, cents: int) -> httpx.Response:
        body = {"invoice_id": invoice_id, "amount_cents": cents}
        return self.call("POST", f"/credit-memos/{memo_id}/apply", json=body)

    def unapply(self, memo_id: str, invoice_id: str) -> httpx.Response:
        return self.call(
            "POST", f"/credit-memos/{memo_id}/unapply", json={"invoice_id": invoice_id}
        )

    def customer_credits(self, customer_id: str) -> dict[str, Any]:
        return self.expect("GET", f"/credit-memos/customers/{customer_id}/credits", 200)

    # what the harness does with them -------------------------------------------------------

    def seed_examples(self) -> httpx.Response:
        """Memos in each state for the schema layer to read (its invariants check only what
        responses carry): a draft, an issued memo, and one partly applied to an open invoice,
        which a deposit also pays in part. Left in place, as Schemathesis' own writes are. The
        answer to the apply."""
        customer = self.customer()["id"]
        invoice = self.open_invoice(customer, 10_000)["id"]
        self.memo(customer, 700)
        self.issued_memo(customer, 500)
        applied = self.issued_memo(customer, 3_000)["id"]
        answer = self.apply(applied, invoice, 2_000)
        assert answer.is_success, f"apply answered {answer.status_code}: {answer.text[:300]}"
        paid = self.pay(invoice, self.deposit(1_500)["id"], 1_500)
        assert paid.is_success, f"the payment answered {paid.status_code}: {paid.text[:300]}"
        return answer

    def other_business(self) -> DayZeroClient:
        """The same API as a second business, for isolation rules (skipped without one)."""
        if self._other_business is None:
            raise Skipped(NEEDS_OTHER_BUSINESS)
        return self._other_business()

    def clean_up(self) -> list[str]:
        trouble: list[str] = []
        for memo_id in reversed(self.created_memos):
            attempt(lambda: self.undo(memo_id), trouble, memo_id)  # noqa: B023
        for invoice_id, payment_id in reversed(self.payments_made):
            attempt(lambda: self.remove_payment(invoice_id, payment_id), trouble, payment_id)  # noqa: B023
        return trouble

    def remove_payment(self, invoice_id: str, payment_id: str) -> None:
        """Remove a payment the client made, unless it is gone already (the rule removed it)."""
        response = self.unpay(invoice_id, payment_id)
        if response.status_code != 404:
            expect_status(response, 200, f"removing payment {payment_id}")

    def undo(self, memo_id: str) -> None:
        """Undo a memo as far as DayZero allows: unapply it, then delete a draft or void it."""
        response = self.call("GET", f"/credit-memos/{memo_id}")
        if response.status_code == 404:
            return
        memo = resource(response.json())
        for invoice_id in {application["invoice_id"] for application in memo["applications"]}:
            expect_status(self.unapply(memo_id, invoice_id), 201, f"unapply of {memo_id}")
        if memo["status"] == "draft":
            expect_status(self.delete(memo_id), 204, f"DELETE of {memo_id}")
        elif memo["status"] != "void":
            expect_status(self.void(memo_id), 201, f"void of {memo_id}")

    def _json_or_none(self, response: httpx.Response) -> Any:
        try:
            return self.read(response.json())
        except ValueError:
            return None

    def customers(self, **params: Any) -> dict[str, Any]:
        """One page of the customer list."""
        return self.expect("GET", "/customers", 200, params=params)

    def invoices(self, **params: Any) -> dict[str, Any]:
        """One page of the invoice list."""
        return self.expect("GET", "/invoices", 200, params=params)


class DayZeroSession(RecordedSession[DayZeroCredentials]):
    """Runs DayZero rules against one base URL with one set of credentials."""

    def __init__(
        self,
        base_url: str,
        credentials: DayZeroCredentials,
        limits: Limits,
        run_id: str,
        other: DayZeroCredentials | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        others = other.secrets() if other else ()
        super().__init__(base_url, credentials, limits, run_id, secrets=others, transport=transport)
        self.other = other

    def client(self, tag: str, credentials: DayZeroCredentials | None = None) -> DayZeroClient:
        """The client of a rule (of the second business, with its ``credentials``)."""
        second = None if credentials else (lambda: self._as_other_business(tag))
        own = credentials or self.credentials
        return DayZeroClient(
            self.http,
            own,
            tag=tag,
            tag_memos=True,
            other_business=second,
            control=self.control_url,
        )

    def _as_other_business(self, tag: str) -> DayZeroClient:
        api = self.client(tag, self.other or self._sandbox_tenant())
        self.clients.append(api)
        return api

    def _sandbox_tenant(self) -> DayZeroCredentials:
        """On a creditbox sandbox, a fresh tenant serves as the other business."""
        url = f"{self.control_url}/tenants"
        try:
            response = self.http.request("POST", url, json={"name": "creditbox-contracts"})
        except httpx.HTTPError:
            response = None
        if response is None or response.status_code != 201:
            raise Skipped(NEEDS_OTHER_BUSINESS)
        other = DayZeroCredentials.of(response.json()["credentials"]["dayzero"])
        self.http.secrets.update(other.secrets())
        return other
