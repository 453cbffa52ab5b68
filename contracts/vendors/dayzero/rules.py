"""DayZero's documented behaviour as rules (seeds 001 and 004, and DayZero's public pages).

Every object a rule creates is tagged with the run (memo ``description`` and ``internal_notes``,
customer name, invoice line description) and cleaned up afterwards where DayZero allows it:
applications are unapplied, drafts deleted, issued memos voided. DayZero has no way to delete a
customer or an invoice, so those stay, tagged.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from contracts.checks import expected
from contracts.http import Exchange, Limits, RecordingClient
from contracts.rules import Rule, RuleSession, Skipped, rule
from contracts.rules.paging import assert_each_once
from contracts.sandbox_control import control_url
from contracts.vendors.dayzero.checks import resource

SEED_ISSUE = "seeds/001_434e80bb61e1accb.txt (Issue credit memo)"
SEED_LIST = "seeds/004_48734ccb9abe615e.txt (List credit memos)"
FACTS = "vendor-facts.md, DayZero"
OURS = "creditbox's documented choice (specs/dayzero.yaml)"
NEEDS_OTHER_BUSINESS = "needs a second business: pass --other-token and --other-business-id"
PAGE_KEYS = {"items", "total", "limit", "next_cursor", "prev_cursor", "has_next", "has_prev"}
GUIDE_PAGE_KEYS = {"has_more"}  # the pagination guide's name for has_next
PAGINATION_GUIDE = "https://www.ondayzero.com/docs/guides/pagination"


@dataclass(frozen=True)
class Credentials:
    token: str
    business_id: str


class DayZeroApi:
    """DayZero calls as a rule makes them; every unexpected status is an ``AssertionError``."""

    def __init__(
        self,
        http: RecordingClient,
        credentials: Credentials,
        tag: str,
        other_business: Callable[[], DayZeroApi] | None = None,
    ) -> None:
        self.http = http
        self.credentials = credentials
        self.tag = tag
        self.writes_allowed = False
        self.created_memos: list[str] = []
        self._other_business = other_business

    @property
    def headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.credentials.token}",
            "x-business-id": self.credentials.business_id,
        }

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.http.request(method, f"/api/v1{path}", headers=headers, **kwargs)

    def expect(self, method: str, path: str, status: int, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, (
            f"{method} {path} answered {response.status_code}, expected {status}: "
            f"{response.text[:300]}"
        )
        return resource(response.json()) if response.content else None

    # building blocks ------------------------------------------------------------------------

    def customer(self) -> dict[str, Any]:
        return self.expect("POST", "/customers", 201, json={"name": self.tag})

    def open_invoice(self, customer_id: str, cents: int) -> dict[str, Any]:
        line = {"description": self.tag, "quantity": 1, "unit_price": cents}
        invoice = self.expect(
            "POST", "/invoices", 201, json={"customer_id": customer_id, "line_items": [line]}
        )
        return self.expect("POST", f"/invoices/{invoice['id']}/finalize", 201)

    def draft(self, customer_id: str, cents: int, **fields: Any) -> dict[str, Any]:
        body = {
            "customer_id": customer_id,
            "amount_cents": cents,
            "description": self.tag,
            "internal_notes": self.tag,
            **fields,
        }
        response = self.call("POST", "/credit-memos", json=body)
        created = _json_or_none(response)
        if response.is_success and isinstance(created, dict) and isinstance(created.get("id"), str):
            self.created_memos.append(created["id"])  # whatever the status, it must be cleaned up
        assert response.status_code == 201, (
            f"POST /credit-memos answered {response.status_code}, expected 201: "
            f"{response.text[:300]}"
        )
        return resource(response.json())

    def issued(self, customer_id: str, cents: int, **fields: Any) -> dict[str, Any]:
        memo = self.draft(customer_id, cents, **fields)
        return self.expect("POST", f"/credit-memos/{memo['id']}/issue", 201)

    def apply(self, memo_id: str, invoice_id: str, cents: int) -> httpx.Response:
        body = {"invoice_id": invoice_id, "amount_cents": cents}
        return self.call("POST", f"/credit-memos/{memo_id}/apply", json=body)

    def unapply(self, memo_id: str, invoice_id: str) -> httpx.Response:
        return self.call(
            "POST", f"/credit-memos/{memo_id}/unapply", json={"invoice_id": invoice_id}
        )

    def memo(self, memo_id: str) -> dict[str, Any]:
        return self.expect("GET", f"/credit-memos/{memo_id}", 200)

    def invoice(self, invoice_id: str) -> dict[str, Any]:
        return self.expect("GET", f"/invoices/{invoice_id}", 200)

    def seed_examples(self) -> None:
        """Memos in each state for the schema layer to read (its invariants check only what
        responses carry): a draft, an issued memo, and one partly applied to an open invoice.
        Left in place, as Schemathesis' own writes are."""
        customer = self.customer()["id"]
        invoice = self.open_invoice(customer, 10_000)["id"]
        self.draft(customer, 700)
        self.issued(customer, 500)
        applied = self.issued(customer, 3_000)["id"]
        answer = self.apply(applied, invoice, 2_000)
        assert answer.is_success, f"apply answered {answer.status_code}: {answer.text[:300]}"

    def other_business(self) -> DayZeroApi:
        """The same API as a second business, for isolation rules (skipped without one)."""
        if self._other_business is None:
            raise Skipped(NEEDS_OTHER_BUSINESS)
        return self._other_business()


class DayZeroSession(RuleSession):
    """Runs DayZero rules against one base URL with one set of credentials."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        limits: Limits,
        run_id: str,
        other: Credentials | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url
        self.http = RecordingClient(base_url, limits, transport=transport)
        self.http.secrets |= {credentials.token, other.token if other else ""}
        self.credentials = credentials
        self.run_id = run_id
        self.other = other
        self._apis: list[DayZeroApi] = []

    def begin(self, current: Rule, allow_writes: bool) -> DayZeroApi:
        tag = f"creditbox-contracts {self.run_id} {current.id}"
        api = DayZeroApi(self.http, self.credentials, tag, lambda: self._as_other_business(tag))
        api.writes_allowed = allow_writes
        self._apis = [api]
        return api

    def _as_other_business(self, tag: str) -> DayZeroApi:
        credentials = self.other or self._sandbox_tenant()
        api = DayZeroApi(self.http, credentials, tag)
        self._apis.append(api)
        return api

    def _sandbox_tenant(self) -> Credentials:
        """On a creditbox sandbox, a fresh tenant serves as the other business."""
        url = f"{control_url(self.base_url)}/tenants"
        try:
            response = self.http.request("POST", url, json={"name": "creditbox-contracts"})
        except httpx.HTTPError:
            response = None
        if response is None or response.status_code != 201:
            raise Skipped(NEEDS_OTHER_BUSINESS)
        credentials = response.json()["credentials"]["dayzero"]
        self.http.secrets.add(credentials["token"])
        return Credentials(credentials["token"], credentials["business_id"])

    def end(self) -> tuple[list[Exchange], str]:
        """The rule's own exchanges (its evidence); then clean up, and say what could not be."""
        evidence = self.http.take_exchanges()
        trouble = []
        with self.http.unbudgeted():
            for api in self._apis:
                for memo_id in reversed(api.created_memos):
                    try:
                        _clean_up_memo(api, memo_id)
                    except Exception as error:  # best effort; the report says what is left
                        trouble.append(f"{memo_id} not cleaned up: {type(error).__name__}: {error}")
        self._apis = []
        self.http.take_exchanges()
        return evidence, "; ".join(trouble)

    def mask(self, text: str) -> str:
        return self.http.mask(text)

    def close(self) -> None:
        self.http.close()


def conflict_status() -> int:
    """What a status conflict answers in the expected reading of ``dayzero.conflict-status``:
    400 as the reference pages list it, or 409 as the error-handling guide names it."""
    return 409 if expected("dayzero.conflict-status") == "conflict" else 400


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return resource(response.json())
    except ValueError:
        return None


def _clean_up_memo(api: DayZeroApi, memo_id: str) -> None:
    response = api.call("GET", f"/credit-memos/{memo_id}")
    if response.status_code == 404:
        return
    memo = resource(response.json())
    for invoice_id in {application["invoice_id"] for application in memo["applications"]}:
        api.expect("POST", f"/credit-memos/{memo_id}/unapply", 201, json={"invoice_id": invoice_id})
    if memo["status"] == "draft":
        api.expect("DELETE", f"/credit-memos/{memo_id}", 204)
    elif memo["status"] != "void":
        api.expect("POST", f"/credit-memos/{memo_id}/void", 201, json={"reason": api.tag})


# --- read-only rules -------------------------------------------------------------------------


@rule(
    "dayzero",
    "DZ-AUTH-UNKNOWN-TOKEN",
    statement="A request with an unknown API token is refused with 401 and a {detail} body.",
    source=f"{SEED_ISSUE}: 401 Unauthorized; {FACTS}: errors",
    writes=False,
)
def unknown_token(api: DayZeroApi) -> None:
    response = api.call("GET", "/credit-memos", headers={"Authorization": "Bearer dz_not_a_token"})
    assert response.status_code == 401, f"unknown token answered {response.status_code}"
    assert isinstance(response.json().get("detail"), str), f"401 body is {response.text[:200]}"


@rule(
    "dayzero",
    "DZ-AUTH-FOREIGN-BUSINESS",
    statement="A business id the token may not act on is refused with 403.",
    source=f"{SEED_ISSUE}: 403 Forbidden; authentication via x-business-id",
    writes=False,
)
def foreign_business(api: DayZeroApi) -> None:
    response = api.call("GET", "/credit-memos", headers={"x-business-id": str(uuid.uuid4())})
    assert response.status_code == 403, f"a foreign business id answered {response.status_code}"
    assert isinstance(response.json().get("detail"), str), f"403 body is {response.text[:200]}"


@rule(
    "dayzero",
    "DZ-LIST-PAGE-SHAPE",
    statement="Listing returns items, total, limit, next_cursor, prev_cursor, has_next, has_prev "
    "(and has_more); total is null unless include_total_count=true asks for it.",
    source=f"{SEED_LIST}: 200 Successful Response, total null when not calculated; "
    f"{PAGINATION_GUIDE}: include_total_count default false, has_more",
    writes=False,
)
def list_page_shape(api: DayZeroApi) -> None:
    page = api.expect("GET", "/credit-memos", 200, params={"limit": 5})
    missing = {"items", "has_next", "has_prev"} - page.keys()
    assert not missing, f"the page lacks required {sorted(missing)}"
    unknown = page.keys() - PAGE_KEYS - GUIDE_PAGE_KEYS
    assert not unknown, f"the page has undocumented keys {sorted(unknown)}"
    assert isinstance(page["has_next"], bool) and isinstance(page["has_prev"], bool)
    assert len(page["items"]) <= 5, f"limit=5 returned {len(page['items'])} items"
    assert page.get("total") is None, (
        f"total is {page.get('total')!r} though include_total_count was not asked for"
    )
    counted = api.expect(
        "GET", "/credit-memos", 200, params={"limit": 5, "include_total_count": "true"}
    )
    assert isinstance(counted.get("total"), int), (
        f"include_total_count=true gave total {counted.get('total')!r}"
    )
    assert counted["total"] >= len(counted["items"]), "total is below the items on the page"


@rule(
    "dayzero",
    "DZ-BUSINESS-HEADER-AS-EXPECTED",
    statement="A call without x-business-id acts on the token's business (reading optional of "
    "dayzero.business-header), or is a 422 (reading required).",
    source="https://www.ondayzero.com/docs/reference/credit-memos/create-credit-memo/openapi.json"
    ": x-business-id required false; https://www.ondayzero.com/docs/guides/authentication",
    writes=False,
)
def business_header_as_expected(api: DayZeroApi) -> None:
    with_header = api.expect("GET", "/credit-memos", 200, params={"limit": 5})
    bare = {"Authorization": f"Bearer {api.credentials.token}"}
    response = api.http.request("GET", "/api/v1/credit-memos", params={"limit": 5}, headers=bare)
    if expected("dayzero.business-header") == "required":
        assert response.status_code == 422, (
            f"a call without x-business-id answered {response.status_code}; the reading "
            "'required' expects 422"
        )
        return
    assert response.status_code == 200, (
        f"a call without x-business-id answered {response.status_code}: {response.text[:200]}"
    )
    listed = resource(response.json())
    assert [m.get("id") for m in listed["items"]] == [m["id"] for m in with_header["items"]], (
        "without x-business-id the call listed other memos than the token's business has"
    )


@rule(
    "dayzero",
    "DZ-LIST-UNKNOWN-STATUS-422",
    statement="A status filter outside CreditMemoStatusEnum is a 422 with the detail list.",
    source=f"{SEED_LIST}: status CreditMemoStatusEnum; 422 Validation Error",
    writes=False,
)
def unknown_status_filter(api: DayZeroApi) -> None:
    response = api.call("GET", "/credit-memos", params={"status": "voided"})
    assert response.status_code == 422, f"status=voided answered {response.status_code}"
    detail = response.json().get("detail")
    assert isinstance(detail, list) and detail, f"422 body is {response.text[:200]}"
    assert {"loc", "msg", "type"} <= detail[0].keys(), f"422 item is {detail[0]}"


@rule(
    "dayzero",
    "DZ-MEMO-NOT-FOUND-404",
    statement="A credit memo id that does not exist is 404 with a {detail} body.",
    source=f"{SEED_ISSUE}: 404 Not Found",
    writes=False,
)
def unknown_memo(api: DayZeroApi) -> None:
    response = api.call("GET", f"/credit-memos/{uuid.uuid4()}")
    assert response.status_code == 404, f"an unknown memo answered {response.status_code}"
    assert isinstance(response.json().get("detail"), str), f"404 body is {response.text[:200]}"


@rule(
    "dayzero",
    "DZ-PAGINATION-EXACTLY-ONCE",
    statement="Following next_cursor returns every memo exactly once, and as many as total "
    "(include_total_count=true) says.",
    source=f"{SEED_LIST}: cursor, limit, next_cursor, has_next, total; {PAGINATION_GUIDE}",
    writes=False,
)
def pagination_exactly_once(api: DayZeroApi) -> None:
    first = api.expect("GET", "/credit-memos", 200, params={"limit": 3})
    if len(first["items"]) < 3 and api.writes_allowed:
        customer = api.customer()
        for cents in (101, 102, 103):
            api.draft(customer["id"], cents)  # enough memos to cross page boundaries
    seen: list[str] = []
    page = api.expect(
        "GET", "/credit-memos", 200, params={"limit": 2, "include_total_count": "true"}
    )
    total = page.get("total")
    for _ in range(50):
        seen += [memo["id"] for memo in page["items"]]
        if not page["has_next"]:
            break
        assert page["next_cursor"], "has_next is true but next_cursor is empty"
        page = api.expect(
            "GET", "/credit-memos", 200, params={"limit": 2, "cursor": page["next_cursor"]}
        )
    else:
        raise Skipped("more than 100 memos: walked the first 50 pages only")
    assert_each_once(seen, "memos")
    if total is not None:
        assert len(seen) == total, f"walked {len(seen)} memos but total says {total}"
    if len(set(seen)) < 3:
        raise Skipped(
            "fewer than 3 memos: no page boundary to cross (DZ-FILTERS-EXACTLY-ONCE writes some)"
        )


# --- rules that write ------------------------------------------------------------------------


@rule(
    "dayzero",
    "DZ-CREATE-DRAFT",
    statement="A new credit memo is a draft with a number; only drafts can be deleted.",
    source=f"{FACTS}: POST /api/v1/credit-memos creates a draft; {SEED_ISSUE}: can_be_deleted",
    writes=True,
)
def create_draft(api: DayZeroApi) -> None:
    memo = api.draft(api.customer()["id"], 1500)
    assert memo["status"] == "draft", f"a new memo has status {memo['status']!r}"
    assert memo["number"], "a new memo has no number"
    assert memo["can_be_deleted"] is True, "a draft says it cannot be deleted"
    assert memo["amount"] == memo["amount_remaining"] == 1500, (
        f"amount/amount_remaining are {memo['amount']}/{memo['amount_remaining']}, "
        "expected 1500/1500"
    )


@rule(
    "dayzero",
    "DZ-ISSUE-FROM-DRAFT-ONLY",
    statement="Issuing a draft makes it issued and applicable; issuing it again is refused "
    "(400; 409 under dayzero.conflict-status: conflict).",
    source=f"{SEED_ISSUE}: Issue a draft credit memo, making it available for application",
    writes=True,
)
def issue_from_draft_only(api: DayZeroApi) -> None:
    memo = api.draft(api.customer()["id"], 1500)
    issued = api.expect("POST", f"/credit-memos/{memo['id']}/issue", 201)
    assert issued["status"] == "issued", f"issued memo has status {issued['status']!r}"
    assert issued["can_be_applied"] is True, "an issued memo says it cannot be applied"
    again = api.call("POST", f"/credit-memos/{memo['id']}/issue")
    assert again.status_code == conflict_status(), (
        f"issuing twice answered {again.status_code}, expected {conflict_status()}"
    )


@rule(
    "dayzero",
    "DZ-APPLY-PARTIAL",
    statement="Applying part of a memo leaves it partially_applied and lowers the invoice's due.",
    source=f"{SEED_ISSUE}: status, amount_applied, amount_remaining; {FACTS}: apply",
    writes=True,
)
def apply_partial(api: DayZeroApi) -> None:
    customer = api.customer()
    invoice = api.open_invoice(customer["id"], 10000)
    memo = api.issued(customer["id"], 3000)
    response = api.apply(memo["id"], invoice["id"], 2000)
    assert response.status_code == 201, (
        f"apply answered {response.status_code}: {response.text[:200]}"
    )
    memo, invoice = api.memo(memo["id"]), api.invoice(invoice["id"])
    assert memo["status"] == "partially_applied", f"memo status is {memo['status']!r}"
    assert (memo["amount_applied"], memo["amount_remaining"]) == (2000, 1000), (
        f"memo applied/remaining are {memo['amount_applied']}/{memo['amount_remaining']}"
    )
    assert invoice["amount_due"] == 8000, f"invoice amount_due is {invoice['amount_due']}"


@rule(
    "dayzero",
    "DZ-APPLY-FULL",
    statement="Applying all of a memo leaves it fully_applied with nothing left to apply.",
    source=f"{SEED_ISSUE}: status fully_applied, can_be_applied",
    writes=True,
)
def apply_full(api: DayZeroApi) -> None:
    customer = api.customer()
    invoice = api.open_invoice(customer["id"], 5000)
    memo = api.issued(customer["id"], 3000)
    response = api.apply(memo["id"], invoice["id"], 3000)
    assert response.status_code == 201, (
        f"apply answered {response.status_code}: {response.text[:200]}"
    )
    memo = api.memo(memo["id"])
    assert memo["status"] == "fully_applied", f"memo status is {memo['status']!r}"
    assert memo["amount_remaining"] == 0, f"amount_remaining is {memo['amount_remaining']}, not 0"
    assert memo["can_be_applied"] is False, "a fully applied memo says it can still be applied"


CREATE_PAGE = "https://ondayzero.com/docs/reference/credit-memos/create-credit-memo"


@rule(
    "dayzero",
    "DZ-RESTOCKING-FEE-WITHHELD",
    statement="A restocking fee is withheld beside the credit: a memo of amount_cents 10000 with "
    "a fee of 1500 has amount 10000 and can apply all 10000.",
    source=f"{CREATE_PAGE}: restocking_fee_cents is withheld and recognised as income; the gross "
    "value reversed is amount_cents + the fee",
    writes=True,
)
def restocking_fee_withheld(api: DayZeroApi) -> None:
    customer = api.customer()
    invoice = api.open_invoice(customer["id"], 10000)
    memo = api.issued(customer["id"], 10000, restocking_fee_cents=1500)
    assert memo["amount"] == 10000, f"amount is {memo['amount']}: the fee was taken from the credit"
    response = api.apply(memo["id"], invoice["id"], 10000)
    assert response.status_code == 201, (
        f"applying the whole 10000 answered {response.status_code}: {response.text[:200]}"
    )
    assert api.memo(memo["id"])["amount_remaining"] == 0


def _refused_without_change(api: DayZeroApi, memo_id: str, invoice_id: str, cents: int) -> None:
    memo_before, invoice_before = api.memo(memo_id), api.invoice(invoice_id)
    response = api.apply(memo_id, invoice_id, cents)
    assert response.status_code == 400, f"apply of {cents} answered {response.status_code}"
    assert api.memo(memo_id) == memo_before, "the refused apply changed the memo"
    assert api.invoice(invoice_id) == invoice_before, "the refused apply changed the invoice"


@rule(
    "dayzero",
    "DZ-APPLY-OVER-REMAINING",
    statement="Applying more than the remaining credit is refused (400) and changes nothing.",
    source=f"{SEED_ISSUE}: amount_remaining; {SEED_ISSUE}: 400 Bad Request",
    writes=True,
)
def apply_over_remaining(api: DayZeroApi) -> None:
    customer = api.customer()
    invoice = api.open_invoice(customer["id"], 10000)
    memo = api.issued(customer["id"], 3000)
    assert api.apply(memo["id"], invoice["id"], 2000).status_code == 201
    _refused_without_change(api, memo["id"], invoice["id"], 1500)


@rule(
    "dayzero",
    "DZ-APPLY-OVER-INVOICE-DUE",
    statement="Applying more than the invoice still owes is refused (400) and changes nothing.",
    source=f"{OURS}: a credit never exceeds the invoice's amount due",
    writes=True,
)
def apply_over_invoice_due(api: DayZeroApi) -> None:
    customer = api.customer()
    invoice = api.open_invoice(customer["id"], 1000)
    memo = api.issued(customer["id"], 3000)
    _refused_without_change(api, memo["id"], invoice["id"], 1001)


@rule(
    "dayzero",
    "DZ-UNAPPLY-RESTORES",
    statement="Unapplying restores the memo's and the invoice's balances and statuses.",
    source=f"{FACTS}: POST /credit-memos/{{id}}/unapply restores balances",
    writes=True,
)
def unapply_restores(api: DayZeroApi) -> None:
    customer = api.customer()
    invoice = api.open_invoice(customer["id"], 10000)
    memo = api.issued(customer["id"], 3000)
    memo_before, invoice_before = api.memo(memo["id"]), api.invoice(invoice["id"])
    assert api.apply(memo["id"], invoice["id"], 2000).status_code == 201
    response = api.unapply(memo["id"], invoice["id"])
    assert response.status_code == 201, f"unapply answered {response.status_code}"
    memo_after, invoice_after = api.memo(memo["id"]), api.invoice(invoice["id"])
    for field in ("status", "amount_applied", "amount_remaining"):
        assert memo_after[field] == memo_before[field], (
            f"memo {field} is {memo_after[field]!r}, was {memo_before[field]!r} before applying"
        )
    for field in ("status", "amount_due"):
        assert invoice_after[field] == invoice_before[field], (
            f"invoice {field} is {invoice_after[field]!r}, was {invoice_before[field]!r}"
        )


@rule(
    "dayzero",
    "DZ-UNAPPLY-NOT-APPLIED-404",
    statement="Unapplying a memo from an invoice it is not applied to is 404.",
    source=OURS,
    writes=True,
)
def unapply_not_applied(api: DayZeroApi) -> None:
    customer = api.customer()
    invoice = api.open_invoice(customer["id"], 1000)
    memo = api.issued(customer["id"], 500)
    response = api.unapply(memo["id"], invoice["id"])
    assert response.status_code == 404, (
        f"unapply of a memo not applied answered {response.status_code}"
    )


@rule(
    "dayzero",
    "DZ-VOID-ONLY-UNAPPLIED",
    statement="A memo with applications cannot be voided (400; 409 under "
    "dayzero.conflict-status: conflict); once unapplied it can, and so can a draft.",
    source=f"{SEED_ISSUE}: can_be_voided, status void, voided_at, voided_reason; "
    "https://www.ondayzero.com/docs/reference/vendor-credits/void-vendor-credit: only unapplied "
    "(draft or issued) credits",
    writes=True,
)
def void_only_unapplied(api: DayZeroApi) -> None:
    customer = api.customer()
    invoice = api.open_invoice(customer["id"], 10000)
    memo = api.issued(customer["id"], 3000)
    assert api.apply(memo["id"], invoice["id"], 1000).status_code == 201
    assert api.memo(memo["id"])["can_be_voided"] is False, "an applied memo says it can be voided"
    refused = api.call("POST", f"/credit-memos/{memo['id']}/void", json={"reason": api.tag})
    assert refused.status_code == conflict_status(), (
        f"voiding an applied memo answered {refused.status_code}, expected {conflict_status()}"
    )
    assert api.unapply(memo["id"], invoice["id"]).status_code == 201
    voided = api.expect("POST", f"/credit-memos/{memo['id']}/void", 201, json={"reason": api.tag})
    assert voided["status"] == "void", f"a voided memo has status {voided['status']!r}"
    assert voided["voided_at"], "a voided memo has no voided_at"
    draft = api.draft(customer["id"], 500)
    assert draft["can_be_voided"] is True, "a draft says it cannot be voided"
    voided = api.expect("POST", f"/credit-memos/{draft['id']}/void", 201, json={"reason": api.tag})
    assert voided["status"] == "void", f"a voided draft has status {voided['status']!r}"


@rule(
    "dayzero",
    "DZ-DELETE-ONLY-DRAFTS",
    statement="A draft can be deleted (then 404); an issued memo cannot "
    "(400; 409 under dayzero.conflict-status: conflict).",
    source=f"{SEED_ISSUE}: can_be_deleted (drafts only)",
    writes=True,
)
def delete_only_drafts(api: DayZeroApi) -> None:
    customer = api.customer()
    issued = api.issued(customer["id"], 1000)
    refused = api.call("DELETE", f"/credit-memos/{issued['id']}")
    assert refused.status_code == conflict_status(), (
        f"deleting an issued memo answered {refused.status_code}, expected {conflict_status()}"
    )
    draft = api.draft(customer["id"], 1000)
    api.expect("DELETE", f"/credit-memos/{draft['id']}", 204)
    gone = api.call("GET", f"/credit-memos/{draft['id']}")
    assert gone.status_code == 404, f"a deleted memo answered {gone.status_code}"


@rule(
    "dayzero",
    "DZ-UPDATE-ONLY-DRAFTS",
    statement="A draft can be updated; an issued memo cannot "
    "(400; 409 under dayzero.conflict-status: conflict).",
    source=f"{FACTS}: PUT /api/v1/credit-memos/{{id}} (drafts only)",
    writes=True,
)
def update_only_drafts(api: DayZeroApi) -> None:
    customer = api.customer()
    draft = api.draft(customer["id"], 1000)
    updated = api.expect("PUT", f"/credit-memos/{draft['id']}", 200, json={"amount_cents": 900})
    assert updated["amount"] == 900, f"the update left amount at {updated['amount']}"
    issued = api.expect("POST", f"/credit-memos/{draft['id']}/issue", 201)
    refused = api.call("PUT", f"/credit-memos/{issued['id']}", json={"amount_cents": 800})
    assert refused.status_code == conflict_status(), (
        f"updating an issued memo answered {refused.status_code}, expected {conflict_status()}"
    )


@rule(
    "dayzero",
    "DZ-FILTERS-EXACTLY-ONCE",
    statement="customer_id, status and search filters return each matching memo exactly once.",
    source=f"{SEED_LIST}: customer_id, status, search, cursor, limit",
    writes=True,
)
def filters_exactly_once(api: DayZeroApi) -> None:
    customer = api.customer()
    drafts = [api.draft(customer["id"], 100 + n) for n in range(3)]
    issued = api.issued(customer["id"], 500)
    mine = {memo["id"] for memo in [*drafts, issued]}

    def walk(**query: Any) -> list[str]:
        found: list[str] = []
        page = api.expect("GET", "/credit-memos", 200, params={**query, "limit": 2})
        while True:
            found += [memo["id"] for memo in page["items"]]
            if not page["has_next"] or len(found) > 200:
                return found
            params = {**query, "limit": 2, "cursor": page["next_cursor"]}
            page = api.expect("GET", "/credit-memos", 200, params=params)

    by_customer = walk(customer_id=customer["id"])
    assert sorted(by_customer) == sorted(mine), f"customer filter returned {by_customer}"
    drafts_only = walk(customer_id=customer["id"], status="draft")
    assert sorted(drafts_only) == sorted(d["id"] for d in drafts), "status filter is off"
    by_number = walk(search=issued["number"])
    assert by_number.count(issued["id"]) == 1, f"search {issued['number']} returned {by_number}"


@rule(
    "dayzero",
    "DZ-CUSTOMER-CREDITS",
    statement="A customer's credits sum the remaining amount of the memos that can be applied.",
    source=f"{FACTS}: GET /api/v1/credit-memos/customers/{{customer_id}}/credits",
    writes=True,
)
def customer_credits(api: DayZeroApi) -> None:
    customer = api.customer()
    invoice = api.open_invoice(customer["id"], 10000)
    api.draft(customer["id"], 9999)
    partly = api.issued(customer["id"], 3000)
    assert api.apply(partly["id"], invoice["id"], 1000).status_code == 201
    api.issued(customer["id"], 500)
    credits = api.expect("GET", f"/credit-memos/customers/{customer['id']}/credits", 200)
    assert credits["total_credits_available"] == 2500, (
        f"total_credits_available is {credits['total_credits_available']}, expected 2500"
    )
    assert credits["credit_memos_count"] == 2, (
        f"credit_memos_count is {credits['credit_memos_count']}"
    )


@rule(
    "dayzero",
    "DZ-TENANT-ISOLATION",
    statement="Another business's credit memo is 404, and never listed.",
    source=f"{SEED_ISSUE}: 404 Not Found; x-business-id selects the business",
    writes=True,
)
def tenant_isolation(api: DayZeroApi) -> None:
    other = api.other_business()
    foreign = other.draft(other.customer()["id"], 700)
    response = api.call("GET", f"/credit-memos/{foreign['id']}")
    assert response.status_code == 404, f"another business's memo answered {response.status_code}"
    listed = api.expect("GET", "/credit-memos", 200, params={"search": foreign["number"]})
    assert foreign["id"] not in {memo["id"] for memo in listed["items"]}, "it is listed"
