"""DayZero's documented behaviour as rules (seeds 001 and 004, and DayZero's public pages).

Each rule gets a :class:`~contracts.vendors.dayzero.client.DayZeroClient` from its session,
which tags what the rule creates and cleans it up afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import partial
from typing import Any

import httpx

from contracts.api_client import expect_status
from contracts.checks import expected
from contracts.rules import Skipped, rule
from contracts.rules.paging import assert_each_once
from contracts.vendors.dayzero.checks import resource
from contracts.vendors.dayzero.client import VOID_METHOD, DayZeroClient

SEED_ISSUE = "seeds/001_434e80bb61e1accb.txt (Issue credit memo)"
SEED_LIST = "seeds/004_48734ccb9abe615e.txt (List credit memos)"
FACTS = "vendor-facts.md, DayZero"
OURS = "creditbox's documented choice (specs/dayzero.yaml)"
PAGE_KEYS = {"items", "total", "limit", "next_cursor", "prev_cursor", "has_next", "has_prev"}
GUIDE_PAGE_KEYS = {"has_more"}  # the pagination guide's name for has_next
PAGINATION_GUIDE = "https://www.ondayzero.com/docs/guides/pagination"


dayzero_rule = partial(rule, "dayzero")


def on_sandbox(api: DayZeroClient) -> bool:
    """Whether ``api`` calls a creditbox sandbox (its control API knows the client's tenant), where
    a rule may also check what the sandbox chose where DayZero's pages are silent."""
    return api.tenant() is not None


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
    the guide's has_more); limit is the page size asked for; total is null unless
    include_total_count=true asks for it. On a creditbox sandbox, has_more paging forward says
    what has_next says."""
    page = api.memos(limit=5)
    missing = {"items", "has_next", "has_prev"} - page.keys()
    assert not missing, f"the page lacks required {sorted(missing)}"
    unknown = page.keys() - PAGE_KEYS - GUIDE_PAGE_KEYS
    assert not unknown, f"the page has undocumented keys {sorted(unknown)}"
    assert isinstance(page["has_next"], bool) and isinstance(page["has_prev"], bool)
    assert len(page["items"]) <= 5, f"limit=5 returned {len(page['items'])} items"
    assert page.get("limit") in (None, 5), f"limit=5 gave a page that says limit {page['limit']}"
    if "has_more" in page and on_sandbox(api):
        # the sandbox's reading (specs/dayzero.yaml, has_more): paging forward, the guide's
        # has_more is the seed's has_next. No DayZero page says so, so only a sandbox is held to it.
        assert page["has_more"] == page["has_next"], (
            f"has_more is {page['has_more']} but has_next is {page['has_next']}"
        )
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


INVOICE_VOID = (
    "https://ondayzero.com/docs/reference/invoices/void-invoice (PUT, 200 with the invoice); "
    "https://www.ondayzero.com/docs/guides/invoices (POST; only open invoices can be voided); "
    "docs/disputed-points.md dayzero.invoice-void-method"
)


@dayzero_rule("DZ-INVOICE-VOID", source=INVOICE_VOID, writes=True)
def invoice_void(api: DayZeroClient) -> None:
    """An open invoice is voided with the method of the expected reading of
    dayzero.invoice-void-method (PUT by default, POST under the guide's): 200 with the invoice,
    void, as it reads back. Only open invoices: voiding a draft or a void invoice is a status
    conflict, and a void invoice takes no credit (400 or 409: no source says which). On a
    creditbox sandbox, an invoice with credit applied is no longer open either (ours: the
    sandbox reads a credited invoice as partially paid)."""
    customer = api.customer()["id"]
    invoice = api.open_invoice(customer, 1_000)
    method = expected(VOID_METHOD).upper()
    what = f"voiding an open invoice with {method} (dayzero.invoice-void-method)"
    voided = api.answer(api.void_invoice(invoice["id"]), 200, what)
    assert voided.get("id") == invoice["id"] and voided.get("status") == "void", (
        f"the void answered the invoice {voided.get('id')} as {voided.get('status')!r}"
    )
    status = api.get_invoice(invoice["id"]).get("status")
    assert status == "void", f"the voided invoice reads back {status!r}"
    assert_conflict(api.void_invoice(invoice["id"]), "voiding a void invoice")
    draft = api.invoice(customer, 1_000)
    assert_conflict(api.void_invoice(draft["id"]), "voiding a draft invoice")
    memo = api.issued_memo(customer, 500)
    late = api.apply(memo["id"], invoice["id"], 500)
    assert late.status_code in (400, 409), f"credit applied to a void invoice: {late.status_code}"
    if on_sandbox(api):
        credited = api.open_invoice(customer, 1_000)
        expect_status(api.apply(memo["id"], credited["id"], 500), 201, "applying credit")
        assert_conflict(api.void_invoice(credited["id"]), "voiding an invoice with credit applied")


INVOICE_PAYMENTS = (
    "https://www.ondayzero.com/docs/reference/invoices/create-invoice-payment; "
    "https://www.ondayzero.com/docs/reference/invoices/delete-invoice-payment; "
    "https://www.ondayzero.com/docs/reference/transactions/create-transaction; "
    "https://www.ondayzero.com/docs/guides/invoices (statuses)"
)


def _invoice_state(invoice: dict[str, Any]) -> tuple[Any, Any, Any]:
    return invoice.get("status"), invoice.get("total_paid"), invoice.get("balance_due")


@dayzero_rule("DZ-INVOICE-PAYMENT", source=INVOICE_PAYMENTS, writes=True)
def invoice_payment(api: DayZeroClient) -> None:
    """A deposit recorded as a transaction (201) pays an open invoice in part: 201 with the
    payment (its amount, the invoice, the transaction, and paid on the transaction's date when
    no paid_on is sent), and the invoice reads partially_paid with total_paid and balance_due =
    total - total_paid moved by it. A draft invoice cannot be paid (refused, nothing recorded).
    Removing the payment (200) recalculates the invoice: open again, nothing paid. On a
    creditbox sandbox, credit applied for the rest leaves nothing due and reads manual_paid
    (ours: no page says what credit and payment together read)."""
    customer = api.customer()["id"]
    draft = api.invoice(customer, 1_000)["id"]
    invoice = api.open_invoice(customer, 10_000)["id"]
    transaction = api.deposit(6_000)
    deposit = transaction["id"]
    refused = api.pay(draft, deposit, 500)
    assert 400 <= refused.status_code < 500 and "detail" in refused.json(), (
        f"paying a draft invoice answered {refused.status_code}: {refused.text[:200]}"
    )
    assert api.get_invoice(draft).get("total_paid") == 0, "the draft's refused payment was recorded"
    payment = api.answer(api.pay(invoice, deposit, 6_000), 201, "paying 6000 of 10000")
    linked = (payment.get("invoice_id"), payment.get("transaction_id"), payment.get("amount"))
    assert linked == (invoice, deposit, 6_000), f"the payment answered {linked}"
    paid_on = str(payment.get("paid_on"))
    assert paid_on[:10] == str(transaction.get("datetime"))[:10], (
        f"sent without paid_on, the payment is paid on {paid_on}, not on the transaction's date "
        f"{transaction.get('datetime')}"
    )
    state = _invoice_state(api.get_invoice(invoice))
    assert state == ("partially_paid", 6_000, 4_000), (
        f"paid 6000 of 10000, the invoice reads (status, total_paid, balance_due) = {state}"
    )
    if on_sandbox(api):
        memo = api.issued_memo(customer, 4_000)["id"]
        expect_status(api.apply(memo, invoice, 4_000), 201, "crediting the other 4000")
        settled = api.get_invoice(invoice)
        assert (settled.get("status"), settled.get("amount_due")) == ("manual_paid", 0), (
            f"paid 6000 and credited 4000 of 10000, the invoice reads {settled.get('status')!r} "
            f"with amount_due {settled.get('amount_due')}"
        )
        expect_status(
            api.call("POST", f"/credit-memos/{memo}/unapply", json={"invoice_id": invoice}),
            201,
            "unapplying the credit",
        )
    expect_status(api.unpay(invoice, str(payment.get("id"))), 200, "removing the payment")
    state = _invoice_state(api.get_invoice(invoice))
    assert state == ("open", 0, 10_000), (
        f"the payment removed, the invoice reads (status, total_paid, balance_due) = {state}"
    )


OVERPAYMENT = 2_500  # paid on an invoice with 1000 left to pay


@dayzero_rule("DZ-PAYMENT-WITHIN-TRANSACTION", source=INVOICE_PAYMENTS, writes=True)
def payment_within_transaction(api: DayZeroClient) -> None:
    """A payment is at most what its transaction has left unallocated: one deposit pays two
    invoices up to its amount, and a cent more is refused with a DayZero error, the invoice
    left unpaid. An invoice paid in full by a linked transaction reads manual_paid. Paying
    more than an invoice's balance is allowed."""
    customer = api.customer()["id"]
    first, second = (api.open_invoice(customer, 3_000)["id"] for _ in range(2))
    deposit = api.deposit(5_000)["id"]
    expect_status(api.pay(first, deposit, 3_000), 201, "paying 3000 of a 5000 deposit")
    state = _invoice_state(api.get_invoice(first))
    assert state == ("manual_paid", 3_000, 0), (
        f"paid in full by a transaction, the invoice reads (status, total_paid, balance_due) = "
        f"{state}"
    )
    refused = api.pay(second, deposit, 2_001)
    assert refused.status_code in (400, 422), (
        f"2001 more of a deposit with 2000 left answered {refused.status_code}: "
        f"{refused.text[:200]}"
    )
    assert "detail" in refused.json(), f"the refusal's body is {refused.text[:200]}"
    assert api.get_invoice(second).get("total_paid") == 0, "the refused payment was recorded"
    expect_status(api.pay(second, deposit, 2_000), 201, "paying the 2000 the deposit has left")
    overpay = api.deposit(OVERPAYMENT)["id"]
    expect_status(api.pay(second, overpay, OVERPAYMENT), 201, "paying 2500 more than the 1000 due")
    state = _invoice_state(api.get_invoice(second))
    assert state[1:] == (4_500, -1_500), (
        f"paid 4500 of 3000, the invoice reads (status, total_paid, balance_due) = {state}"
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


LIMIT_RANGE = f"{SEED_LIST}: limit, default 50; {PAGINATION_GUIDE}: limit 1-1000 (default 50)"


@dayzero_rule("DZ-LIMIT-1-TO-1000", source=LIMIT_RANGE)
def limit_range(api: DayZeroClient) -> None:
    """limit is 1 to 1000: 0 and 1001 are refused with 422, 1000 is served; without it a page
    holds at most 50 memos and says limit 50."""
    for limit in (0, 1001):
        response = api.call("GET", "/credit-memos", params={"limit": limit})
        expect_status(response, 422, f"limit={limit}")
        assert isinstance(response.json().get("detail"), list), f"422 body is {response.text[:200]}"
    widest = api.memos(limit=1000)
    assert len(widest["items"]) <= 1000, f"limit=1000 returned {len(widest['items'])} items"
    default = api.memos()
    assert len(default["items"]) <= 50, f"the default page holds {len(default['items'])} memos"
    assert default.get("limit") in (None, 50), f"the default page says limit {default['limit']}"


REMAINING_FILTER = (
    f"{SEED_LIST}: has_remaining_balance, default False: only memos with remaining balance"
)


@dayzero_rule("DZ-FILTER-REMAINING-BALANCE", source=REMAINING_FILTER, writes=True)
def remaining_balance_filter(api: DayZeroClient) -> None:
    """has_remaining_balance=true lists only memos with amount_remaining above zero (an issued
    memo, not a fully applied one); without it both are listed."""
    spent = applied_memo(api, 5000, 3000, 3000)[0]
    kept = api.issued_memo(spent["customer_id"], 1000)
    customer = spent["customer_id"]

    def listed(**query: Any) -> list[str]:
        return walk(
            api,
            api.memos(customer_id=customer, **query, limit=2),
            50,
            customer_id=customer,
            **query,
        )[0]

    everything = listed()
    assert {spent["id"], kept["id"]} <= set(everything), (
        "without has_remaining_balance the list left out a memo (its default is false)"
    )
    with_balance = listed(has_remaining_balance="true")
    assert kept["id"] in with_balance, "has_remaining_balance=true left out an issued memo"
    assert spent["id"] not in with_balance, (
        "has_remaining_balance=true listed a fully applied memo (amount_remaining 0)"
    )


def _own_memos(api: DayZeroClient, amounts: tuple[int, ...]) -> tuple[str, list[dict[str, Any]]]:
    """A new customer with a draft memo of each of ``amounts``, created in that order."""
    customer = api.customer()["id"]
    return customer, [api.memo(customer, cents) for cents in amounts]


LIST_ORDER = f"{PAGINATION_GUIDE}: sort_by (default created_at), descending (default true)"


@dayzero_rule("DZ-LIST-ORDER", source=LIST_ORDER, writes=True)
def list_order(api: DayZeroClient) -> None:
    """The list is newest first by default (sort_by created_at, descending true), and
    descending=false turns it round. On a creditbox sandbox, sort_by=amount orders by amount,
    largest first, and descending=false turns that round too (the pagination guide names only
    created_at: amount is the sandbox's choice, specs/dayzero.yaml sort_by)."""
    customer, _ = _own_memos(api, (300, 100, 200))

    def page(**query: Any) -> list[dict[str, Any]]:
        return api.memos(customer_id=customer, limit=10, **query)["items"]

    def assert_ordered(
        items: list[dict[str, Any]], field: str, descending: bool, what: str
    ) -> None:
        values = [memo[field] for memo in items]
        assert len(values) == 3, f"{what}: listed {len(values)} of the customer's 3 memos"
        assert values == sorted(values, reverse=descending), f"{what}: {field} in order {values}"

    assert_ordered(page(), "created_at", True, "the default order")
    assert_ordered(page(descending="false"), "created_at", False, "descending=false")
    if not on_sandbox(api):
        return  # DayZero documents no sort_by but created_at: a deployment may refuse amount
    assert_ordered(page(sort_by="amount"), "amount", True, "sort_by=amount")
    ascending = page(sort_by="amount", descending="false")
    assert_ordered(ascending, "amount", False, "sort_by=amount&descending=false")


DIRECTION = f"{PAGINATION_GUIDE}: direction (next | prev)"


@dayzero_rule("DZ-PAGINATION-DIRECTION", source=DIRECTION, writes=True)
def pagination_direction(api: DayZeroClient) -> None:
    """direction=prev pages back from a cursor (memos listed before it, none listed from it on);
    direction=next pages on from it. On a creditbox sandbox, whose cursor is keyset-based
    (specs/dayzero.yaml), prev from the third memo's cursor lists exactly the two memos before
    it, in the list's order; the pagination guide says only that the cursor is opaque and
    direction is next or prev."""
    customer, _ = _own_memos(api, (101, 102, 103, 104))
    query = {"customer_id": customer}
    page = api.memos(**query, limit=1)
    ids = [memo["id"] for memo in page["items"]]
    for _ in range(2):  # on to the third memo, one a page
        assert page["has_next"] and page["next_cursor"], f"the walk stopped after {len(ids)}"
        page = api.memos(**query, limit=1, cursor=page["next_cursor"])
        ids += [memo["id"] for memo in page["items"]]
    after_third = page["next_cursor"]
    assert len(ids) == 3 and after_third, "the third memo's page has no next_cursor"
    back = [
        memo["id"]
        for memo in api.memos(**query, limit=2, cursor=after_third, direction="prev")["items"]
    ]
    assert back and set(back) <= set(ids), (
        "direction=prev from the third memo's cursor did not list only memos listed before it: "
        f"{back}, walked before it {ids}"
    )
    if on_sandbox(api):
        assert back == ids[:2], (
            "direction=prev from the third memo's cursor did not list the two memos before it, "
            f"in the list's order: {back}, expected {ids[:2]}"
        )
    on = api.memos(**query, limit=2, cursor=after_third, direction="next")
    assert len(on["items"]) == 1 and on["items"][0]["id"] not in ids, (
        "direction=next from the third memo's cursor did not list the fourth memo"
    )


REASON_CODES = (
    f"{CREATE_PAGE}: reason returned_goods, damaged_goods, service_issue, pricing_error, "
    f"billing_adjustment, goodwill, duplicate_charge, other; {SEED_ISSUE}: reason (e.g. refund)"
)
REASONS = (
    "returned_goods",
    "damaged_goods",
    "service_issue",
    "pricing_error",
    "billing_adjustment",
    "goodwill",
    "duplicate_charge",
    "other",
    "refund",
)


@dayzero_rule("DZ-REASON-CODES", source=REASON_CODES, writes=True)
def reason_codes(api: DayZeroClient) -> None:
    """A memo can be created with each documented reason code and keeps it, with a
    human-readable reason_display; a reason outside them is a 422. The codes are the create
    page's eight and refund, which seed 001 (seeds/001_434e80bb61e1accb.txt, Issue credit memo:
    "Reason code (e.g. pricing_error, refund, other)") names as an example."""
    customer = api.customer()["id"]
    for reason in REASONS:
        memo = api.memo(customer, 100, reason=reason)
        assert memo["reason"] == reason, (
            f"a memo created with reason {reason} says {memo['reason']!r}"
        )
        assert isinstance(memo["reason_display"], str) and memo["reason_display"], (
            f"reason {reason} has reason_display {memo['reason_display']!r}"
        )
    body = {"customer_id": customer, "amount_cents": 100, "reason": "not_a_reason"}
    expect_status(api.call("POST", "/credit-memos", json=body), 422, "reason=not_a_reason")


INVOICES_GUIDE = "https://www.ondayzero.com/docs/guides/invoices"
INVOICE_FINALIZE = f"{INVOICES_GUIDE}: invoices are created, and finalize assigns the number"


@dayzero_rule("DZ-INVOICE-FINALIZE-NUMBERS", source=INVOICE_FINALIZE, writes=True)
def invoice_finalize_numbers(api: DayZeroClient) -> None:
    """A created invoice is a draft that can be read back; finalizing it assigns its number and
    opens it."""
    created = api.invoice(api.customer()["id"], 2500)
    assert created["status"] == "draft", f"a new invoice has status {created['status']!r}"
    assert api.get_invoice(created["id"])["id"] == created["id"], "the invoice reads back another"
    assert not created.get("number"), f"a draft invoice already has number {created['number']!r}"
    final = api.expect("POST", f"/invoices/{created['id']}/finalize", 201)
    assert isinstance(final.get("number"), str) and final["number"], (
        f"finalize assigned no number: {final.get('number')!r}"
    )
    assert final["status"] == "open", f"a finalized invoice has status {final['status']!r}"
    assert api.get_invoice(created["id"])["number"] == final["number"], "the number did not stay"
    # The open invoice stays, tagged by its line (the harness's clean-up voids no invoice).


CUSTOMERS = (
    "https://www.ondayzero.com/docs/guides/customers; "
    "https://www.ondayzero.com/docs/reference/customers/create-customer"
)


@dayzero_rule("DZ-CUSTOMER-READ-BACK", source=CUSTOMERS, writes=True)
def customer_read_back(api: DayZeroClient) -> None:
    """A created customer reads back by its id with the name it was given."""
    created = api.customer(f"{api.tag} customer")
    fetched = api.expect("GET", f"/customers/{created['id']}", 200)
    assert (fetched["id"], fetched["name"]) == (created["id"], f"{api.tag} customer"), (
        f"the customer reads back as {fetched.get('id')!r} named {fetched.get('name')!r}"
    )


ERROR_GUIDE = "https://www.ondayzero.com/docs/guides/error-handling"
ON_SANDBOX = "a deployment's rate limit and faults cannot be provoked safely: sandbox targets only"


def _with_faults(api: DayZeroClient, settings: dict[str, Any], step: Callable[[], None]) -> None:
    """``step`` run while the sandbox tenant's fault settings have ``settings`` over them; its own
    settings are put back afterwards. Skipped on any target that is no creditbox sandbox."""
    if api.tenant() is None:
        raise Skipped(ON_SANDBOX)
    with api.fault_settings(settings):
        step()


@dayzero_rule("DZ-RATE-LIMITED-429", source=f"{ERROR_GUIDE}: 429 Rate Limited", writes=True)
def rate_limited(api: DayZeroClient) -> None:
    """Past the rate limit, a request is refused with 429 in DayZero's {detail} body (on a
    creditbox sandbox, whose tenant is given a limit of one request a minute)."""

    def past_the_limit() -> None:
        expect_status(api.call("GET", "/credit-memos", params={"limit": 1}), 200, "the first")
        assert_refused(api.call("GET", "/credit-memos", params={"limit": 1}), 429, "the second")

    limit = {"vendor": "dayzero", "limit": 1, "window_seconds": 60}
    _with_faults(api, {"rate_limits": [limit]}, past_the_limit)


@dayzero_rule("DZ-SERVICE-UNAVAILABLE-503", source=f"{ERROR_GUIDE}: 500, 503", writes=True)
def service_unavailable(api: DayZeroClient) -> None:
    """A service in maintenance answers 503, and a server fault 500 (on a creditbox sandbox,
    whose tenant's fault rules make them), with no change made: the customer created before
    still reads back, and no customer the faulted creates named is listed."""
    customer = api.customer()["id"]
    route = "/api/v1/customers"
    names = {status: f"{api.tag} in a {status} fault" for status in (503, 500)}

    def faulted(status: int) -> Callable[[], None]:
        def step() -> None:
            response = api.call("POST", "/customers", json={"name": names[status]})
            expect_status(response, status, f"POST /customers in a {status} fault")

        return step

    for status in (503, 500):
        fault = {"vendor": "dayzero", "method": "POST", "route": route, "error_rate": 1}
        _with_faults(api, {"rules": [{**fault, "error_status": status}]}, faulted(status))
    assert api.expect("GET", f"/customers/{customer}", 200)["id"] == customer
    created = _customers_named(api, set(names.values()), until=customer)
    assert not created, f"the faulted creates made customers anyway: {created}"


def _customers_named(api: DayZeroClient, names: set[str], until: str, pages: int = 50) -> list[str]:
    """The ids of listed customers named one of ``names``, newest first (the list's default
    order), from the newest to the customer ``until`` (or ``pages`` pages of 100)."""
    found: list[str] = []
    page = api.customers(limit=100)
    for _ in range(pages):
        found += [c["id"] for c in page["items"] if c.get("name") in names]
        if until in {c["id"] for c in page["items"]} or not page["has_next"]:
            break
        page = api.customers(limit=100, cursor=page["next_cursor"])
    return found
