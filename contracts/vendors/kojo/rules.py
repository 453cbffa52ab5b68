"""Kojo's documented behaviour as rules (seed 002 and Kojo's public documentation).

Kojo's API only reads, so the rules only read. Those that need credit memos to page through use
the target's own; on a creditbox sandbox with ``--allow-writes`` they first seed a tagged invoice
with credit memos through the control API.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from contracts.http import Limits, RecordingClient
from contracts.rules import RecordedSession, Rule, Skipped, rule
from contracts.sandbox_control import control_url, sandbox_tenant

SEED = "seeds/002_7688847675900ee0.txt (Credit Memos)"
ERRORS_PAGE = "https://docs.kojo.tech/docs/standards/errors"
FACTS = "vendor-facts.md, Kojo"
MEMOS_NEEDED = 5


@dataclass(frozen=True)
class KojoCredentials:
    client_id: str
    client_secret: str
    access_token: str
    # a legacy API key (--api-key), which Kojo takes as a bearer token that never expires
    legacy_api_key: str | None = None


class KojoApi:
    def __init__(
        self, http: RecordingClient, credentials: KojoCredentials, control_url: str, tag: str
    ) -> None:
        self.http = http
        self.credentials = credentials
        self.control_url = control_url
        self.tag = tag
        self.writes_allowed = False

    def post(self, query: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        bearer = self.credentials.access_token if token is None else token
        headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
        return self.http.request(
            "POST", "/graphql", json={"query": query}, headers=headers, **kwargs
        )

    def data(self, query: str) -> Any:
        response = self.post(query)
        assert response.status_code == 200, f"the query answered {response.status_code}"
        body = response.json()
        assert not body.get("errors"), f"the query was refused: {body['errors'][:2]}"
        return body["data"]

    def errors(self, query: str) -> list[dict[str, Any]]:
        response = self.post(query)
        body = response.json()
        found = body.get("errors") if isinstance(body, dict) else None
        assert found, (
            f"the query answered {response.status_code} without errors: {response.text[:300]}"
        )
        return list(found)

    def memo_ids(self, arguments: str = "") -> list[str]:
        query = f"{{ creditMemos{f'({arguments})' if arguments else ''} {{ id }} }}"
        return [memo["id"] for memo in self.data(query)["creditMemos"]]

    def enough_memos(self) -> list[str]:
        """At least ``MEMOS_NEEDED`` credit memos, seeded on a sandbox when writes are allowed."""
        found = self.memo_ids("limit: 100")
        if len(found) >= MEMOS_NEEDED:
            return found
        if self.writes_allowed and self._seed():
            return self.memo_ids("limit: 100")
        raise Skipped(
            f"needs at least {MEMOS_NEEDED} credit memos on the target "
            "(a creditbox sandbox seeds them with --allow-writes, and --admin-token if it has one)"
        )

    def seed_examples(self) -> bool:
        """On a sandbox: invoices with several items, and credit memos with tax, shipping and
        payments, so that every invariant has objects to judge and the paging rules have the
        memos they need. False elsewhere."""
        tenant = self._tenant()
        if tenant is None:
            return False
        base = f"{self.control_url}/tenants/{tenant}/kojo"
        for number in range(MEMOS_NEEDED):
            items = [
                {
                    "description": self.tag,
                    "quantity": 4 + n,
                    "unitPrice": 12.5 * (n + 1),
                    "unitsOfMeasure": "EA",
                }
                for n in range(3)
            ]
            invoice = self.http.request(
                "POST",
                f"{base}/invoices",
                json={"invoiceNumber": f"{self.tag} {number}", "tax": 3, "items": items},
            )
            assert invoice.status_code == 201, f"seeding an invoice answered {invoice.status_code}"
            invoiced = invoice.json()["invoiceItems"]
            memo = {
                "invoiceId": invoice.json()["id"],
                "tax": 1.25,
                "shippingCost": 2,
                "payments": 5,
                "items": [
                    {"invoiceItemId": invoiced[0]["id"], "quantity": 1},
                    {"invoiceItemId": invoiced[2]["id"], "quantity": 2},
                ],
            }
            seeded = self.http.request("POST", f"{base}/credit-memos", json=memo)
            assert seeded.status_code == 201, f"seeding a credit memo answered {seeded.status_code}"
        return True

    def _seed(self) -> bool:
        tenant = self._tenant()
        if tenant is None:
            return False
        # the memos go on the second invoice, so that a memo's invoice is never merely "the first"
        for _ in range(2):
            invoice = self.http.request(
                "POST",
                f"{self.control_url}/tenants/{tenant}/kojo/invoices",
                json={
                    "title": self.tag,
                    "items": [{"description": self.tag, "quantity": 100, "unitPrice": 1}],
                },
            )
            assert invoice.status_code == 201, f"seeding an invoice answered {invoice.status_code}"
        item = invoice.json()["invoiceItems"][0]["id"]
        for number in range(MEMOS_NEEDED):
            memo = self.http.request(
                "POST",
                f"{self.control_url}/tenants/{tenant}/kojo/credit-memos",
                json={
                    "invoiceId": invoice.json()["id"],
                    "creditMemoNumber": f"{self.tag} {number}",
                    "tax": 1.5,
                    "shippingCost": 2,
                    "payments": 4,
                    "items": [
                        {"invoiceItemId": item, "quantity": 1},
                        {"invoiceItemId": item, "quantity": 2},
                    ],
                },
            )
            assert memo.status_code == 201, f"seeding a credit memo answered {memo.status_code}"
        return True

    def legacy_api_key(self) -> str:
        """The legacy API key given (--api-key), else on a sandbox the tenant's own."""
        if self.credentials.legacy_api_key:
            return self.credentials.legacy_api_key
        found = sandbox_tenant(
            self.http, self.control_url, "kojo", "client_id", self.credentials.client_id
        )
        if found is None or not found[1].get("api_key"):
            raise Skipped("needs a legacy API key: pass --api-key")
        key = str(found[1]["api_key"])
        self.http.secrets.add(key)
        return key

    def _tenant(self) -> str | None:
        found = sandbox_tenant(
            self.http, self.control_url, "kojo", "client_id", self.credentials.client_id
        )
        return None if found is None else found[0]


class KojoSession(RecordedSession):
    def __init__(
        self, base_url: str, credentials: KojoCredentials, limits: Limits, run_id: str
    ) -> None:
        self.base_url = base_url
        self.http = RecordingClient(base_url, limits)
        self.http.secrets |= {credentials.client_secret, credentials.access_token}
        self.credentials = credentials
        self.run_id = run_id
        self.control_url = control_url(base_url)

    def begin(self, current: Rule, allow_writes: bool) -> KojoApi:
        api = KojoApi(
            self.http,
            self.credentials,
            self.control_url,
            f"creditbox-contracts {self.run_id} {current.id}",
        )
        api.writes_allowed = allow_writes
        return api

    def begin_examples(self) -> KojoApi:
        """The API object for seeding the schema layer's examples."""
        api = KojoApi(
            self.http, self.credentials, self.control_url, f"creditbox-contracts {self.run_id}"
        )
        api.writes_allowed = True
        return api


# the rules ---------------------------------------------------------------------------------


@rule(
    "kojo",
    "KJ-AUTH-REQUIRED",
    statement=(
        "A query without a valid Bearer token is refused with errors and no data, with HTTP 200 "
        "as every GraphQL result."
    ),
    source=f"{FACTS}: Authorization: Bearer <token> from POST /oauth2/token; {ERRORS_PAGE}",
    writes=False,
)
def auth_required(api: KojoApi) -> None:
    for token in ("", "not-a-token"):
        response = api.post("{ creditMemos(limit: 1) { id } }", token=token)
        body = response.json()
        assert body.get("errors"), f"a query with token {token!r} answered without errors"
        assert not (body.get("data") or {}).get("creditMemos"), "the refused query returned data"
        assert response.status_code == 200, (
            f"a query with token {token!r} was refused with HTTP {response.status_code}; Kojo "
            "answers every GraphQL result, errors included, with HTTP 200"
        )


@rule(
    "kojo",
    "KJ-LEGACY-API-KEY",
    statement="A legacy API key, sent as the Bearer token, is accepted: the query answers data "
    "and no errors.",
    source="https://docs.kojo.tech/docs (authentication): an OAuth 2.0 access token or a legacy "
    "API key; legacy keys never expire",
    writes=False,
)
def legacy_api_key(api: KojoApi) -> None:
    response = api.post("{ creditMemos(limit: 1) { id } }", token=api.legacy_api_key())
    body = response.json()
    assert response.status_code == 200 and not body.get("errors"), (
        f"a query with the legacy API key answered {response.status_code}: {str(body)[:200]}"
    )
    assert isinstance((body.get("data") or {}).get("creditMemos"), list), "no creditMemos came"


@rule(
    "kojo",
    "KJ-TOKEN-CLIENT-CREDENTIALS",
    statement="POST /oauth2/token (client_credentials) answers a bearer token valid 3600 seconds.",
    source=f"{FACTS}: client_credentials → {{access_token, token_type: bearer, expires_in: 3600}}",
    writes=False,
)
def token_endpoint(api: KojoApi) -> None:
    response = api.http.request(
        "POST",
        "/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": api.credentials.client_id,
            "client_secret": api.credentials.client_secret,
        },
    )
    assert response.status_code == 200, f"the token endpoint answered {response.status_code}"
    body = response.json()
    api.http.secrets.add(str(body.get("access_token")))
    assert str(body.get("token_type", "")).lower() == "bearer", (
        f"token_type is {body.get('token_type')}"
    )
    assert body.get("expires_in") == 3600, f"expires_in is {body.get('expires_in')}"


@rule(
    "kojo",
    "KJ-ERROR-SHAPE",
    statement=(
        "A malformed query, and a body that is not a GraphQL request, are answered with HTTP 200 "
        "and {errors: [{message, requestId}]}."
    ),
    source=f"{ERRORS_PAGE}: errors [{{message, requestId}}]; always HTTP 200",
    writes=False,
)
def error_shape(api: KojoApi) -> None:
    for query in ("{ creditMemos(limit: 1 { id } }", "{ creditMemos { noSuchField } }"):
        for error in api.errors(query):
            assert error.get("message") and error.get("requestId"), f"an error entry is {error}"
    bearer = {"Authorization": f"Bearer {api.credentials.access_token}"}
    bodies: list[dict[str, Any]] = [{"query": "{ creditMemos(limit: 1 { id } }"}, {"variables": {}}]
    for body in bodies:
        response = api.http.request("POST", "/graphql", json=body, headers=bearer)
        assert response.status_code == 200, (
            f"{body} was refused with HTTP {response.status_code}; Kojo answers every GraphQL "
            "result, errors included, with HTTP 200"
        )
        assert response.json().get("errors"), f"{body} answered without errors"


@rule(
    "kojo",
    "KJ-LIMIT-MAX-100",
    statement="A limit above 100 is an error, not a silent cut to 100.",
    source=f"{FACTS}: limit (default and maximum 100)",
    writes=False,
)
def limit_max(api: KojoApi) -> None:
    response = api.post("{ creditMemos(limit: 101) { id } }")
    body = response.json()
    assert body.get("errors"), (
        f"limit 101 answered {len(body['data']['creditMemos'])} memos and no error"
    )


@rule(
    "kojo",
    "KJ-PAGINATION-EXACTLY-ONCE",
    statement="Paging with limit and offset returns every credit memo exactly once, in order.",
    source=f"{FACTS}: plural fields take limit and offset (default 0)",
    writes=False,
)
def pagination(api: KojoApi) -> None:
    everything = api.enough_memos()
    paged: list[str] = []
    for offset in range(0, len(everything), 2):
        paged += api.memo_ids(f"limit: 2, offset: {offset}")
    assert paged == everything, (
        f"pages of 2 gave {len(paged)} memos ({len(set(paged))} distinct); "
        f"one page of 100 gave {len(everything)}"
    )


@rule(
    "kojo",
    "KJ-ORDER-DIRECTION",
    statement="direction DESC lists credit memos in the reverse order of ASC (default createdAt).",
    source=f"{FACTS}: orderBy (default createdAt), direction (ASC|DESC, default ASC)",
    writes=False,
)
def order_direction(api: KojoApi) -> None:
    ascending = api.enough_memos()
    descending = api.memo_ids("limit: 100, direction: DESC")
    if len(ascending) == 100:
        raise Skipped("more than 100 credit memos: the two orders cannot be compared whole")
    assert descending == list(reversed(ascending)), "DESC is not the reverse of ASC"
    stamps = [
        memo["updatedAt"]
        for memo in api.data("{ creditMemos(limit: 100, orderBy: updatedAt) { updatedAt } }")[
            "creditMemos"
        ]
    ]
    assert stamps == sorted(stamps), "orderBy: updatedAt is not in updatedAt order"


@rule(
    "kojo",
    "KJ-ORDER-BY-ANY-SCALAR",
    statement="orderBy takes a number field too: credit memos by totalDue come in totalDue order "
    "both ways.",
    source="https://seller.kojo.tech/docs/standards/filters: orderBy any string, numeric or "
    "date-time field",
    writes=False,
)
def order_by_any_scalar(api: KojoApi) -> None:
    api.enough_memos()
    for direction in ("ASC", "DESC"):
        arguments = f"limit: 100, orderBy: totalDue, direction: {direction}"
        query = f"{{ creditMemos({arguments}) {{ totalDue }} }}"
        dues = [memo["totalDue"] for memo in api.data(query)["creditMemos"]]
        assert dues == sorted(dues, reverse=direction == "DESC"), (
            f"orderBy: totalDue {direction} listed totalDue as {dues[:8]}"
        )


# five memos with everything nested: well within Kojo's 100 entities a request
EVERYTHING = """{
  creditMemos(limit: 5) {
    id invoiceId creditMemoNumber subtotal tax shippingCostFloat payments totalDue
    invoice { id }
    creditMemoItems {
      id creditMemoId invoiceItemId lineNumber quantity unitPriceFloat extPriceFloat
      creditMemo { id }
      invoiceItem { id invoiceId quantity unitPriceFloat extPriceFloat invoice { id } }
    }
  }
}"""


@rule(
    "kojo",
    "KJ-MEMO-ARITHMETIC",
    statement=(
        "Queried in full, every credit memo's items, prices, subtotal and total due add up, and "
        "every nested object is the one its id names."
    ),
    source=f"{SEED}: CreditMemo and CreditMemoItem fields; specs/kojo.graphql (totalDue)",
    writes=False,
)
def memo_arithmetic(api: KojoApi) -> None:
    from contracts.vendors.kojo import checks as checks

    api.enough_memos()
    body = {"data": api.data(EVERYTHING)}
    judged = {name: checks.run_check(name, body) for name in checks.ALL_CHECKS}
    unjudged = [
        name
        for name, count in judged.items()
        if not count and name != "kojo_errors_carry_request_ids"
    ]
    assert not unjudged, f"the credit memos gave nothing to judge for {unjudged}"
