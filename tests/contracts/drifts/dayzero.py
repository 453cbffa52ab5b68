"""DayZero's drifts: see the package's docstring."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

from contracts.checks import JSON, every_object
from tests.contracts.drifts.common import answers_unchanged, duplicated_page, refusal_accepted
from tests.support.drift_proxy import Drift, Exchange


def _dz_remaining_off_by_one(exchange: Exchange) -> None:
    for memo in every_object(exchange.body):
        if isinstance(memo.get("amount_remaining"), int) and "amount_applied" in memo:
            memo["amount_remaining"] += 1


def _dz_over_apply_accepted(exchange: Exchange) -> None:
    refusal_accepted(exchange, "POST", re.compile(r"/credit-memos/[^/]+/apply$"), 201)


def _dz_error_shape(exchange: Exchange) -> None:
    if exchange.status >= 400 and isinstance(exchange.body, dict) and "detail" in exchange.body:
        exchange.body = {"error": {"message": exchange.body["detail"]}}


def _dz_fee_taken_from_credit(exchange: Exchange) -> None:
    """The reading DayZero's reference contradicts: the restocking fee lowers the credit."""
    for memo in every_object(exchange.body):
        breakdown = memo.get("line_items")
        fee = breakdown.get("restocking_fee_cents") if isinstance(breakdown, dict) else None
        if fee and isinstance(memo.get("amount"), int):
            memo["amount"] -= fee


def _dz_status_ignores_amounts(exchange: Exchange) -> None:
    for memo in every_object(exchange.body):
        if memo.get("status") == "partially_applied":
            memo["status"] = "issued"


MEMO = re.compile(r"^/api/v1/credit-memos/[^/]+$")
LIST = "/api/v1/credit-memos"
EMPTY_PAGE = {
    "items": [],
    "total": None,
    "limit": 50,
    "next_cursor": None,
    "prev_cursor": None,
    "has_next": False,
    "has_prev": False,
}


def _memos(body: Any) -> list[JSON]:
    return [obj for obj in every_object(body) if {"amount_remaining", "status"} <= obj.keys()]


def _listing(exchange: Exchange) -> bool:
    return exchange.method == "GET" and exchange.path == LIST and exchange.status == 200


def _answered(
    method: str, path: str | re.Pattern[str], before: int, after: int, body: Any
) -> Callable[[Exchange], None]:
    """The answer ``before`` to ``method`` on ``path`` turned into ``after`` with ``body``."""

    def rewrite(exchange: Exchange) -> None:
        matches = exchange.path == path if isinstance(path, str) else path.search(exchange.path)
        if exchange.method == method and matches and exchange.status == before:
            exchange.status, exchange.body = after, copy.deepcopy(body)

    return rewrite


def _dz_issue_route_missing(exchange: Exchange) -> None:
    if exchange.method == "POST" and exchange.path.endswith("/issue"):
        exchange.status, exchange.body = 404, {"detail": "Not Found"}


def _dz_reissue_accepted(exchange: Exchange) -> None:
    refusal_accepted(exchange, "POST", re.compile(r"/credit-memos/[^/]+/issue$"), 201)


def _dz_conflict_as_409(exchange: Exchange) -> None:
    """The error-handling guide's 409 for a state conflict, where the reference pages list 400."""
    if exchange.method == "POST" and exchange.path.endswith("/issue") and exchange.status == 400:
        exchange.status = 409


def _dz_issued_not_applicable(exchange: Exchange) -> None:
    if exchange.method == "POST" and exchange.path.endswith("/issue") and exchange.status == 201:
        for memo in _memos(exchange.body):
            memo["can_be_applied"] = False


def _dz_created_as_issued(exchange: Exchange) -> None:
    if exchange.method == "POST" and exchange.path == LIST and exchange.status == 201:
        for memo in _memos(exchange.body):
            memo["status"] = "issued"


def _dz_validation_without_loc(exchange: Exchange) -> None:
    detail = exchange.body.get("detail") if isinstance(exchange.body, dict) else None
    if exchange.status == 422 and isinstance(detail, list):
        for item in detail:
            if isinstance(item, dict):
                item.pop("loc", None)


def _dz_unknown_status_served(exchange: Exchange) -> None:
    if exchange.path == LIST and exchange.status == 422 and "status" in exchange.query:
        exchange.status, exchange.body = 200, copy.deepcopy(EMPTY_PAGE)


def _dz_limit_clamped(exchange: Exchange) -> None:
    """A limit above 1000 served as 1000 instead of refused."""
    limit = exchange.query.get("limit", "")
    if exchange.path == LIST and exchange.status == 422 and limit.isdigit() and int(limit) > 1000:
        exchange.status, exchange.body = 200, {**copy.deepcopy(EMPTY_PAGE), "limit": 1000}


def _dz_total_always_counted(exchange: Exchange) -> None:
    if _listing(exchange) and isinstance(exchange.body, dict) and exchange.body["total"] is None:
        exchange.body["total"] = len(exchange.body["items"])


def _dz_items_renamed(exchange: Exchange) -> None:
    if _listing(exchange) and isinstance(exchange.body, dict) and "items" in exchange.body:
        exchange.body["data"] = exchange.body.pop("items")


def _dz_has_prev_dropped(exchange: Exchange) -> None:
    if _listing(exchange) and isinstance(exchange.body, dict):
        exchange.body.pop("has_prev", None)


def _dz_next_cursor_dropped(exchange: Exchange) -> None:
    """The next page's cursor left out while has_next still says there is one."""
    if _listing(exchange) and isinstance(exchange.body, dict) and exchange.body.get("has_next"):
        exchange.body["next_cursor"] = None


def _dz_filtered_pages_lose_last(exchange: Exchange) -> None:
    """A filter applied after the page was cut: each full filtered page loses its last memo."""
    filtered = {"customer_id", "status", "search"} & exchange.query.keys()
    if _listing(exchange) and filtered and isinstance(exchange.body, dict):
        items = exchange.body["items"]
        if len(items) >= 2:
            items.pop()


def _dz_remaining_filter_drops_issued(exchange: Exchange) -> None:
    """has_remaining_balance read as "partly used": issued memos, nothing applied, left out."""
    if _listing(exchange) and exchange.query.get("has_remaining_balance") == "true":
        items = exchange.body["items"]
        items[:] = [memo for memo in items if memo.get("status") != "issued"]


def _dz_sort_by_ignored(exchange: Exchange) -> None:
    """Every list in created_at order, whatever sort_by asks for."""
    if _listing(exchange) and exchange.query.get("sort_by", "created_at") != "created_at":
        newest_first = exchange.query.get("descending", "true") != "false"
        exchange.body["items"].sort(key=lambda memo: memo["created_at"], reverse=newest_first)


def _dz_descending_ignored(exchange: Exchange) -> None:
    """descending=false ignored: the page comes newest (or largest) first all the same."""
    if _listing(exchange) and exchange.query.get("descending") == "false":
        exchange.body["items"].reverse()


def _dz_prev_page_reversed(exchange: Exchange) -> None:
    """A page read backwards from its cursor and not turned round."""
    if _listing(exchange) and exchange.query.get("direction") == "prev":
        exchange.body["items"].reverse()


def _dz_reasons_collapse_to_other(exchange: Exchange) -> None:
    """Only the first release's reasons kept: every other code is stored as other."""
    for memo in _memos(exchange.body):
        if memo.get("reason") not in (None, "pricing_error", "other"):
            memo["reason"], memo["reason_display"] = "other", "Other"


def _dz_invoices_never_numbered(exchange: Exchange) -> None:
    for obj in every_object(exchange.body):
        if {"amount_due", "total"} <= obj.keys() and obj.get("number"):
            obj["number"] = None


def _dz_customer_name_lost(exchange: Exchange) -> None:
    body = exchange.body
    customer = re.fullmatch(r"/api/v1/customers/[^/]+", exchange.path)
    if exchange.method == "GET" and customer and exchange.status == 200 and isinstance(body, dict):
        body["name"] = ""


def _dz_rate_limit_as_503(exchange: Exchange) -> None:
    if exchange.status == 429:
        exchange.status = 503


def _dz_maintenance_as_500(exchange: Exchange) -> None:
    if exchange.status == 503:
        exchange.status = 500


def _dz_voided_at_dropped(exchange: Exchange) -> None:
    memo_void = re.fullmatch(r"/api/v1/credit-memos/[^/]+/void", exchange.path)
    if exchange.method == "POST" and memo_void:
        for memo in _memos(exchange.body):
            memo["voided_at"] = None


def _dz_has_applications_inverted(exchange: Exchange) -> None:
    for memo in _memos(exchange.body):
        if isinstance(memo.get("has_applications"), bool) and "applications" in memo:
            memo["has_applications"] = not memo["has_applications"]


def _dz_applications_overstated(exchange: Exchange) -> None:
    for memo in _memos(exchange.body):
        for application in memo.get("applications") or []:
            application["amount_applied"] += 1


def _dz_dollars_disagree(exchange: Exchange) -> None:
    """The dollar strings rounded to whole dollars."""
    for memo in _memos(exchange.body):
        for field in ("amount", "amount_applied", "amount_remaining"):
            if isinstance(memo.get(field), int) and memo[field] % 100:
                memo[f"{field}_in_dollars"] = f"{memo[field] // 100}.00"


def _dz_wrapped(exchange: Exchange) -> None:
    """The rendered reference pages' envelope, where the bare reading is expected."""
    if 200 <= exchange.status < 300 and isinstance(exchange.body, dict):
        exchange.body = {"success": True, "message": "OK", "code": "success", "data": exchange.body}


def _dz_unwrapped_lists(exchange: Exchange) -> None:
    """Where the wrapped reading is expected, the list comes bare."""
    body = exchange.body
    if exchange.path == "/api/v1/credit-memos" and isinstance(body, dict) and "data" in body:
        exchange.body = body["data"]


def _dz_business_header_required(exchange: Exchange) -> bool:
    """A call without ``x-business-id`` is refused as if the header were required."""
    if "x-business-id" in exchange.headers or "authorization" not in exchange.headers:
        return False
    exchange.status = 422
    missing = {"loc": ["header", "x-business-id"], "msg": "Field required", "type": "missing"}
    exchange.body = {"detail": [missing]}
    return True


def _dz_invoice_dollars_stale(exchange: Exchange) -> None:
    """An invoice's amount_due_in_dollars says what was due before anything was credited."""
    if exchange.path.startswith("/api/v1/invoices"):
        for invoice in every_object(exchange.body):
            if invoice.get("amount_credited") and isinstance(invoice.get("total"), int):
                invoice["amount_due_in_dollars"] = f"{invoice['total'] / 100:.2f}"


def _dz_unapply_answers_the_memo(exchange: Exchange) -> None:
    """An unapply answers the memo itself, not its CreditMemoUnapplyResponse."""
    body = exchange.body
    unapplied = exchange.method == "POST" and exchange.path.endswith("/unapply")
    if unapplied and exchange.status == 201 and isinstance(body, dict) and "credit_memo" in body:
        exchange.body = body["credit_memo"]


def _dz_credit_ignored_by_invoice(exchange: Exchange) -> None:
    """An invoice's amount_due leaves the credit applied to it out."""
    if exchange.method == "GET" and exchange.path.startswith("/api/v1/invoices/"):
        for obj in every_object(exchange.body):
            if isinstance(obj.get("amount_credited"), int) and obj["amount_credited"]:
                obj["amount_due"] += obj["amount_credited"]
                obj["amount_credited"] = 0


def _dz_credits_sum_amounts(exchange: Exchange) -> None:
    """A customer's available credit summed from the memos' amounts, not what is left of them."""
    body = exchange.body
    if exchange.path.endswith("/credits") and isinstance(body, dict) and "credit_memos" in body:
        body["total_credits_available"] = sum(memo["amount"] for memo in body["credit_memos"])


def _dz_unknown_memo_empty(exchange: Exchange) -> None:
    if exchange.method == "GET" and MEMO.search(exchange.path) and exchange.status == 404:
        exchange.status, exchange.body = 200, {}


def _dz_unknown_memo_gone(exchange: Exchange) -> None:
    if exchange.method == "GET" and MEMO.search(exchange.path) and exchange.status == 404:
        exchange.status = 410


def _dz_forbidden_body(exchange: Exchange) -> None:
    if exchange.status == 403:
        exchange.body = {"error": "forbidden"}


def _dz_limit_echo_default(exchange: Exchange) -> None:
    """The page says the default limit whatever limit was asked for."""
    if _listing(exchange) and isinstance(exchange.body, dict) and "limit" in exchange.body:
        exchange.body["limit"] = 50


def _dz_void_answers_200(exchange: Exchange) -> None:
    if exchange.method == "POST" and exchange.path.endswith("/void") and exchange.status == 201:
        exchange.status = 200


def _dz_has_more_inverted(exchange: Exchange) -> None:
    if _listing(exchange) and isinstance(exchange.body, dict) and "has_more" in exchange.body:
        exchange.body["has_more"] = not exchange.body["has_more"]


def _dz_invoice_status_finalized(exchange: Exchange) -> None:
    """A finalized invoice spelled finalized, a status the invoices guide does not list."""
    for obj in every_object(exchange.body):
        if {"amount_due", "total"} <= obj.keys() and obj.get("status") == "open":
            obj["status"] = "finalized"


def _dz_draft_invoices_not_stored(exchange: Exchange) -> None:
    """A draft invoice cannot be read back until it is finalized."""
    body = exchange.body
    invoice = re.fullmatch(r"/api/v1/invoices/[^/]+", exchange.path)
    draft = isinstance(body, dict) and body.get("status") == "draft"
    if exchange.method == "GET" and invoice and draft:
        exchange.status, exchange.body = 404, {"detail": "Invoice not found"}


VOID_INVOICE = re.compile(r"^/api/v1/invoices/[^/]+/void$")


def _dz_void_leaves_invoice_open(exchange: Exchange) -> None:
    """A void that answers the invoice void, while it reads back open."""
    if exchange.method == "GET" and re.fullmatch(r"/api/v1/invoices/[^/]+", exchange.path):
        for obj in every_object(exchange.body):
            if obj.get("status") == "void":
                obj["status"] = "open"


def _dz_any_invoice_voided(exchange: Exchange) -> None:
    refusal_accepted(exchange, "PUT", VOID_INVOICE, 200)


_dz_void_by_post_refused = _answered(
    "POST", VOID_INVOICE, 200, 405, {"detail": "Method Not Allowed"}
)


PAYMENTS = re.compile(r"^/api/v1/invoices/[^/]+/payments$")
PAYMENT = re.compile(r"^/api/v1/invoices/[^/]+/payments/[^/]+$")


def _invoices(body: Any) -> list[JSON]:
    return [
        obj for obj in every_object(body) if {"total", "total_paid", "balance_due"} <= obj.keys()
    ]


def _dz_payment_not_recorded(exchange: Exchange) -> bool:
    """A payment answered 201 with what was sent, and never recorded."""
    if exchange.method != "POST" or not PAYMENTS.match(exchange.path):
        return False
    sent = exchange.request if isinstance(exchange.request, dict) else {}
    invoice = exchange.path.split("/")[4]
    stamp = "2026-01-01T00:00:00Z"
    exchange.status, exchange.body = (
        201,
        {
            "id": "00000000-0000-4000-8000-000000000001",
            "invoice_id": invoice,
            "transaction_id": sent.get("transaction_id"),
            "amount": sent.get("amount"),
            "currency": "USD",
            "paid_on": sent.get("paid_on") or stamp,
            "created_at": stamp,
            "updated_at": stamp,
            "business_id": "00000000-0000-4000-8000-000000000002",
        },
    )
    return True


def _dz_payment_refusal_accepted(exchange: Exchange) -> None:
    refusal_accepted(exchange, "POST", PAYMENTS, 201)


def _dz_overpayment_refused(exchange: Exchange) -> None:
    sent = exchange.request if isinstance(exchange.request, dict) else {}
    if PAYMENTS.match(exchange.path) and exchange.status == 201 and sent.get("amount") == 2_500:
        exchange.status, exchange.body = 400, {"detail": "Amount exceeds the invoice's balance"}


def _dz_paid_on_not_the_transactions(exchange: Exchange) -> None:
    if PAYMENTS.match(exchange.path) and exchange.status == 201 and isinstance(exchange.body, dict):
        exchange.body["paid_on"] = "2020-01-01T00:00:00Z"


def _dz_unpay_does_nothing(exchange: Exchange) -> bool:
    if exchange.method != "DELETE" or not PAYMENT.match(exchange.path):
        return False
    exchange.status = 200
    exchange.body = {"success": True, "message": "Payment removed", "code": "success"}
    return True


def _dz_balance_off(exchange: Exchange) -> None:
    for invoice in _invoices(exchange.body):
        if isinstance(invoice["balance_due"], int):
            invoice["balance_due"] += 1


def _dz_payments_dropped(exchange: Exchange) -> None:
    for invoice in _invoices(exchange.body):
        if invoice["total_paid"] and isinstance(invoice.get("payments"), list):
            invoice["payments"] = []


def _dz_paid_status_stays_open(exchange: Exchange) -> None:
    for invoice in _invoices(exchange.body):
        if invoice.get("status") in ("partially_paid", "manual_paid") and invoice["total_paid"]:
            invoice["status"] = "open"


def _dz_transactions_missing(exchange: Exchange) -> bool:
    if exchange.method != "POST" or exchange.path != "/api/v1/transactions":
        return False
    exchange.status, exchange.body = 404, {"detail": "Not Found"}
    return True


DRIFTS = [
    Drift(
        "unapply-answers-the-memo",
        "dayzero",
        "an unapply answers the memo, not a CreditMemoUnapplyResponse",
        _dz_unapply_answers_the_memo,
        "ST108",
        rows=("P-D16",),
    ),
    Drift(
        "conflict-reading-answers-400",
        "dayzero",
        "under the guide's 409 for state conflicts, a second issue is refused with 400",
        _answered("POST", re.compile(r"/issue$"), 409, 400, {"detail": "Not a draft"}),
        "DZ-ISSUE-FROM-DRAFT-ONLY",
        rows=("P-D9",),
        readings=(("dayzero.conflict-status", "conflict"),),
    ),
    Drift(
        "invoice-dollars-stale",
        "dayzero",
        "a credited invoice's amount_due_in_dollars is its total, the credit left out",
        _dz_invoice_dollars_stale,
        "dayzero_invoice_dollar_strings_equal_cents",
        rows=("P-D37",),
    ),
    Drift(
        "wrapped-lists-bare",
        "dayzero",
        "under the wrapped envelope, the memo list comes bare",
        _dz_unwrapped_lists,
        "dayzero_envelope_as_expected",
        rows=("P-D11",),
        readings=(("dayzero.envelope", "wrapped"),),
    ),
    Drift(
        "business-header-required",
        "dayzero",
        "a call without x-business-id is refused 422, as if the header were required",
        lambda exchange: None,
        "DZ-BUSINESS-HEADER-AS-EXPECTED",
        _dz_business_header_required,
        rows=("P-D3", "P-D4"),
    ),
    Drift(
        "remaining-off-by-one",
        "dayzero",
        "every memo's amount_remaining is one cent more than amount - amount_applied",
        _dz_remaining_off_by_one,
        "dayzero_remaining_is_amount_minus_applied",
        rows=("D20", "L11"),
    ),
    Drift(
        "over-apply-accepted",
        "dayzero",
        "an apply DayZero refuses with 400 answers 201",
        _dz_over_apply_accepted,
        "DZ-APPLY-OVER-REMAINING",
        rows=("D40",),
    ),
    Drift(
        "error-shape",
        "dayzero",
        "error bodies are {error: {message}} instead of {detail}",
        _dz_error_shape,
        "DZ-MEMO-NOT-FOUND-404",
        rows=("P-D7",),
    ),
    Drift(
        "duplicated-page",
        "dayzero",
        "a page of memos repeats its first memo in place of its last",
        duplicated_page("/api/v1/credit-memos", "items"),
        "DZ-PAGINATION-EXACTLY-ONCE",
        rows=("L8", "P-D22"),
    ),
    Drift(
        "fee-taken-from-credit",
        "dayzero",
        "a memo's amount is amount_cents less its restocking fee",
        _dz_fee_taken_from_credit,
        "DZ-RESTOCKING-FEE-WITHHELD",
        rows=("D16", "P-D5", "P-D6"),
    ),
    Drift(
        "status-ignores-amounts",
        "dayzero",
        "a partially applied memo says issued",
        _dz_status_ignores_amounts,
        "dayzero_status_agrees_with_amounts",
        rows=("D14",),
    ),
    Drift(
        "issue-route-missing",
        "dayzero",
        "POST /credit-memos/{id}/issue answers 404: the deployment has no issue route",
        _dz_issue_route_missing,
        "DZ-ISSUE-FROM-DRAFT-ONLY",
        rows=("D1",),
    ),
    Drift(
        "reissue-accepted",
        "dayzero",
        "issuing a memo that is no draft answers 201 instead of a refusal",
        _dz_reissue_accepted,
        "DZ-ISSUE-FROM-DRAFT-ONLY",
        rows=("D2",),
    ),
    Drift(
        "conflict-as-409",
        "dayzero",
        "a status conflict answers 409 where the reference pages (the default reading) list 400",
        _dz_conflict_as_409,
        "DZ-ISSUE-FROM-DRAFT-ONLY",
        rows=(
            "D40",
            "P-D10",
        ),
    ),
    Drift(
        "issued-not-applicable",
        "dayzero",
        "an issued memo says can_be_applied false",
        _dz_issued_not_applicable,
        "DZ-ISSUE-FROM-DRAFT-ONLY",
        rows=(
            "D3",
            "D36",
        ),
    ),
    Drift(
        "created-as-issued",
        "dayzero",
        "a new memo answers status issued instead of draft",
        _dz_created_as_issued,
        "DZ-CREATE-DRAFT",
        rows=("P-D13",),
    ),
    Drift(
        "validation-without-loc",
        "dayzero",
        "a 422's detail items leave out loc",
        _dz_validation_without_loc,
        "DZ-LIST-UNKNOWN-STATUS-422",
        rows=(
            "D45",
            "P-D8",
        ),
    ),
    Drift(
        "unknown-status-served",
        "dayzero",
        "a status filter outside CreditMemoStatusEnum answers 200 with an empty page",
        _dz_unknown_status_served,
        "DZ-LIST-UNKNOWN-STATUS-422",
        rows=(
            "D44",
            "L5",
            "L18",
        ),
    ),
    Drift(
        "limit-clamped",
        "dayzero",
        "a limit above 1000 is served as 1000 instead of refused with 422",
        _dz_limit_clamped,
        "DZ-LIMIT-1-TO-1000",
        rows=(
            "L9",
            "P-D21",
        ),
    ),
    Drift(
        "total-always-counted",
        "dayzero",
        "total is counted though include_total_count was not asked for",
        _dz_total_always_counted,
        "DZ-LIST-PAGE-SHAPE",
        rows=(
            "L12",
            "P-D26",
        ),
    ),
    Drift(
        "items-renamed",
        "dayzero",
        "a page of memos lists them under data instead of items",
        _dz_items_renamed,
        "DZ-LIST-PAGE-SHAPE",
        rows=(
            "L1",
            "L10",
        ),
    ),
    Drift(
        "has-prev-dropped",
        "dayzero",
        "a page of memos leaves out has_prev",
        _dz_has_prev_dropped,
        "DZ-LIST-PAGE-SHAPE",
        rows=("L15",),
    ),
    Drift(
        "next-cursor-dropped",
        "dayzero",
        "a page says has_next but gives no next_cursor",
        _dz_next_cursor_dropped,
        "DZ-PAGINATION-EXACTLY-ONCE",
        rows=("L14",),
    ),
    Drift(
        "filtered-pages-lose-last",
        "dayzero",
        "a filtered page loses its last memo (the filter runs after the page is cut)",
        _dz_filtered_pages_lose_last,
        "DZ-FILTERS-EXACTLY-ONCE",
        rows=(
            "L4",
            "L7",
        ),
    ),
    Drift(
        "remaining-filter-drops-issued",
        "dayzero",
        "has_remaining_balance=true leaves out issued memos that have all their credit left",
        _dz_remaining_filter_drops_issued,
        "DZ-FILTER-REMAINING-BALANCE",
        rows=("L6",),
    ),
    Drift(
        "sort-by-ignored",
        "dayzero",
        "sort_by is ignored: every list comes in created_at order",
        _dz_sort_by_ignored,
        "DZ-LIST-ORDER",
        rows=("P-D24",),
    ),
    Drift(
        "descending-ignored",
        "dayzero",
        "descending=false is ignored: the list comes largest or newest first",
        _dz_descending_ignored,
        "DZ-LIST-ORDER",
        rows=("P-D25",),
    ),
    Drift(
        "prev-page-reversed",
        "dayzero",
        "a page read with direction=prev comes in reverse order",
        _dz_prev_page_reversed,
        "DZ-PAGINATION-DIRECTION",
        rows=("P-D23",),
    ),
    Drift(
        "reasons-collapse-to-other",
        "dayzero",
        "every reason code but pricing_error is stored as other",
        _dz_reasons_collapse_to_other,
        "DZ-REASON-CODES",
        rows=(
            "P-D19",
            "P-D20",
        ),
    ),
    Drift(
        "void-leaves-invoice-open",
        "dayzero",
        "the void answers the invoice void, but it reads back open",
        _dz_void_leaves_invoice_open,
        "DZ-INVOICE-VOID",
        rows=("P-D31", "P-D38"),
    ),
    Drift(
        "any-invoice-voided",
        "dayzero",
        "voiding an invoice that is not open (a draft, say) answers 200",
        _dz_any_invoice_voided,
        "DZ-INVOICE-VOID",
        rows=("P-D39",),
    ),
    Drift(
        "void-by-post-refused",
        "dayzero",
        "under the guide's reading, POST on an invoice's void route is a 405",
        _dz_void_by_post_refused,
        "DZ-INVOICE-VOID",
        rows=("P-D40",),
        readings=(("dayzero.invoice-void-method", "post"),),
    ),
    Drift(
        "invoices-never-numbered",
        "dayzero",
        "finalize assigns no number: every invoice reads number null",
        _dz_invoices_never_numbered,
        "DZ-INVOICE-FINALIZE-NUMBERS",
        rows=("P-D30",),
    ),
    Drift(
        "customer-name-lost",
        "dayzero",
        "a customer reads back with an empty name",
        _dz_customer_name_lost,
        "DZ-CUSTOMER-READ-BACK",
        rows=("P-D33",),
    ),
    Drift(
        "rate-limit-as-503",
        "dayzero",
        "past the rate limit the answer is 503 instead of 429",
        _dz_rate_limit_as_503,
        "DZ-RATE-LIMITED-429",
        rows=("P-D34",),
    ),
    Drift(
        "maintenance-as-500",
        "dayzero",
        "a service in maintenance answers 500 instead of 503",
        _dz_maintenance_as_500,
        "DZ-SERVICE-UNAVAILABLE-503",
        rows=("P-D35",),
    ),
    Drift(
        "voided-at-dropped",
        "dayzero",
        "a void's answer has voided_at null",
        _dz_voided_at_dropped,
        "DZ-VOID-ONLY-UNAPPLIED",
        rows=("D31",),
    ),
    Drift(
        "void-after-apply-accepted",
        "dayzero",
        "voiding a memo with credit applied answers 201 instead of a refusal",
        _answered("POST", re.compile(r"/void$"), 400, 201, {}),
        "DZ-VOID-ONLY-UNAPPLIED",
        rows=("D37",),
    ),
    Drift(
        "delete-issued-accepted",
        "dayzero",
        "deleting an issued memo answers 204 instead of a refusal",
        _answered("DELETE", MEMO, 400, 204, None),
        "DZ-DELETE-ONLY-DRAFTS",
        rows=("D38",),
    ),
    Drift(
        "update-issued-accepted",
        "dayzero",
        "updating an issued memo answers 200 instead of a refusal",
        _answered("PUT", MEMO, 400, 200, {}),
        "DZ-UPDATE-ONLY-DRAFTS",
        rows=("P-D14",),
    ),
    Drift(
        "unapply-not-applied-accepted",
        "dayzero",
        "unapplying a memo from an invoice it is not applied to answers 201",
        _answered("POST", re.compile(r"/unapply$"), 404, 201, {}),
        "DZ-UNAPPLY-NOT-APPLIED-404",
    ),
    Drift(
        "has-applications-inverted",
        "dayzero",
        "has_applications says the opposite of the applications listed",
        _dz_has_applications_inverted,
        "dayzero_has_applications_iff_applications",
        rows=("D39",),
    ),
    Drift(
        "applications-overstated",
        "dayzero",
        "each application's amount_applied is a cent more than was applied",
        _dz_applications_overstated,
        "dayzero_applications_sum_to_amount_applied",
        rows=(
            "D18",
            "D35",
        ),
    ),
    Drift(
        "dollars-rounded",
        "dayzero",
        "the memo's dollar strings are rounded to whole dollars",
        _dz_dollars_disagree,
        "dayzero_dollar_strings_equal_cents",
        rows=(
            "D17",
            "D19",
            "D21",
        ),
    ),
    Drift(
        "wrapped",
        "dayzero",
        "2xx bodies come in the {success, message, code, data} envelope, not bare as expected",
        _dz_wrapped,
        "dayzero_envelope_as_expected",
        rows=(
            "D8",
            "P-D12",
        ),
    ),
    Drift(
        "credit-ignored-by-invoice",
        "dayzero",
        "an invoice's amount_due leaves the credit applied to it out",
        _dz_credit_ignored_by_invoice,
        "DZ-APPLY-PARTIAL",
        rows=("P-D15",),
    ),
    Drift(
        "credits-sum-amounts",
        "dayzero",
        "a customer's available credit sums the memos' amounts, not what is left of them",
        _dz_credits_sum_amounts,
        "DZ-CUSTOMER-CREDITS",
        rows=("P-D18",),
    ),
    Drift(
        "unknown-memo-empty",
        "dayzero",
        "an unknown memo answers 200 with an empty body instead of 404",
        _dz_unknown_memo_empty,
        "DZ-MEMO-NOT-FOUND-404",
        rows=(
            "D43",
            "P-D36",
        ),
    ),
    Drift(
        "unknown-memo-gone",
        "dayzero",
        "an unknown memo answers 410, a status the spec does not declare",
        _dz_unknown_memo_gone,
        "ST103",
        rows=("D7",),
    ),
    Drift(
        "forbidden-body",
        "dayzero",
        "a 403's body is {error} instead of DayZero's {detail}",
        _dz_forbidden_body,
        "ST108",
        rows=("L17",),
    ),
    Drift(
        "unknown-token-accepted",
        "dayzero",
        "a list call with an unknown token answers 200 (an empty page) instead of 401",
        _answered("GET", LIST, 401, 200, EMPTY_PAGE),
        "DZ-AUTH-UNKNOWN-TOKEN",
        rows=("D5", "D41", "L3", "L16", "P-D1"),
    ),
    Drift(
        "foreign-business-served",
        "dayzero",
        "a list call for a business the token may not act on answers 200 instead of 403",
        _answered("GET", LIST, 403, 200, EMPTY_PAGE),
        "DZ-AUTH-FOREIGN-BUSINESS",
        rows=("D6", "D42", "P-D2"),
    ),
    Drift(
        "limit-echo-default",
        "dayzero",
        "a page of memos says limit 50 whatever limit was asked for",
        _dz_limit_echo_default,
        "DZ-LIST-PAGE-SHAPE",
        rows=("L13",),
    ),
    Drift(
        "has-more-inverted",
        "dayzero",
        "has_more says the opposite of has_next",
        _dz_has_more_inverted,
        "DZ-LIST-PAGE-SHAPE",
        rows=("P-D27",),
    ),
    Drift(
        "void-answers-200",
        "dayzero",
        "a void answers 200 instead of 201",
        _dz_void_answers_200,
        "DZ-VOID-ONLY-UNAPPLIED",
        rows=("P-D17",),
    ),
    Drift(
        "invoice-status-finalized",
        "dayzero",
        "a finalized invoice says status finalized, which the invoices guide does not list",
        _dz_invoice_status_finalized,
        "DZ-INVOICE-FINALIZE-NUMBERS",
        rows=("P-D28",),
    ),
    Drift(
        "draft-invoices-not-stored",
        "dayzero",
        "a created (draft) invoice reads back 404 until it is finalized",
        _dz_draft_invoices_not_stored,
        "DZ-INVOICE-FINALIZE-NUMBERS",
        rows=("P-D29",),
    ),
    Drift(
        "payment-not-recorded",
        "dayzero",
        "a payment is answered 201 as sent, and the invoice never shows it",
        answers_unchanged,
        "DZ-INVOICE-PAYMENT",
        answers=_dz_payment_not_recorded,
        rows=("P-D41",),
    ),
    Drift(
        "over-allocation-accepted",
        "dayzero",
        "a payment above what its transaction has left is answered 201",
        _dz_payment_refusal_accepted,
        "DZ-PAYMENT-WITHIN-TRANSACTION",
        rows=("P-D42",),
    ),
    Drift(
        "overpayment-refused",
        "dayzero",
        "a payment above the invoice's balance is refused with 400",
        _dz_overpayment_refused,
        "DZ-PAYMENT-WITHIN-TRANSACTION",
        rows=("P-D43",),
    ),
    Drift(
        "paid-on-not-the-transactions",
        "dayzero",
        "a payment sent without paid_on is paid on another date than its transaction's",
        _dz_paid_on_not_the_transactions,
        "DZ-INVOICE-PAYMENT",
        rows=("P-D44",),
    ),
    Drift(
        "unpay-does-nothing",
        "dayzero",
        "removing a payment answers 200 and leaves it on the invoice",
        answers_unchanged,
        "DZ-INVOICE-PAYMENT",
        answers=_dz_unpay_does_nothing,
        rows=("P-D45",),
    ),
    Drift(
        "balance-due-off",
        "dayzero",
        "every invoice's balance_due is a cent more than total - total_paid",
        _dz_balance_off,
        "dayzero_invoice_balance_is_total_minus_total_paid",
        rows=("P-D46",),
    ),
    Drift(
        "payments-dropped",
        "dayzero",
        "an invoice with payments lists none",
        _dz_payments_dropped,
        "dayzero_invoice_payments_sum_to_total_paid",
        rows=("P-D47",),
    ),
    Drift(
        "paid-status-stays-open",
        "dayzero",
        "an invoice paid in part or in full still reads open",
        _dz_paid_status_stays_open,
        "DZ-INVOICE-PAYMENT",
        rows=("P-D48",),
    ),
    Drift(
        "transactions-missing",
        "dayzero",
        "POST /api/v1/transactions is not there (404)",
        answers_unchanged,
        "DZ-INVOICE-PAYMENT",
        answers=_dz_transactions_missing,
        rows=("P-D49",),
    ),
    Drift(
        "draft-payment-accepted",
        "dayzero",
        "a payment on a draft invoice is answered 201",
        _dz_payment_refusal_accepted,
        "DZ-INVOICE-PAYMENT",
        rows=("P-D50",),
    ),
]

# Behaviour rows of docs/traceability.md that no drift breaks yet (tests/test_traceability.py).
PENDING_ROWS: frozenset[str] = frozenset()
