"""DayZero's documented behaviour as rules (seeds 001 and 004, and DayZero's public pages).

Each rule gets a :class:`~contracts.vendors.dayzero.client.DayZeroClient` from its session,
which tags what the rule creates and cleans it up afterwards.
"""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

import httpx

from contracts.api_client import expect_status
from contracts.checks import expected
from contracts.rules import Skipped, rule
from contracts.rules.paging import assert_each_once
from contracts.vendors.dayzero.checks import resource
from contracts.vendors.dayzero.client import DayZeroClient

SEED_ISSUE = "seeds/001_434e80bb61e1accb.txt (Issue credit memo)"
SEED_LIST = "seeds/004_48734ccb9abe615e.txt (List credit memos)"
FACTS = "vendor-facts.md, DayZero"
OURS = "creditbox's documented choice (specs/dayzero.yaml)"
PAGE_KEYS = {"items", "total", "limit", "next_cursor", "prev_cursor", "has_next", "has_prev"}
GUIDE_PAGE_KEYS = {"has_more"}  # the pagination guide's name for has_next
PAGINATION_GUIDE = "https://www.ondayzero.com/docs/guides/pagination"


dayzero_rule = partial(rule, "dayzero")


def conflict_status() -> int:
    """What a status conflict answers in the expected reading of ``dayzero.conflict-status``:
    400 as the reference pages list it, or 409 as the error-handling guide names it."""
    return 409 if expected("dayzero.conflict-status") == "conflict" else 400


def assert_refused(response: httpx.Response, status: int, what: str) -> None:
    """``response`` is ``status`` with DayZero's ``{detail}`` body (a string)."""
    expect_status(response, status, what)
    assert isinstance(response.json().get("detail"), str), f"{status} body is {response.text[:200]}"


def assert_conflict(response: httpx.Response, what: str) -> None:
    """``response`` is a status conflict, in the expected reading."""
    assert response.status_code == conflict_status(), (
        f"{what} answered {response.status_code}, expected {conflict_status()}"
    )


def memo_and_invoice(
    api: DayZeroClient, invoice_cents: int, memo_cents: int, **fields: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An issued memo of ``memo_cents`` and an open invoice of ``invoice_cents``, for a new
    customer."""
    customer = api.customer()["id"]
    invoice = api.open_invoice(customer, invoice_cents)
    return api.issued_memo(customer, memo_cents, **fields), invoice


def applied(api: DayZeroClient, memo: dict[str, Any], invoice: dict[str, Any], cents: int) -> None:
    expect_status(api.apply(memo["id"], invoice["id"], cents), 201, f"apply of {cents}")


def read_again(
    api: DayZeroClient, memo: dict[str, Any], invoice: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``memo`` and ``invoice`` as the API shows them now."""
    return api.get_memo(memo["id"]), api.get_invoice(invoice["id"])


def applied_memo(
    api: DayZeroClient, invoice_cents: int, memo_cents: int, cents: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new issued memo of ``memo_cents`` with ``cents`` of it applied to a new open invoice of
    ``invoice_cents`` (both as created)."""
    memo, invoice = memo_and_invoice(api, invoice_cents, memo_cents)
    applied(api, memo, invoice, cents)
    return memo, invoice


# --- read-only rules -------------------------------------------------------------------------


@dayzero_rule("DZ-AUTH-UNKNOWN-TOKEN", source=f"{SEED_ISSUE}: 401 Unauthorized; {FACTS}: errors")
def unknown_token(api: DayZeroClient) -> None:
    """A request with an unknown API token is refused with 401 and a {detail} body."""
    response = api.call("GET", "/credit-memos", headers={"Authorization": "Bearer dz_not_a_token"})
    assert_refused(response, 401, "an unknown token")


ISSUE_403 = f"{SEED_ISSUE}: 403 Forbidden; authentication via x-business-id"


@dayzero_rule("DZ-AUTH-FOREIGN-BUSINESS", source=ISSUE_403)
def foreign_business(api: DayZeroClient) -> None:
    """A business id the token may not act on is refused with 403."""
    response = api.call("GET", "/credit-memos", headers={"x-business-id": str(uuid.uuid4())})
    assert_refused(response, 403, "a foreign business id")


LIST_PAGE_FIELDS = (
    f"{SEED_LIST}: 200 Successful Response, total null when not calculated; "
    f"{PAGINATION_GUIDE}: include_total_count default false, has_more"
)


@dayzero_rule("DZ-LIST-PAGE-SHAPE", source=LIST_PAGE_FIELDS)
def list_page_shape(api: DayZeroClient) -> None:
    """Listing returns items, total, limit, next_cursor, prev_cursor, has_next, has_prev (and
    has_more); total is null unless include_total_count=true asks for it."""
    page = api.memos(limit=5)
    missing = {"items", "has_next", "has_prev"} - page.keys()
    assert not missing, f"the page lacks required {sorted(missing)}"
    unknown = page.keys() - PAGE_KEYS - GUIDE_PAGE_KEYS
    assert not unknown, f"the page has undocumented keys {sorted(unknown)}"
    assert isinstance(page["has_next"], bool) and isinstance(page["has_prev"], bool)
    assert len(page["items"]) <= 5, f"limit=5 returned {len(page['items'])} items"
    assert page.get("total") is None, (
        f"total is {page.get('total')!r} though include_total_count was not asked for"
    )
    counted = api.memos(limit=5, include_total_count="true")
    assert isinstance(counted.get("total"), int), (
        f"include_total_count=true gave total {counted.get('total')!r}"
    )
    assert counted["total"] >= len(counted["items"]), "total is below the items on the page"


BUSINESS_HEADER_PAGES = (
    "https://www.ondayzero.com/docs/reference/credit-memos/create-credit-memo/openapi.json"
    ": x-business-id required false; https://www.ondayzero.com/docs/guides/authentication"
)


@dayzero_rule("DZ-BUSINESS-HEADER-AS-EXPECTED", source=BUSINESS_HEADER_PAGES)
def business_header_as_expected(api: DayZeroClient) -> None:
    """A call without x-business-id acts on the token's business (reading optional of
    dayzero.business-header), or is a 422 (reading required)."""
    with_header = api.memos(limit=5)
    bare = {"Authorization": f"Bearer {api.credentials.token}"}
    response = api.http.request("GET", api.url("/credit-memos"), params={"limit": 5}, headers=bare)
    if expected("dayzero.business-header") == "required":
        assert response.status_code == 422, (
            f"a call without x-business-id answered {response.status_code}; the reading "
            "'required' expects 422"
        )
        return
    expect_status(response, 200, "a call without x-business-id")
    listed = resource(response.json())
    assert [m.get("id") for m in listed["items"]] == [m["id"] for m in with_header["items"]], (
        "without x-business-id the call listed other memos than the token's business has"
    )


LIST_STATUS_422 = f"{SEED_LIST}: status CreditMemoStatusEnum; 422 Validation Error"


@dayzero_rule("DZ-LIST-UNKNOWN-STATUS-422", source=LIST_STATUS_422)
def unknown_status_filter(api: DayZeroClient) -> None:
    """A status filter outside CreditMemoStatusEnum is a 422 with the detail list."""
    response = api.call("GET", "/credit-memos", params={"status": "voided"})
    expect_status(response, 422, "status=voided")
    detail = response.json().get("detail")
    assert isinstance(detail, list) and detail, f"422 body is {response.text[:200]}"
    assert {"loc", "msg", "type"} <= detail[0].keys(), f"422 item is {detail[0]}"


@dayzero_rule("DZ-MEMO-NOT-FOUND-404", source=f"{SEED_ISSUE}: 404 Not Found")
def unknown_memo(api: DayZeroClient) -> None:
    """A credit memo id that does not exist is 404 with a {detail} body."""
    assert_refused(api.call("GET", f"/credit-memos/{uuid.uuid4()}"), 404, "an unknown memo")


LIST_CURSORS = f"{SEED_LIST}: cursor, limit, next_cursor, has_next, total; {PAGINATION_GUIDE}"


@dayzero_rule("DZ-PAGINATION-EXACTLY-ONCE", source=LIST_CURSORS)
def pagination_exactly_once(api: DayZeroClient) -> None:
    """Following next_cursor returns every memo exactly once, and as many as total
    (include_total_count=true) says."""
    first = api.memos(limit=3)
    if len(first["items"]) < 3 and api.writes_allowed:
        customer = api.customer()
        for cents in (101, 102, 103):
            api.memo(customer["id"], cents)  # enough memos to cross page boundaries
    page = api.memos(limit=2, include_total_count="true")
    total = page.get("total")
    seen, whole = walk(api, page, pages=50)
    if not whole:
        raise Skipped("more than 100 memos: walked the first 50 pages only")
    assert_each_once(seen, "memos")
    if total is not None:
        assert len(seen) == total, f"walked {len(seen)} memos but total says {total}"
    if len(set(seen)) < 3:
        raise Skipped(
            "fewer than 3 memos: no page boundary to cross (DZ-FILTERS-EXACTLY-ONCE writes some)"
        )


def walk(
    api: DayZeroClient, page: dict[str, Any], pages: int, **query: Any
) -> tuple[list[str], bool]:
    """The ids on ``page`` and on the pages after it (2 memos each, by next_cursor), up to
    ``pages`` pages; and whether that was the last page."""
    seen: list[str] = []
    for _ in range(pages):
        seen += [memo["id"] for memo in page["items"]]
        if not page["has_next"]:
            return seen, True
        assert page["next_cursor"], "has_next is true but next_cursor is empty"
        page = api.memos(**query, limit=2, cursor=page["next_cursor"])
    return seen, False


# --- rules that write ------------------------------------------------------------------------


CREATE_AS_DRAFT = (
    f"{FACTS}: POST /api/v1/credit-memos creates a draft; {SEED_ISSUE}: can_be_deleted"
)


@dayzero_rule("DZ-CREATE-DRAFT", source=CREATE_AS_DRAFT, writes=True)
def create_draft(api: DayZeroClient) -> None:
    """A new credit memo is a draft with a number; only drafts can be deleted."""
    memo = api.memo(api.customer()["id"], 1500)
    assert memo["status"] == "draft", f"a new memo has status {memo['status']!r}"
    assert memo["number"], "a new memo has no number"
    assert memo["can_be_deleted"] is True, "a draft says it cannot be deleted"
    assert memo["amount"] == memo["amount_remaining"] == 1500, (
        f"amount/amount_remaining are {memo['amount']}/{memo['amount_remaining']}, "
        "expected 1500/1500"
    )


ISSUE_DRAFT = f"{SEED_ISSUE}: Issue a draft credit memo, making it available for application"


@dayzero_rule("DZ-ISSUE-FROM-DRAFT-ONLY", source=ISSUE_DRAFT, writes=True)
def issue_from_draft_only(api: DayZeroClient) -> None:
    """Issuing a draft makes it issued and applicable; issuing it again is refused (400; 409 under
    dayzero.conflict-status: conflict)."""
    memo = api.memo(api.customer()["id"], 1500)
    issued = api.expect("POST", f"/credit-memos/{memo['id']}/issue", 201)
    assert issued["status"] == "issued", f"issued memo has status {issued['status']!r}"
    assert issued["can_be_applied"] is True, "an issued memo says it cannot be applied"
    assert_conflict(api.issue(memo["id"]), "issuing twice")


APPLY_BALANCES = f"{SEED_ISSUE}: status, amount_applied, amount_remaining; {FACTS}: apply"


@dayzero_rule("DZ-APPLY-PARTIAL", source=APPLY_BALANCES, writes=True)
def apply_partial(api: DayZeroClient) -> None:
    """Applying part of a memo leaves it partially_applied and lowers the invoice's due."""
    memo, invoice = applied_memo(api, 10000, 3000, 2000)
    memo, invoice = read_again(api, memo, invoice)
    assert memo["status"] == "partially_applied", f"memo status is {memo['status']!r}"
    assert (memo["amount_applied"], memo["amount_remaining"]) == (2000, 1000), (
        f"memo applied/remaining are {memo['amount_applied']}/{memo['amount_remaining']}"
    )
    assert invoice["amount_due"] == 8000, f"invoice amount_due is {invoice['amount_due']}"


FULLY_APPLIED = f"{SEED_ISSUE}: status fully_applied, can_be_applied"


@dayzero_rule("DZ-APPLY-FULL", source=FULLY_APPLIED, writes=True)
def apply_full(api: DayZeroClient) -> None:
    """Applying all of a memo leaves it fully_applied with nothing left to apply."""
    memo = api.get_memo(applied_memo(api, 5000, 3000, 3000)[0]["id"])
    assert memo["status"] == "fully_applied", f"memo status is {memo['status']!r}"
    assert memo["amount_remaining"] == 0, f"amount_remaining is {memo['amount_remaining']}, not 0"
    assert memo["can_be_applied"] is False, "a fully applied memo says it can still be applied"


CREATE_PAGE = "https://ondayzero.com/docs/reference/credit-memos/create-credit-memo"


RESTOCKING_FEE = (
    f"{CREATE_PAGE}: restocking_fee_cents is withheld and recognised as income; the gross "
    "value reversed is amount_cents + the fee"
)


@dayzero_rule("DZ-RESTOCKING-FEE-WITHHELD", source=RESTOCKING_FEE, writes=True)
def restocking_fee_withheld(api: DayZeroClient) -> None:
    """A restocking fee is withheld beside the credit: a memo of amount_cents 10000 with a fee of
    1500 has amount 10000 and can apply all 10000."""
    memo, invoice = memo_and_invoice(api, 10000, 10000, restocking_fee_cents=1500)
    assert memo["amount"] == 10000, f"amount is {memo['amount']}: the fee was taken from the credit"
    applied(api, memo, invoice, 10000)
    assert api.get_memo(memo["id"])["amount_remaining"] == 0


def _refused_without_change(
    api: DayZeroClient, memo: dict[str, Any], invoice: dict[str, Any], cents: int
) -> None:
    memo_before, invoice_before = read_again(api, memo, invoice)
    response = api.apply(memo["id"], invoice["id"], cents)
    assert response.status_code == 400, f"apply of {cents} answered {response.status_code}"
    assert api.get_memo(memo["id"]) == memo_before, "the refused apply changed the memo"
    assert api.get_invoice(invoice["id"]) == invoice_before, "the refused apply changed the invoice"


APPLY_REMAINING_400 = f"{SEED_ISSUE}: amount_remaining; {SEED_ISSUE}: 400 Bad Request"


@dayzero_rule("DZ-APPLY-OVER-REMAINING", source=APPLY_REMAINING_400, writes=True)
def apply_over_remaining(api: DayZeroClient) -> None:
    """Applying more than the remaining credit is refused (400) and changes nothing."""
    _refused_without_change(api, *applied_memo(api, 10000, 3000, 2000), 1500)


APPLY_INVOICE_DUE = f"{OURS}: a credit never exceeds the invoice's amount due"


@dayzero_rule("DZ-APPLY-OVER-INVOICE-DUE", source=APPLY_INVOICE_DUE, writes=True)
def apply_over_invoice_due(api: DayZeroClient) -> None:
    """Applying more than the invoice still owes is refused (400) and changes nothing."""
    _refused_without_change(api, *memo_and_invoice(api, 1000, 3000), 1001)


UNAPPLY = f"{FACTS}: POST /credit-memos/{{id}}/unapply restores balances"


@dayzero_rule("DZ-UNAPPLY-RESTORES", source=UNAPPLY, writes=True)
def unapply_restores(api: DayZeroClient) -> None:
    """Unapplying restores the memo's and the invoice's balances and statuses."""
    memo, invoice = memo_and_invoice(api, 10000, 3000)
    memo_before, invoice_before = read_again(api, memo, invoice)
    applied(api, memo, invoice, 2000)
    expect_status(api.unapply(memo["id"], invoice["id"]), 201, "unapply")
    memo_after, invoice_after = read_again(api, memo, invoice)
    for field in ("status", "amount_applied", "amount_remaining"):
        assert memo_after[field] == memo_before[field], (
            f"memo {field} is {memo_after[field]!r}, was {memo_before[field]!r} before applying"
        )
    for field in ("status", "amount_due"):
        assert invoice_after[field] == invoice_before[field], (
            f"invoice {field} is {invoice_after[field]!r}, was {invoice_before[field]!r}"
        )


@dayzero_rule("DZ-UNAPPLY-NOT-APPLIED-404", source=OURS, writes=True)
def unapply_not_applied(api: DayZeroClient) -> None:
    """Unapplying a memo from an invoice it is not applied to is 404."""
    memo, invoice = memo_and_invoice(api, 1000, 500)
    expect_status(api.unapply(memo["id"], invoice["id"]), 404, "unapply of a memo not applied")


VOID_UNAPPLIED = (
    f"{SEED_ISSUE}: can_be_voided, status void, voided_at, voided_reason; "
    "https://www.ondayzero.com/docs/reference/vendor-credits/void-vendor-credit: only unapplied "
    "(draft or issued) credits"
)


@dayzero_rule("DZ-VOID-ONLY-UNAPPLIED", source=VOID_UNAPPLIED, writes=True)
def void_only_unapplied(api: DayZeroClient) -> None:
    """A memo with applications cannot be voided (400; 409 under dayzero.conflict-status: conflict);
    once unapplied it can, and so can a draft."""
    memo, invoice = applied_memo(api, 10000, 3000, 1000)
    assert api.get_memo(memo["id"])["can_be_voided"] is False, (
        "an applied memo says it can be voided"
    )
    assert_conflict(api.void(memo["id"]), "voiding an applied memo")
    expect_status(api.unapply(memo["id"], invoice["id"]), 201, "unapply")
    voided = api.expect("POST", f"/credit-memos/{memo['id']}/void", 201, json={"reason": api.tag})
    assert voided["status"] == "void", f"a voided memo has status {voided['status']!r}"
    assert voided["voided_at"], "a voided memo has no voided_at"
    draft = api.memo(memo["customer_id"], 500)
    assert draft["can_be_voided"] is True, "a draft says it cannot be voided"
    voided = api.expect("POST", f"/credit-memos/{draft['id']}/void", 201, json={"reason": api.tag})
    assert voided["status"] == "void", f"a voided draft has status {voided['status']!r}"


DELETE_DRAFTS = f"{SEED_ISSUE}: can_be_deleted (drafts only)"


@dayzero_rule("DZ-DELETE-ONLY-DRAFTS", source=DELETE_DRAFTS, writes=True)
def delete_only_drafts(api: DayZeroClient) -> None:
    """A draft can be deleted (then 404); an issued memo cannot (400; 409 under
    dayzero.conflict-status: conflict)."""
    customer = api.customer()
    issued = api.issued_memo(customer["id"], 1000)
    assert_conflict(api.delete(issued["id"]), "deleting an issued memo")
    draft = api.memo(customer["id"], 1000)
    expect_status(api.delete(draft["id"]), 204, "deleting a draft")
    gone = api.call("GET", f"/credit-memos/{draft['id']}")
    assert gone.status_code == 404, f"a deleted memo answered {gone.status_code}"


UPDATE_DRAFTS = f"{FACTS}: PUT /api/v1/credit-memos/{{id}} (drafts only)"


@dayzero_rule("DZ-UPDATE-ONLY-DRAFTS", source=UPDATE_DRAFTS, writes=True)
def update_only_drafts(api: DayZeroClient) -> None:
    """A draft can be updated; an issued memo cannot (400; 409 under dayzero.conflict-status:
    conflict)."""
    draft = api.memo(api.customer()["id"], 1000)
    updated = api.expect("PUT", f"/credit-memos/{draft['id']}", 200, json={"amount_cents": 900})
    assert updated["amount"] == 900, f"the update left amount at {updated['amount']}"
    issued = api.expect("POST", f"/credit-memos/{draft['id']}/issue", 201)
    assert_conflict(api.update(issued["id"], amount_cents=800), "updating an issued memo")


LIST_FILTERS = f"{SEED_LIST}: customer_id, status, search, cursor, limit"


@dayzero_rule("DZ-FILTERS-EXACTLY-ONCE", source=LIST_FILTERS, writes=True)
def filters_exactly_once(api: DayZeroClient) -> None:
    """customer_id, status and search filters return each matching memo exactly once."""
    customer = api.customer()
    drafts = [api.memo(customer["id"], 100 + n) for n in range(3)]
    issued = api.issued_memo(customer["id"], 500)
    mine = {memo["id"] for memo in [*drafts, issued]}

    def found(**query: Any) -> list[str]:
        return walk(api, api.memos(**query, limit=2), 101, **query)[0]

    by_customer = found(customer_id=customer["id"])
    assert sorted(by_customer) == sorted(mine), f"customer filter returned {by_customer}"
    drafts_only = found(customer_id=customer["id"], status="draft")
    assert sorted(drafts_only) == sorted(d["id"] for d in drafts), "status filter is off"
    by_number = found(search=issued["number"])
    assert by_number.count(issued["id"]) == 1, f"search {issued['number']} returned {by_number}"


CUSTOMER_CREDITS = f"{FACTS}: GET /api/v1/credit-memos/customers/{{customer_id}}/credits"


@dayzero_rule("DZ-CUSTOMER-CREDITS", source=CUSTOMER_CREDITS, writes=True)
def customer_credits(api: DayZeroClient) -> None:
    """A customer's credits sum the remaining amount of the memos that can be applied."""
    partly, invoice = memo_and_invoice(api, 10000, 3000)
    api.memo(partly["customer_id"], 9999)
    applied(api, partly, invoice, 1000)
    api.issued_memo(partly["customer_id"], 500)
    credits = api.customer_credits(partly["customer_id"])
    assert credits["total_credits_available"] == 2500, (
        f"total_credits_available is {credits['total_credits_available']}, expected 2500"
    )
    assert credits["credit_memos_count"] == 2, (
        f"credit_memos_count is {credits['credit_memos_count']}"
    )


ISSUE_404_BUSINESS = f"{SEED_ISSUE}: 404 Not Found; x-business-id selects the business"


@dayzero_rule("DZ-TENANT-ISOLATION", source=ISSUE_404_BUSINESS, writes=True)
def tenant_isolation(api: DayZeroClient) -> None:
    """Another business's credit memo is 404, and never listed."""
    other = api.other_business()
    foreign = other.memo(other.customer()["id"], 700)
    response = api.call("GET", f"/credit-memos/{foreign['id']}")
    assert response.status_code == 404, f"another business's memo answered {response.status_code}"
    listed = api.memos(search=foreign["number"])
    assert foreign["id"] not in {memo["id"] for memo in listed["items"]}, "it is listed"
