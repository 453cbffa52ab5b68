"""COUNT's Partner API as a client calls it, every request signed
(:mod:`contracts.vendors.count.signing`), and the rules' session over it.

Records a rule creates carry the run's tag in ``notes`` (customers in their name, transactions in
their description); drafts are deleted afterwards, credit a rule applied and transactions it
assigned to invoices are removed, and so are the customers a rule makes without putting records
on them. COUNT cannot delete an approved record, so those stay, tagged (with the customers they
are made for), and so do transactions.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from contracts.api_client import ApiClient, ClientCredentials, attempt
from contracts.checks import expected
from contracts.http import Limits, Requester
from contracts.rules import RecordedSession
from contracts.vendors.count.checks import resource
from contracts.vendors.count.signing import CountSigner, signed_path


@dataclass(frozen=True)
class CountCredentials(ClientCredentials):
    client_id: str
    client_secret: str
    access_token: str
    secret_fields = ("client_secret", "access_token")

    def signer(
        self, client_secret: str | None = None, clock: Callable[[], float] = time.time
    ) -> CountSigner:
        """Signs as these credentials (with another secret, if given: a wrong signature), with
        ``x-timestamp`` read from ``clock`` (Unix seconds unless it counts otherwise)."""
        secret = self.client_secret if client_secret is None else client_secret
        return CountSigner(self.client_id, secret, self.access_token, clock)


class CountClient(ApiClient[CountCredentials]):
    """Signed COUNT calls; a step that must succeed asserts its status (``AssertionError``)."""

    vendor = "count"
    root = "/partners"
    tenant_field = "client_id"

    def __init__(self, http: Requester, credentials: CountCredentials, **options: Any) -> None:
        super().__init__(http, credentials, **options)
        self.signer = credentials.signer()
        self.drafts: list[str] = []  # records created, deleted afterwards (refused once approved)
        self.credit: list[tuple[str, str]] = []  # (invoice, memo) pairs to remove afterwards
        self.paid: list[tuple[str, str]] = []  # (invoice, transaction) pairs to remove afterwards
        self.customers_made: list[str] = []  # customers without records, deleted afterwards
        self.ambiguous_uuid: str | None = None  # a UUID the target answers 409 for, if given

    def read(self, body: Any) -> Any:
        return resource(body)

    def auth_headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        return self.signer.headers(method, signed_path(path), body)

    def call(
        self, method: str, path: str, headers: dict[str, Any] | None = None, **kwargs: Any
    ) -> httpx.Response:
        kwargs.setdefault("auth", self.signer)
        return super().call(method, path, headers, **kwargs)

    # the partner OAuth flow -------------------------------------------------------------------

    def authorize(self, redirect_uri: str, state: str) -> httpx.Response:
        """``GET /auth2/authorize-intiate`` (COUNT's client's spelling): no partner
        authentication, the client id in the query."""
        params = {"clientId": self.credentials.client_id, "redirectUri": redirect_uri}
        return self.http.request(
            "GET", f"{self.prefix}/auth2/authorize-intiate", params={**params, "state": state}
        )

    def grant(self, body: dict[str, Any], path: str = "/grant-access-token") -> httpx.Response:
        """A signed token request (``/grant-access-token`` or ``/refresh-user-access-token``),
        without a bearer token."""
        signer = self.credentials.signer()
        return self.http.request("POST", self.url(path), json=body, auth=signer.without_token())

    def with_token(self, access_token: str) -> CountClient:
        """A client of the same target signing with the same client, bearing ``access_token``."""
        credentials = CountCredentials(
            self.credentials.client_id, self.credentials.client_secret, access_token
        )
        self.keep_secret(access_token)
        return CountClient(
            self.http, credentials, prefix=self.prefix, tag=self.tag, control=self.control
        )

    # customers and products ------------------------------------------------------------------

    def customer(self, name: str | None = None, email: str | None = None) -> dict[str, Any]:
        """A customer (a new email unless given: COUNT refuses a duplicate)."""
        email = email or f"{uuid.uuid4().hex}@creditbox-contracts.example"
        return self.expect(
            "POST", "/customers", 201, json={"customer": name or self.tag, "email": email}
        )

    def _posted(self, path: str, body: dict[str, Any], made: list[str]) -> httpx.Response:
        """POST ``body`` to ``path``; the id of what it created goes into ``made``, for the
        clean-up to delete."""
        response = self.call("POST", path, json=body)
        if response.is_success:
            created = self.body(response)
            if isinstance(created, dict) and isinstance(created.get("id"), str):
                made.append(created["id"])
        return response

    def create_customer(self, body: dict[str, Any]) -> httpx.Response:
        """POST a customer that no record is put on; one that was created is deleted
        afterwards."""
        return self._posted("/customers", body, self.customers_made)

    def bulk_customers(self, rows: list[dict[str, Any]]) -> httpx.Response:
        """POST rows to the bulk create; the customers it made are deleted afterwards."""
        response = self.call("POST", "/customers/bulk", json={"customers": rows})
        answer = self.body(response) if response.is_success else None
        for result in answer.get("results", []) if isinstance(answer, dict) else []:
            customer = result.get("customer") if isinstance(result, dict) else None
            if isinstance(customer, dict) and isinstance(customer.get("id"), str):
                self.customers_made.append(customer["id"])
        return response

    def customers(self, **params: Any) -> Any:
        return self.expect("GET", "/customers", 200, params=params)

    def product(self, name: str | None = None, unit_price: float = 1) -> dict[str, Any]:
        return self.expect(
            "POST", "/products", 201, json={"name": name or self.tag, "unitPrice": unit_price}
        )

    def basics(self) -> tuple[str, str]:
        """A new tagged customer and product to put on records."""
        return self.customer()["id"], self.product()["id"]

    # invoices and credit memos (one record type) ---------------------------------------------

    def create_body(
        self, kind: str, customer: str, product: str, amount: float
    ) -> tuple[dict[str, Any], int]:
        """A create body in the expected reading of ``count.create``, and the status it gets."""
        body: dict[str, Any] = {
            "invoiceType": kind,
            "customerUuid": customer,
            "date": "2026-01-15",
            "notes": self.tag,
        }
        if expected("count.create") == "reference":
            line = {"productUuid": product, "description": self.tag, "quantity": 1, "price": amount}
            number = f"CBX-{uuid.uuid4().hex[:12]}"
            reference = {"invoiceNumber": number, "dueDate": "2026-02-14", "isDraft": True}
            return {**body, **reference, "products": [{**line, "taxes": []}]}, 200
        return {
            **body,
            "products": [{"productUuid": product, "quantity": 1, "unitPrice": amount}],
        }, 201

    def create(self, body: dict[str, Any]) -> httpx.Response:
        """POST a record; one that was created is deleted afterwards, whatever the status."""
        return self._posted("/invoices", body, self.drafts)

    def record(
        self,
        kind: str,
        amount: float,
        approve: bool = True,
        basics: tuple[str, str] | None = None,
        fields: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A new record of ``kind`` (``invoice``, ``memo``) of one line of ``amount``, for a new
        customer (or the customer and product ``basics`` name), with ``fields`` set besides;
        approved unless ``approve`` is False (a memo draft: sent, in the client's reading of
        ``count.memo-draft-approve``)."""
        customer, product = basics or self.basics()
        body, status = self.create_body(kind, customer, product, amount)
        created = self.answer(self.create({**body, **(fields or {})}), status, "POST /invoices")
        if not approve:
            return created
        if kind == "memo" and expected("count.memo-draft-approve") == "client":
            return self.answer(self.send(created["id"]), 200, "send")
        return self.answer(self.approve(created["id"]), 200, "approve")

    def get(self, record_id: str) -> dict[str, Any]:
        return self.expect("GET", f"/invoices/{record_id}", 200)

    def invoices(self, **params: Any) -> Any:
        """One page of the record list."""
        return self.expect("GET", "/invoices", 200, params=params)

    def update(self, record_id: str, fields: dict[str, Any]) -> httpx.Response:
        return self.call("PATCH", f"/invoices/{record_id}", json=fields)

    def approve(self, record_id: str) -> httpx.Response:
        return self.call("PATCH", f"/invoices/{record_id}/approve")

    def send(self, record_id: str) -> httpx.Response:
        return self.call("POST", f"/invoices/{record_id}/send", json={})

    def delete(self, record_id: str) -> httpx.Response:
        return self.call("DELETE", f"/invoices/{record_id}")

    def apply(self, invoice_id: str, memo_id: str, amount: float | str) -> httpx.Response:
        """Apply ``amount`` (a number, or a decimal string as COUNT's client sends it)."""
        response = self.call(
            "PATCH",
            f"/invoices/{invoice_id}/apply-multiple-credit-to-invoice",
            json={"creditMemos": [{"id": memo_id, "amount": amount}]},
        )
        if response.is_success:
            self.credit.append((invoice_id, memo_id))
        return response

    def apply_to_invoices(self, memo_id: str, amounts: dict[str, float]) -> httpx.Response:
        """Apply ``memo_id``'s credit to each invoice of ``amounts`` (invoice id -> amount)."""
        lines = [{"id": invoice_id, "amount": amount} for invoice_id, amount in amounts.items()]
        response = self.call(
            "PATCH",
            f"/invoices/{memo_id}/apply-credit-to-multiple-invoices",
            json={"invoices": lines},
        )
        if response.is_success:
            self.credit += [(invoice_id, memo_id) for invoice_id in amounts]
        return response

    def remove_credit(self, invoice_id: str, memo_id: str) -> httpx.Response:
        """Unapply ``memo_id`` from ``invoice_id``; credit removed is not removed again
        afterwards."""
        response = self.call(
            "PATCH", f"/invoices/{invoice_id}/remove-credit", json={"memoId": memo_id}
        )
        if response.is_success:
            self.credit = [pair for pair in self.credit if pair != (invoice_id, memo_id)]
        return response

    # transactions and the payments they make -------------------------------------------------

    def transaction(
        self, amount: float | str, kind: str = "Income", **fields: Any
    ) -> dict[str, Any]:
        """A new transaction of ``amount`` and type ``kind``, recorded by hand, tagged in its
        description (COUNT has no way to delete it here: it stays, with nothing assigned)."""
        body = {
            "accUuid": "creditbox-contracts",
            "amount": amount,
            "postedDate": "2026-01-20",
            "type": kind,
            "description": self.tag,
            **fields,
        }
        return self.expect("POST", "/transactions", 201, json=body)

    def assign(
        self, transaction_id: str, payments: dict[str, float | str], **body: Any
    ) -> httpx.Response:
        """Pay each invoice of ``payments`` (invoice id -> paymentAmount) out of
        ``transaction_id``."""
        records = [{"id": invoice, "paymentAmount": amount} for invoice, amount in payments.items()]
        response = self.call(
            "POST",
            f"/transactions/{transaction_id}/assign-to-bills-invoices",
            json={"matchingType": "invoice", "records": records, **body},
        )
        if response.is_success:
            self.paid += [(invoice, transaction_id) for invoice in payments]
        return response

    def remove_transaction(self, invoice_id: str, transaction_id: str) -> httpx.Response:
        """Unlink ``transaction_id``'s payment from ``invoice_id``; a payment removed is not
        removed again afterwards."""
        response = self.call(
            "PATCH",
            f"/invoices/{invoice_id}/remove-transaction",
            json={"transactionId": transaction_id},
        )
        if response.is_success:
            self.paid = [pair for pair in self.paid if pair != (invoice_id, transaction_id)]
        return response

    # what the harness does with them -------------------------------------------------------

    def seed_examples(self) -> None:
        """An approved invoice and memo with part of the memo applied, for the schema layer to
        read (its invariants check only what responses carry). Left in place, as Schemathesis'
        own writes are."""
        invoice = self.record("invoice", 100)["id"]
        memo = self.record("memo", 30)["id"]
        answer = self.apply(invoice, memo, 10)
        assert answer.is_success, f"apply answered {answer.status_code}: {answer.text[:300]}"

    def clean_up(self) -> list[str]:
        """Remove the payments and the credit applied, delete the drafts and the customers made
        without records; what could not be, in words."""
        trouble: list[str] = []
        for invoice_id, transaction_id in list(dict.fromkeys(self.paid)):
            attempt(
                lambda: self.remove_transaction(invoice_id, transaction_id),  # noqa: B023
                trouble,
                f"payment {transaction_id}",
            )
        for invoice_id, memo_id in list(self.credit):
            attempt(lambda: self.remove_credit(invoice_id, memo_id), trouble, f"credit {memo_id}")  # noqa: B023
        for record_id in self.drafts:
            attempt(lambda: self.delete(record_id), trouble, record_id)  # noqa: B023
        for customer_id in self.customers_made:
            attempt(
                lambda: self.expect("DELETE", f"/customers/{customer_id}", 200),  # noqa: B023
                trouble,
                f"customer {customer_id}",
            )
        return trouble

    def audit_log(self, record_id: str) -> Any:
        """The record's audit log (its entries under ``auditLog``)."""
        return self.expect("GET", f"/invoices/{record_id}/audit-log", 200)


class CountSession(RecordedSession[CountCredentials]):
    """Runs COUNT rules against one base URL with one set of credentials."""

    def __init__(
        self,
        base_url: str,
        credentials: CountCredentials,
        limits: Limits,
        run_id: str,
        ambiguous_uuid: str | None = None,
    ) -> None:
        super().__init__(base_url, credentials, limits, run_id)
        self.ambiguous_uuid = ambiguous_uuid

    def client(self, tag: str) -> CountClient:
        api = CountClient(self.http, self.credentials, tag=tag, control=self.control_url)
        api.ambiguous_uuid = self.ambiguous_uuid
        return api
