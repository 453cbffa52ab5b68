"""Kojo's GraphQL API as a client calls it (a Bearer token from its OAuth step, or a legacy API
key), and the rules' session over it.

Kojo's API only reads. On a creditbox sandbox the control API seeds invoices and credit memos
(tagged with the run) for the rules and the schema layer to read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from contracts.api_client import ApiClient, ClientCredentials, expect_status
from contracts.rules import RecordedSession, Skipped

MEMOS_NEEDED = 5


@dataclass(frozen=True)
class KojoCredentials(ClientCredentials):
    client_id: str
    client_secret: str
    access_token: str = ""  # from the token step (the harness's login; ``KojoClient.login``)
    # a legacy API key (--api-key), which Kojo takes as a bearer token that never expires
    legacy_api_key: str | None = None
    secret_fields = ("client_secret", "access_token", "legacy_api_key")


class KojoClient(ApiClient[KojoCredentials]):
    """GraphQL queries to Kojo; a query that must succeed asserts it (``AssertionError``)."""

    vendor = "kojo"
    tenant_field = "client_id"

    @property
    def headers(self) -> dict[str, str]:
        token = self.credentials.access_token
        return {"Authorization": f"Bearer {token}"} if token else {}

    # the token step --------------------------------------------------------------------------

    def request_token(self, **form: str) -> httpx.Response:
        """``POST /oauth2/token`` with the client credentials grant (``form`` on top)."""
        body = {
            "grant_type": "client_credentials",
            "client_id": self.credentials.client_id,
            "client_secret": self.credentials.client_secret,
            **form,
        }
        return self.http.request("POST", self.url("/oauth2/token"), data=body)

    def login(self) -> KojoClient:
        """This client with a token from the token step."""
        response = self.request_token()
        expect_status(response, 200, "the token endpoint")
        token = self.keep_secret(str(response.json()["access_token"]))
        self.credentials = KojoCredentials(
            self.credentials.client_id,
            self.credentials.client_secret,
            token,
            self.credentials.legacy_api_key,
        )
        return self

    # queries ---------------------------------------------------------------------------------

    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """``query`` (with ``variables``) to ``/graphql``; as ``token`` when given ("": none)."""
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if token is not None:
            kwargs["headers"] = {"Authorization": f"Bearer {token}"} if token else {}
            return self.http.request("POST", self.url("/graphql"), json=body, **kwargs)
        return self.call("POST", "/graphql", json=body, **kwargs)

    def data(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        """The data of a query that must succeed (HTTP 200, no errors)."""
        response = self.post(query, variables)
        expect_status(response, 200, "the query")
        body = response.json()
        assert isinstance(body, dict), f"the answer is not a GraphQL result: {response.text[:300]}"
        assert "errors" not in body, f"the query was refused: {body['errors']}"
        assert "data" in body, f"the answer has no data: {response.text[:300]}"
        return body["data"]

    def errors(self, query: str, variables: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The errors of a query that must be refused (HTTP 200, as every GraphQL result)."""
        response = self.post(query, variables)
        expect_status(response, 200, "the query")
        body = response.json()
        found = body.get("errors") if isinstance(body, dict) else None
        assert found, f"the query answered without errors: {response.text[:300]}"
        return list(found)

    def memo_ids(self, arguments: str = "") -> list[str]:
        query = f"{{ creditMemos{f'({arguments})' if arguments else ''} {{ id }} }}"
        return [memo["id"] for memo in self.data(query)["creditMemos"]]

    # a creditbox sandbox's control API: Kojo's API has no mutations ------------------------

    def seed_invoice(
        self, *items: tuple[float, float], description: str | None = None, **fields: Any
    ) -> Any:
        """An invoice with one item per (quantity, unit price), described as ``description``
        (by default ``item <n>``)."""
        lines = [
            {
                "description": description or f"item {n}",
                "quantity": quantity,
                "unitPrice": price,
                "unitsOfMeasure": "EA",
            }
            for n, (quantity, price) in enumerate(items, start=1)
        ]
        return self.seed("invoices", {"items": lines, **fields})

    def seed_memo(self, invoice: Any, *credits: tuple[int, float], **fields: Any) -> Any:
        """A credit memo of ``invoice`` crediting (index of the invoice item, quantity) pairs."""
        items = [
            {"invoiceItemId": invoice["invoiceItems"][index]["id"], "quantity": quantity}
            for index, quantity in credits
        ]
        return self.seed("credit-memos", {"invoiceId": invoice["id"], "items": items, **fields})

    # what the harness does with them -------------------------------------------------------

    def enough_memos(self) -> list[str]:
        """At least ``MEMOS_NEEDED`` credit memos, seeded on a sandbox when writes are allowed."""
        found = self.memo_ids("limit: 100")
        if len(found) >= MEMOS_NEEDED:
            return found
        if self.writes_allowed and self.tenant() is not None:
            # the memos go on the second invoice, so that a memo's invoice is never merely "the
            # first"
            _, second = (
                self.seed_invoice((100, 1), description=self.tag, title=self.tag) for _ in "ab"
            )
            for number in range(MEMOS_NEEDED):
                costs = {"tax": 1.5, "shippingCost": 2, "payments": 4}
                # each memo credits one more than the last: no two have the same totals, so an
                # order by them shows
                self.seed_memo(
                    second,
                    (0, 1),
                    (0, 2 + number),
                    creditMemoNumber=f"{self.tag} {number}",
                    **costs,
                )
            return self.memo_ids("limit: 100")
        raise Skipped(
            f"needs at least {MEMOS_NEEDED} credit memos on the target "
            "(a creditbox sandbox seeds them with --allow-writes, and --admin-token if it has one)"
        )

    def seed_examples(self) -> bool:
        """On a sandbox: invoices with several items, and credit memos with tax, shipping and
        payments, so that every invariant has objects to judge and the paging rules have the
        memos they need. False elsewhere."""
        if self.tenant() is None:
            return False
        for number in range(MEMOS_NEEDED):
            items = [(4 + n, 12.5 * (n + 1)) for n in range(3)]
            invoice = self.seed_invoice(
                *items, description=self.tag, invoiceNumber=f"{self.tag} {number}", tax=3
            )
            # one more of the third item each time: no two memos have the same totals
            credits = ((0, 1), (2, 1 + number))
            self.seed_memo(invoice, *credits, tax=1.25, shippingCost=2, payments=5)
        return True

    def legacy_api_key(self) -> str:
        """The legacy API key given (--api-key), else on a sandbox the tenant's own."""
        if self.credentials.legacy_api_key:
            return self.credentials.legacy_api_key
        found = self.sandbox_tenant()
        if found is None or not found[1].get("api_key"):
            raise Skipped("needs a legacy API key: pass --api-key")
        return self.keep_secret(str(found[1]["api_key"]))


class KojoSession(RecordedSession[KojoCredentials]):
    """Runs Kojo rules against one base URL with one set of credentials."""

    def client(self, tag: str) -> KojoClient:
        return KojoClient(self.http, self.credentials, tag=tag, control=self.control_url)
