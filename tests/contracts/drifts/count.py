"""COUNT's drifts: see the package's docstring."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from typing import Any

from contracts.checks import every_object
from tests.contracts.drifts.common import (
    JSON,
    answers_unchanged,
    duplicated_page,
    refusal_accepted,
)
from tests.support.drift_proxy import Drift, Exchange


def _count_records(body: Any) -> Iterator[JSON]:
    return (obj for obj in every_object(body) if "invoiceType" in obj and "status" in obj)


def _count_open_balance_off(exchange: Exchange) -> None:
    for record in _count_records(exchange.body):
        if isinstance(record.get("openBalance"), int | float):
            record["openBalance"] = round(record["openBalance"] + 0.01, 2)


def _count_over_apply_accepted(exchange: Exchange) -> None:
    refusal_accepted(exchange, "PATCH", re.compile(r"/invoices/[^/]+/apply-"), 200)


def _count_error_shape(exchange: Exchange) -> None:
    body = exchange.body
    if exchange.status >= 400 and isinstance(body, dict) and "statusCode" in body:
        exchange.body = {"error": body.get("message")}


def _count_status_ignores_credit(exchange: Exchange) -> None:
    for record in _count_records(exchange.body):
        if record.get("status") == "partial":
            record["status"] = "approved"


class _CountRecordsSeen:
    """The last answer the deployment gave of each COUNT record, for drifts that answer with a
    record as it was."""

    def __init__(self) -> None:
        self.records: dict[str, JSON] = {}

    def remember(self, exchange: Exchange) -> None:
        for record in _count_records(exchange.body):
            if isinstance(record.get("id"), str):
                self.records[record["id"]] = copy.deepcopy(record)

    def answer_as_it_was(self, exchange: Exchange, record_id: str) -> None:
        exchange.status, exchange.body = 200, copy.deepcopy(self.records[record_id])


_APPROVE = re.compile(r"^/partners/invoices/([^/]+)/approve$")
_REMOVE_CREDIT = re.compile(r"^/partners/invoices/([^/]+)/remove-credit$")


def _count_approves_twice() -> Drift:
    """Approving a record the deployment has shown approved answers 200 with the record, where
    the default reading of count.approve-again refuses it (approve only from draft)."""
    seen = _CountRecordsSeen()

    def rewrite(exchange: Exchange) -> None:
        found = _APPROVE.match(exchange.path)
        record = seen.records.get(found[1], {}) if found else {}
        if found and exchange.status == 400 and record.get("isDraft") is False:
            seen.answer_as_it_was(exchange, found[1])
        seen.remember(exchange)

    return Drift(
        "approve-twice-accepted",
        "count",
        "approving an approved record answers 200 with the record",
        rewrite,
        "CT-APPROVE-AGAIN-AS-EXPECTED",
        rows=("P-C36", "C29"),
    )


def _count_removes_no_credit() -> Drift:
    """remove-credit of a memo the deployment has shown applied answers 200 with the invoice as it
    was, and never reaches the sandbox: the credit stays applied."""
    seen = _CountRecordsSeen()

    def answers(exchange: Exchange) -> bool:
        found = _REMOVE_CREDIT.match(exchange.path) if exchange.method == "PATCH" else None
        memo = exchange.request.get("memoId") if isinstance(exchange.request, dict) else None
        invoice = seen.records.get(found[1], {}) if found else {}
        if not any(entry.get("memoId") == memo for entry in invoice.get("credits") or []):
            return False
        seen.answer_as_it_was(exchange, invoice["id"])
        return True

    return Drift(
        "remove-credit-restores-nothing",
        "count",
        "remove-credit of applied credit answers 200 and leaves the credit applied",
        seen.remember,
        "CT-REMOVE-CREDIT-RESTORES",
        answers,
        rows=("C35", "C36"),
    )


def _count_total_records_off(exchange: Exchange) -> None:
    if exchange.method == "GET" and exchange.path == "/partners/invoices":
        for page in every_object(exchange.body):
            if isinstance(page.get("totalRecords"), int):
                page["totalRecords"] += 1


def _count_warnings_dropped(exchange: Exchange) -> None:
    for record in every_object(exchange.body):
        record.pop("_partnerWarnings", None)


def _count_error(status: int, message: str) -> JSON:
    """An error body in the client's reading of count.error-body (the default)."""
    return {"message": message, "statusCode": status}


def _count_refuses(exchange: Exchange, status: int, message: str) -> bool:
    """Answers the request with a refusal, without forwarding it."""
    exchange.status, exchange.body = status, _count_error(status, message)
    return True


def _at(exchange: Exchange, method: str, path: str) -> bool:
    return exchange.method == method and exchange.path == path


_RECORD = re.compile(r"^/partners/invoices/([^/]+)$")


def _count_signature_accepted(exchange: Exchange) -> None:
    body = exchange.body
    if exchange.status == 401 and isinstance(body, dict) and "signature" in str(body).lower():
        exchange.status, exchange.body = 200, {"invoices": [], "totalRecords": 0}


def _count_body_hash_differs(exchange: Exchange) -> bool:
    if exchange.method == "POST" and isinstance(exchange.request, dict):
        return _count_refuses(exchange, 401, "Invalid signature")
    return False


def _count_signed_with_the_query(exchange: Exchange) -> bool:
    """A deployment that signs the path with its query: every signed request that has a query
    fails its signature."""
    if exchange.query and "x-signature" in exchange.headers:
        return _count_refuses(exchange, 401, "Invalid signature")
    return False


def _count_millisecond_timestamps_refused(exchange: Exchange) -> bool:
    """A deployment that reads x-timestamp in seconds only: one in milliseconds is far outside
    its window."""
    if len(exchange.headers.get("x-timestamp", "")) >= 13:
        return _count_refuses(exchange, 401, "Request timestamp is outside the allowed window")
    return False


def _count_upload_refused(exchange: Exchange) -> bool:
    if exchange.method == "POST" and exchange.path.endswith("/attachments/upload"):
        return _count_refuses(exchange, 401, "Invalid signature")
    return False


def _count_rate_limit_as_503(exchange: Exchange) -> None:
    if exchange.status == 429:
        exchange.status, exchange.body = 503, _count_error(503, "Service Unavailable")


def _count_rate_limit_body_bare(exchange: Exchange) -> None:
    if exchange.status == 429 and isinstance(exchange.body, dict):
        exchange.body = _count_error(429, str(exchange.body.get("message")))


def _count_string_amount_refused(exchange: Exchange) -> bool:
    request = exchange.request if isinstance(exchange.request, dict) else {}
    lines = [*(request.get("creditMemos") or []), *(request.get("invoices") or [])]
    if exchange.method == "PATCH" and any(isinstance(x.get("amount"), str) for x in lines):
        return _count_refuses(exchange, 400, "amount must be a number")
    return False


def _count_string_discount_refused(exchange: Exchange) -> bool:
    request = exchange.request if isinstance(exchange.request, dict) else {}
    if exchange.method == "POST" and isinstance(request.get("discount"), str):
        return _count_refuses(exchange, 400, "discount must be a number")
    return False


def _count_create_needs_invoice_number(exchange: Exchange) -> bool:
    request = exchange.request if isinstance(exchange.request, dict) else {}
    if _at(exchange, "POST", "/partners/invoices") and "invoiceNumber" not in request:
        return _count_refuses(exchange, 400, "invoiceNumber: Field required")
    return False


def _count_unit_price_lines_refused(exchange: Exchange) -> bool:
    request = exchange.request if isinstance(exchange.request, dict) else {}
    lines = [line for line in request.get("products") or [] if isinstance(line, dict)]
    unit_priced = any("unitPrice" in line and "price" not in line for line in lines)
    if _at(exchange, "POST", "/partners/invoices") and unit_priced:
        return _count_refuses(exchange, 400, "products.0.price: Field required")
    return False


def _count_linked_drafts_refused(exchange: Exchange) -> bool:
    request = exchange.request if isinstance(exchange.request, dict) else {}
    draft = request.get("isDraft", True) is not False
    if exchange.method == "POST" and request.get("appliedToInvoiceUuid") and draft:
        return _count_refuses(exchange, 400, "Only approved memos can be applied")
    return False


def _count_recurring_memo_accepted(exchange: Exchange) -> None:
    refusal_accepted(exchange, "POST", re.compile(r"^/partners/recurring-invoice-templates$"), 201)


def _count_send_draft_accepted(exchange: Exchange) -> None:
    refusal_accepted(exchange, "POST", re.compile(r"^/partners/invoices/[^/]+/send$"), 200)


def _count_delete_approved_accepted(exchange: Exchange) -> None:
    if exchange.method == "DELETE" and _RECORD.match(exchange.path) and exchange.status == 400:
        exchange.status, exchange.body = 204, None


def _count_patch_approved_accepted(exchange: Exchange) -> None:
    request = exchange.request if isinstance(exchange.request, dict) else {}
    patch = exchange.method == "PATCH" and _RECORD.match(exchange.path)
    if patch and "isDraft" not in request and exchange.status == 400:
        exchange.status, exchange.body = 200, {}


def _count_ambiguous_served(exchange: Exchange) -> None:
    if exchange.method == "GET" and _RECORD.match(exchange.path) and exchange.status == 409:
        exchange.status, exchange.body = 200, {}


def _count_customer_refusals_accepted(exchange: Exchange) -> None:
    if _at(exchange, "POST", "/partners/customers") and exchange.status in (400, 409):
        exchange.status, exchange.body = 201, {}


def _count_customers(exchange: Exchange) -> list[JSON]:
    """The customers an answer of the customers routes carries."""
    if not exchange.path.startswith("/partners/customers") or not isinstance(exchange.body, dict):
        return []
    found = exchange.body.get("customers")
    if isinstance(found, list):
        return [row for row in found if isinstance(row, dict)]
    return [exchange.body] if "email" in exchange.body else []


def _count_customer_fields_dropped(exchange: Exchange) -> None:
    for customer in _count_customers(exchange):
        customer.update(website=None, paymentTerm=None, taxNumber=None, shippingAddress=None)
        customer["status"] = "active"
        for contact in customer.get("contacts") or []:
            contact["isPrimary"] = False


def _count_customer_rows_as_records(exchange: Exchange) -> None:
    body = exchange.body
    if (
        _at(exchange, "GET", "/partners/customers")
        and isinstance(body, dict)
        and "customers" in body
    ):
        body["records"] = body.pop("customers")


def _count_customers_reversed(exchange: Exchange) -> None:
    rows = exchange.body.get("customers") if isinstance(exchange.body, dict) else None
    if _at(exchange, "GET", "/partners/customers") and isinstance(rows, list):
        rows.reverse()


def _count_search_by_name_only(exchange: Exchange) -> None:
    needle = exchange.query.get("search", "").lower()
    body = exchange.body if isinstance(exchange.body, dict) else {}
    rows = body.get("customers")
    if _at(exchange, "GET", "/partners/customers") and needle and isinstance(rows, list):
        kept = [c for c in rows if needle in str(c.get("customer")).lower()]
        body["customers"], body["totalRecords"] = kept, len(kept)


def _count_memo_credit_overdrawn(exchange: Exchange) -> None:
    for record in _count_records(exchange.body):
        if record.get("invoiceType") == "memo" and record.get("remainingCredit") == 0:
            record["remainingCredit"] = -0.01


def _count_memo_drafts_refused() -> Drift:
    """Approving a memo the deployment has shown as a draft is refused with 400, as the client's
    reading of count.memo-draft-approve says, where the run expects the seed's (approved as
    invoices are)."""
    seen = _CountRecordsSeen()

    def answers(exchange: Exchange) -> bool:
        found = _APPROVE.match(exchange.path) if exchange.method == "PATCH" else None
        record = seen.records.get(found[1], {}) if found else {}
        if record.get("invoiceType") == "memo" and record.get("isDraft") is True:
            return _count_refuses(exchange, 400, "Only drafts can be approved")
        return False

    return Drift(
        "memo-draft-approve-refused",
        "count",
        "approving a credit memo draft is refused with 400",
        seen.remember,
        "CT-MEMO-DRAFT-AS-EXPECTED",
        answers,
        rows=("C27", "P-C32"),
    )


def _count_back_to_draft() -> Drift:
    """A PATCH with isDraft true of a record the deployment has shown approved answers 200 with
    the record as a draft again."""
    seen = _CountRecordsSeen()

    def answers(exchange: Exchange) -> bool:
        found = _RECORD.match(exchange.path) if exchange.method == "PATCH" else None
        request = exchange.request if isinstance(exchange.request, dict) else {}
        record = seen.records.get(found[1], {}) if found else {}
        if request.get("isDraft") is True and record.get("isDraft") is False:
            seen.answer_as_it_was(exchange, found[1])  # type: ignore[index]
            exchange.body.update(isDraft=True, approved=False, status="draft")
            return True
        return False

    return Drift(
        "back-to-draft",
        "count",
        "an approved record patched with isDraft true answers 200 as a draft again",
        seen.remember,
        "CT-NO-WAY-BACK-TO-DRAFT",
        answers,
        rows=("P-C38",),
    )


def _count_memo_filter_ignored() -> Drift:
    """A list asked for invoiceType=memo carries an invoice the deployment has shown."""
    seen = _CountRecordsSeen()

    def rewrite(exchange: Exchange) -> None:
        body = exchange.body
        invoices = [r for r in seen.records.values() if r.get("invoiceType") == "invoice"]
        rows = body.get("invoices") if isinstance(body, dict) else None
        memos = exchange.query.get("invoiceType") == "memo"
        if (
            _at(exchange, "GET", "/partners/invoices")
            and memos
            and invoices
            and isinstance(rows, list)
        ):
            rows.append(copy.deepcopy(invoices[-1]))
        seen.remember(exchange)

    return Drift(
        "memo-filter-ignored",
        "count",
        "a list filtered by invoiceType=memo carries an invoice too",
        rewrite,
        "CT-LIST-MEMO-FILTERS-COMBINE",
        rows=("C15", "P-C27"),
    )


def _count_memo_filters_dropped(
    filters: set[str], name: str, what: str, rows: tuple[str, ...]
) -> Drift:
    """A list asked for invoiceType=memo, a customer and any of ``filters`` carries every memo of
    that customer the deployment has shown, whatever those filters asked for."""
    seen = _CountRecordsSeen()

    def rewrite(exchange: Exchange) -> None:
        query = exchange.query
        rows = exchange.body.get("invoices") if isinstance(exchange.body, dict) else None
        combined = query.get("invoiceType") == "memo" and filters & set(query)
        if _at(exchange, "GET", "/partners/invoices") and combined and isinstance(rows, list):
            listed = {row.get("id") for row in rows}
            rows += [
                copy.deepcopy(record)
                for record in seen.records.values()
                if record.get("invoiceType") == "memo"
                and record.get("customerUuid") == query.get("customerUuid")
                and record.get("id") not in listed
            ]
        seen.remember(exchange)

    return Drift(name, "count", what, rewrite, "CT-LIST-MEMO-FILTERS-COMBINE", rows=rows)


def _count_credits_nothing(route: str) -> Callable[[Exchange], bool]:
    """An apply on ``route`` answers 200 and is never forwarded: no credit moves."""

    def answers(exchange: Exchange) -> bool:
        if exchange.method == "PATCH" and exchange.path.endswith(f"/{route}"):
            exchange.status, exchange.body = 200, {}
            return True
        return False

    return answers


def _count_memo_get_missing() -> Drift:
    """GET of a record the deployment has shown as a credit memo is 404 on the invoice routes,
    as if memos lived under another base path."""
    seen = _CountRecordsSeen()

    def answers(exchange: Exchange) -> bool:
        found = _RECORD.match(exchange.path) if exchange.method == "GET" else None
        if found and seen.records.get(found[1], {}).get("invoiceType") == "memo":
            return _count_refuses(exchange, 404, "Invoice not found")
        return False

    return Drift(
        "memo-get-404",
        "count",
        "GET /partners/invoices/{uuid} of a credit memo is 404",
        seen.remember,
        "CT-APPLY-PARTIAL",
        answers,
        rows=("C1", "C23"),
    )


def _count_draft_delete_kept() -> Drift:
    """DELETE of a draft answers 204 and is never forwarded: the draft stays."""

    def answers(exchange: Exchange) -> bool:
        if exchange.method == "DELETE" and _RECORD.match(exchange.path):
            exchange.status, exchange.body = 204, None
            return True
        return False

    return Drift(
        "delete-keeps-draft",
        "count",
        "DELETE of a draft answers 204 and the draft stays",
        lambda exchange: None,
        "CT-DELETE-DRAFTS-ONLY",
        answers,
        rows=("C25",),
    )


def _count_attachment_links_refused(exchange: Exchange) -> bool:
    if exchange.method == "POST" and exchange.path.endswith("/attachments"):
        return _count_refuses(exchange, 400, "attachments: not supported on this record")
    return False


def _count_attachment_titles_dropped(exchange: Exchange) -> None:
    if exchange.method == "POST" and exchange.path.endswith("/attachments"):
        for attachment in every_object(exchange.body):
            if "url" in attachment:
                attachment["title"] = None


def _count_public_link_without_url(exchange: Exchange) -> None:
    if exchange.path.endswith("/public-link") and isinstance(exchange.body, dict):
        exchange.body.pop("publicUrl", None)


def _count_audit_log_missing(exchange: Exchange) -> bool:
    if exchange.method == "GET" and exchange.path.endswith("/audit-log"):
        return _count_refuses(exchange, 404, "Not Found")
    return False


def _count_memo_type_refused(exchange: Exchange) -> bool:
    request = exchange.request if isinstance(exchange.request, dict) else {}
    if _at(exchange, "POST", "/partners/invoices") and request.get("invoiceType") == "memo":
        return _count_refuses(exchange, 400, "invoiceType must be one of invoice, quote, estimate")
    return False


def _count_customer_uuid_refused(exchange: Exchange) -> bool:
    """A create that names its customer by ``customerUuid`` is refused, as if the field were
    unknown (a deployment that wants ``customerId``)."""
    request = exchange.request if isinstance(exchange.request, dict) else {}
    if _at(exchange, "POST", "/partners/invoices") and "customerUuid" in request:
        return _count_refuses(exchange, 400, "customerId: Field required")
    return False


def _count_product_uuid_unknown(exchange: Exchange) -> bool:
    """A create whose lines name products by UUID answers 404, as if products were looked up by
    their numeric ids only."""
    request = exchange.request if isinstance(exchange.request, dict) else {}
    lines = [line for line in request.get("products") or [] if isinstance(line, dict)]
    if _at(exchange, "POST", "/partners/invoices") and any("productUuid" in x for x in lines):
        return _count_refuses(exchange, 404, "Product not found")
    return False


_APPLY = re.compile(r"^/partners/invoices/[^/]+/apply-")


def _count_apply_ids_unknown(exchange: Exchange) -> bool:
    """Apply bodies whose ``id`` values are the records' UUIDs answer 404, as if the deployment
    looked them up by internal numeric ids."""
    if exchange.method == "PATCH" and _APPLY.match(exchange.path):
        return _count_refuses(exchange, 404, "Invoice not found")
    return False


# --- drifts under readings other than the default ---------------------------------------------


def _count_envelope_dropped(exchange: Exchange) -> None:
    """A deployment that speaks the wrapped reading answers some bodies bare: those of lists."""
    body = exchange.body
    wrapped = isinstance(body, dict) and body.get("status") == "success" and "data" in body
    if _at(exchange, "GET", "/partners/invoices") and wrapped:
        exchange.body = body["data"]


def _count_error_body_in_the_client_shape(exchange: Exchange) -> None:
    """A deployment that speaks the reference's error body answers in the client's instead."""
    body = exchange.body
    if exchange.status >= 400 and isinstance(body, dict) and body.get("status") == "error":
        exchange.body = {"message": body.get("message"), "statusCode": exchange.status}


def _count_created_with_201(exchange: Exchange) -> None:
    """The reference's create answers 200; this one 201."""
    if _at(exchange, "POST", "/partners/invoices") and exchange.status == 200:
        exchange.status = 201


def _count_client_body_accepted(exchange: Exchange) -> None:
    """Under the reference's create, a body without invoiceNumber, dueDate and isDraft (the
    client's) is refused; this deployment creates it."""
    request = exchange.request if isinstance(exchange.request, dict) else {}
    created = _at(exchange, "POST", "/partners/invoices") and "invoiceNumber" not in request
    if created and exchange.status == 400:
        exchange.status, exchange.body = 200, {"id": "drifted", "invoiceType": "invoice"}


def _count_quotes_refused(exchange: Exchange) -> bool:
    """The reference's invoice types without ``quote``."""
    request = exchange.request if isinstance(exchange.request, dict) else {}
    if _at(exchange, "POST", "/partners/invoices") and request.get("invoiceType") == "quote":
        return _count_refuses(exchange, 400, "invoiceType must be one of invoice, estimate, memo")
    return False


def _count_memo_draft_approved(exchange: Exchange) -> None:
    """Under the client's reading a memo draft is refused approval; this deployment approves."""
    if exchange.method == "PATCH" and _APPROVE.match(exchange.path) and exchange.status == 400:
        exchange.status, exchange.body = 200, {"status": "approved", "isDraft": False}


def _count_total_ignores_discount(exchange: Exchange) -> None:
    """A record's total is its lines, the discount left out."""
    for record in _count_records(exchange.body):
        lines = record.get("products")
        if record.get("discount") and isinstance(lines, list):
            record["total"] = round(sum(float(line.get("total") or 0) for line in lines), 2)


_MANAGED = {"paymentStatus", "isSent", "approved", "total", "isDeleted", "teamId"}


class _CountPatches:
    """What a deployment that drifts on PATCH does: it answers a memo's PATCH without carrying
    it out (the memo as it was, with the warnings the request deserves), or it carries out the
    managed ``total`` it should ignore (every later answer of that record shows it)."""

    def __init__(self) -> None:
        self.seen = _CountRecordsSeen()
        self.totals: dict[str, Any] = {}

    def ignores_memo_patches(self, exchange: Exchange) -> bool:
        found = _RECORD.match(exchange.path) if exchange.method == "PATCH" else None
        record = self.seen.records.get(found[1], {}) if found else {}
        if record.get("invoiceType") != "memo" or not isinstance(exchange.request, dict):
            return False
        self.seen.answer_as_it_was(exchange, record["id"])
        exchange.body["_partnerWarnings"] = [
            {"field": field, "reason": "internal_only", "message": f"{field} is managed"}
            for field in exchange.request
            if field in _MANAGED
        ]
        return True

    def applies_managed_totals(self, exchange: Exchange) -> None:
        found = _RECORD.match(exchange.path)
        request = exchange.request if isinstance(exchange.request, dict) else {}
        if found and exchange.method == "PATCH" and "total" in request:
            self.totals[found[1]] = request["total"]
        for record in _count_records(exchange.body):
            if record.get("id") in self.totals:
                record["total"] = self.totals[record["id"]]


_SEND = re.compile(r"^/partners/invoices/([^/]+)/send$")


def _count_memo_send_does_nothing() -> Drift:
    """Sending an approved credit memo answers 200 with the memo as it was, unsent."""
    seen = _CountRecordsSeen()

    def answers(exchange: Exchange) -> bool:
        found = _SEND.match(exchange.path) if exchange.method == "POST" else None
        record = seen.records.get(found[1], {}) if found else {}
        if record.get("invoiceType") != "memo" or record.get("status") != "approved":
            return False
        seen.answer_as_it_was(exchange, record["id"])
        return True

    return Drift(
        "memo-send-does-nothing",
        "count",
        "sending an approved credit memo answers 200 and leaves it unsent",
        seen.remember,
        "CT-MEMO-DRAFT-AS-EXPECTED",
        answers,
        rows=("C28",),
    )


def _count_memo_patch_ignored() -> Drift:
    patches = _CountPatches()
    return Drift(
        "memo-patch-changes-nothing",
        "count",
        "a PATCH of a credit memo answers 200 with the memo as it was and changes nothing",
        patches.seen.remember,
        "CT-PATCH-MANAGED-FIELDS-WARNED",
        patches.ignores_memo_patches,
        rows=("C24",),
    )


def _count_managed_total_applied() -> Drift:
    patches = _CountPatches()
    return Drift(
        "managed-total-applied",
        "count",
        "a PATCH that sends the managed total applies it",
        patches.applies_managed_totals,
        "CT-PATCH-MANAGED-FIELDS-WARNED",
        rows=("P-C57",),
    )


def _count_invalid_patch_accepted(exchange: Exchange) -> None:
    """A PATCH COUNT refuses as invalid (400) answers 200."""
    if exchange.method == "PATCH" and _RECORD.match(exchange.path) and exchange.status == 400:
        exchange.status, exchange.body = 200, {"id": "drifted", "invoiceType": "invoice"}


def _count_token_ignored(exchange: Exchange) -> None:
    body = exchange.body
    if exchange.status == 401 and isinstance(body, dict) and body.get("error") == "invalid_token":
        exchange.status, exchange.body = 200, {"invoices": [], "totalRecords": 0}


def _count_memo_lines_refused(exchange: Exchange) -> bool:
    request = exchange.request if isinstance(exchange.request, dict) else {}
    memo = request.get("invoiceType") == "memo" and "products" in request
    if _at(exchange, "POST", "/partners/invoices") and memo:
        return _count_refuses(exchange, 400, "products: not allowed on a credit memo; use lines")
    return False


def _bears_issued_token(exchange: Exchange) -> bool:
    """A request bearing an access token of the OAuth flow (``cpa_``, the sandbox's)."""
    return exchange.headers.get("authorization", "").startswith("Bearer cpa_")


def _count_issued_token_refused(exchange: Exchange) -> None:
    if _bears_issued_token(exchange) and exchange.status == 200:
        exchange.status = 401
        exchange.body = {"message": "Invalid access token.", "statusCode": 401}


def _count_token_never_expires(exchange: Exchange) -> None:
    if _bears_issued_token(exchange) and exchange.status == 401:
        exchange.status, exchange.body = 200, {"invoices": [], "totalRecords": 0}


def _token_route(exchange: Exchange) -> bool:
    return exchange.path in ("/partners/grant-access-token", "/partners/refresh-user-access-token")


def _count_token_set_bare(exchange: Exchange) -> None:
    body = exchange.body
    if _token_route(exchange) and exchange.status == 200 and isinstance(body, dict):
        exchange.body = body.get("data", {}).get("result", body)


def _count_refresh_token_reusable(exchange: Exchange) -> None:
    if exchange.path == "/partners/refresh-user-access-token" and exchange.status == 400:
        tokens = {
            "accessToken": "cpa_reused",
            "refreshToken": "cpr_reused",
            "accessTokenExpiresAt": "2030-01-01T00:00:00Z",
            "refreshTokenExpiresAt": "2030-02-01T00:00:00Z",
            "workspaceId": "w",
            "workspaceName": "w",
        }
        exchange.status = 200
        exchange.body = {"status": "success", "message": "ok", "data": {"result": tokens}}


def _count_login_url_top_level_only(exchange: Exchange) -> None:
    if exchange.path.startswith("/auth2/") and isinstance(exchange.body, dict):
        exchange.body.pop("data", None)


def _count_bulk_all_or_nothing(exchange: Exchange) -> None:
    """A bulk create that refuses the whole batch when one row is refused."""
    body = exchange.body
    bulk = exchange.path == "/partners/customers/bulk"
    if bulk and isinstance(body, dict) and body.get("errorCount"):
        exchange.status = 409
        exchange.body = {"message": "A customer with this email already exists", "statusCode": 409}


def _count_tag_not_listed(exchange: Exchange) -> None:
    body = exchange.body
    if exchange.path == "/partners/tags" and exchange.method == "GET" and isinstance(body, dict):
        for key in ("tags", "records"):
            if isinstance(body.get(key), list):
                body[key] = []


def _count_tags_dropped(exchange: Exchange) -> None:
    for record in every_object(exchange.body):
        if "invoiceType" in record and record.get("tagUuids"):
            record["tagUuids"] = []


_TRANSACTIONS = "/partners/transactions"
_ASSIGN = re.compile(r"^/partners/transactions/([^/]+)/assign-to-bills-invoices$")
_REMOVE_TRANSACTION = re.compile(r"^/partners/invoices/[^/]+/remove-transaction$")


def _count_transactions_missing(exchange: Exchange) -> bool:
    if exchange.method != "POST" or exchange.path != _TRANSACTIONS:
        return False
    exchange.status = 404
    exchange.body = {"message": "Cannot find the requested resource", "statusCode": 404}
    return True


def _count_assignment_not_recorded(exchange: Exchange) -> bool:
    """An assignment answered 200 with the transaction, and never recorded."""
    found = _ASSIGN.match(exchange.path)
    if exchange.method != "POST" or not found:
        return False
    exchange.status, exchange.body = 200, {"id": found[1], "payments": []}
    return True


def _count_remove_transaction_does_nothing(exchange: Exchange) -> bool:
    if exchange.method != "PATCH" or not _REMOVE_TRANSACTION.match(exchange.path):
        return False
    exchange.status, exchange.body = 200, {}
    return True


def _count_status_ignores_payments(exchange: Exchange) -> None:
    """Invoices paid by transactions read the status their credit alone gives."""
    for record in _count_records(exchange.body):
        paid, total = record.get("amountPaid"), record.get("total")
        if not paid or record.get("isDraft") or not isinstance(total, int | float):
            continue
        credited = float(record.get("creditApplied") or 0)
        if credited >= total > 0:
            record["status"] = "paid"
        elif credited > 0:
            record["status"] = "partial"
        else:
            record["status"] = "sent" if record.get("isSent") else "approved"


def _count_payment_refusal_accepted(starts: str) -> Callable[[Exchange], None]:
    """An assignment refused with a message starting ``starts`` answered 200 instead."""

    def rewrite(exchange: Exchange) -> None:
        body = exchange.body if isinstance(exchange.body, dict) else {}
        message = str(body.get("message") or "")
        if _ASSIGN.match(exchange.path) and exchange.status == 400 and message.startswith(starts):
            exchange.status, exchange.body = 200, {}

    return rewrite


def _count_expense_pays_invoices() -> Callable[[Exchange], None]:
    """An Expense transaction's assignment, refused, answered 200 instead."""
    expenses: set[str] = set()

    def rewrite(exchange: Exchange) -> None:
        body = exchange.body if isinstance(exchange.body, dict) else {}
        if exchange.path == _TRANSACTIONS and body.get("type") == "Expense":
            expenses.add(str(body.get("id")))
        found = _ASSIGN.match(exchange.path)
        if found and found[1] in expenses and exchange.status == 400:
            exchange.status, exchange.body = 200, {}

    return rewrite


def _count_paid_over_total(exchange: Exchange) -> None:
    for record in _count_records(exchange.body):
        if isinstance(record.get("amountPaid"), int | float) and record["amountPaid"] > 0:
            record["amountPaid"] = round(record["amountPaid"] + 0.01, 2)


DRIFTS = [
    _count_memo_send_does_nothing(),
    _count_memo_patch_ignored(),
    _count_managed_total_applied(),
    Drift(
        "invalid-patch-accepted",
        "count",
        "a PATCH COUNT refuses as invalid answers 200",
        _count_invalid_patch_accepted,
        "ST201",
        rows=("C49",),
        layers="rules,schema",
    ),
    Drift(
        "total-ignores-discount",
        "count",
        "a discounted record's total is its lines, the discount left out",
        _count_total_ignores_discount,
        "count_total_is_lines_minus_discount",
        rows=("P-C25",),
    ),
    Drift(
        "query-signed",
        "count",
        "the signature is checked over the path with its query: signed requests with a query "
        "are refused 401",
        lambda exchange: None,
        "CT-AUTH-SIGNED-ACCEPTED",
        _count_signed_with_the_query,
        rows=("P-C4",),
    ),
    Drift(
        "millisecond-timestamps-refused",
        "count",
        "an x-timestamp in milliseconds is refused 401 as outside the window",
        lambda exchange: None,
        "CT-TIMESTAMP-MILLISECONDS",
        _count_millisecond_timestamps_refused,
        rows=("P-C6",),
    ),
    Drift(
        "wrapped-lists-bare",
        "count",
        "under the wrapped envelope, list bodies come bare",
        _count_envelope_dropped,
        "count_envelope_as_expected",
        rows=("P-C13",),
        readings=(("count.envelope", "wrapped"),),
    ),
    Drift(
        "reference-errors-in-client-shape",
        "count",
        "under the reference's error body, errors come as {message, statusCode}",
        _count_error_body_in_the_client_shape,
        "CT-AUTH-BAD-SIGNATURE",
        rows=("P-C14",),
        readings=(("count.error-body", "reference"),),
    ),
    Drift(
        "reference-create-answers-201",
        "count",
        "under the reference's create, a create answers 201, not 200",
        _count_created_with_201,
        "CT-CREATE-AS-EXPECTED",
        rows=("P-C21",),
        readings=(("count.create", "reference"),),
    ),
    Drift(
        "reference-create-takes-the-clients-body",
        "count",
        "under the reference's create, a body without its required fields and price lines is "
        "created",
        _count_client_body_accepted,
        "CT-CREATE-AS-EXPECTED",
        rows=("P-C18", "P-C20"),
        readings=(("count.create", "reference"),),
    ),
    Drift(
        "reference-quotes-refused",
        "count",
        "under the reference's create, a quote is refused 400",
        lambda exchange: None,
        "CT-CREATE-AS-EXPECTED",
        _count_quotes_refused,
        rows=("P-C19",),
        readings=(("count.create", "reference"),),
    ),
    Drift(
        "client-memo-draft-approved",
        "count",
        "under the client's reading, approving a memo draft succeeds",
        _count_memo_draft_approved,
        "CT-MEMO-DRAFT-AS-EXPECTED",
        rows=("P-C33",),
        readings=(("count.memo-draft-approve", "client"),),
    ),
    Drift(
        "open-balance-off",
        "count",
        "every record's openBalance is one cent more than total - creditApplied",
        _count_open_balance_off,
        "count_balance_follows_credit",
        rows=("C3",),
    ),
    Drift(
        "over-apply-accepted",
        "count",
        "an apply COUNT refuses with 400 answers 200",
        _count_over_apply_accepted,
        "CT-OVER-APPLY-400",
        rows=("C3", "C32"),
    ),
    Drift(
        "error-shape",
        "count",
        "error bodies are {error} instead of {message, statusCode}",
        _count_error_shape,
        "CT-AUTH-BAD-SIGNATURE",
        rows=("P-C16",),
    ),
    Drift(
        "duplicated-page",
        "count",
        "a page of invoices repeats its first record in place of its last",
        duplicated_page("/partners/invoices", "invoices"),
        "CT-PAGINATION-EXACTLY-ONCE",
        rows=("C16", "P-C54"),
        alone=False,
    ),
    Drift(
        "status-ignores-credit",
        "count",
        "a partly credited invoice says approved",
        _count_status_ignores_credit,
        "count_status_agrees_with_raw_fields",
        rows=("C4", "P-C39"),
    ),
    _count_approves_twice(),
    _count_removes_no_credit(),
    Drift(
        "total-records-off",
        "count",
        "a list's totalRecords is one more than the records its filter matches",
        _count_total_records_off,
        "CT-LIST-TOTAL-RECORDS",
        rows=("C17", "C20", "P-C54", "P-C55"),
    ),
    Drift(
        "partner-warnings-dropped",
        "count",
        "a PATCH that sends managed fields answers 200 without _partnerWarnings",
        _count_warnings_dropped,
        "CT-PATCH-MANAGED-FIELDS-WARNED",
        rows=("P-C58",),
    ),
    Drift(
        "bad-signature-accepted",
        "count",
        "a request whose x-signature does not sign it answers 200",
        _count_signature_accepted,
        "CT-AUTH-BAD-SIGNATURE",
        rows=("C5", "P-C1", "P-C3"),
    ),
    Drift(
        "body-hash-differs",
        "count",
        "a signed POST of a JSON body is refused 401, as if another body hash were expected",
        lambda exchange: None,
        "CT-AUTH-SIGNED-ACCEPTED",
        _count_body_hash_differs,
        rows=("P-C5",),
    ),
    Drift(
        "upload-refused",
        "count",
        "a signed multipart upload is refused 401",
        lambda exchange: None,
        "CT-UPLOAD-ATTACHMENTS",
        _count_upload_refused,
        rows=("P-C7", "C42", "C43"),
    ),
    Drift(
        "rate-limit-as-503",
        "count",
        "past the rate limit the answer is 503, not 429",
        _count_rate_limit_as_503,
        "CT-RATE-LIMIT-429",
        rows=("P-C10",),
    ),
    Drift(
        "rate-limit-body-bare",
        "count",
        "the 429 body has no type RATE_LIMITED and no requestId",
        _count_rate_limit_body_bare,
        "CT-RATE-LIMIT-429",
        rows=("P-C11", "P-C12"),
    ),
    Drift(
        "string-amount-refused",
        "count",
        "an apply body whose amount is a decimal string is refused 400",
        lambda exchange: None,
        "CT-APPLY-DECIMAL-STRING",
        _count_string_amount_refused,
        rows=("P-C30", "C32"),
    ),
    Drift(
        "string-discount-refused",
        "count",
        "a create body whose discount is a decimal string is refused 400",
        lambda exchange: None,
        "CT-DISCOUNT-DECIMAL-STRING",
        _count_string_discount_refused,
        rows=("P-C25",),
    ),
    Drift(
        "create-needs-invoice-number",
        "count",
        "a create without invoiceNumber is refused 400, as the reference pages mark it required",
        lambda exchange: None,
        "CT-CREATE-AS-EXPECTED",
        _count_create_needs_invoice_number,
        rows=("P-C22",),
    ),
    Drift(
        "unit-price-lines-refused",
        "count",
        "a create whose lines carry unitPrice, as COUNT's client sends them, is refused 400",
        lambda exchange: None,
        "CT-CREATE-AS-EXPECTED",
        _count_unit_price_lines_refused,
        rows=("P-C23",),
    ),
    Drift(
        "linked-draft-memo-refused",
        "count",
        "a draft memo created with appliedToInvoiceUuid is refused 400",
        lambda exchange: None,
        "CT-MEMO-LINKED-AT-CREATION",
        _count_linked_drafts_refused,
        rows=("C9", "P-C28", "P-C29"),
    ),
    Drift(
        "recurring-memo-accepted",
        "count",
        "a recurring template with invoiceType memo is created",
        _count_recurring_memo_accepted,
        "CT-RECURRING-MEMO-400",
        rows=("C13", "C14", "P-C60"),
    ),
    Drift(
        "send-draft-accepted",
        "count",
        "sending a draft answers 200",
        _count_send_draft_accepted,
        "CT-SEND-DRAFT-400",
        rows=("P-C37",),
    ),
    Drift(
        "delete-approved-accepted",
        "count",
        "deleting an approved record answers 204",
        _count_delete_approved_accepted,
        "CT-DELETE-DRAFTS-ONLY",
        rows=("P-C35",),
    ),
    Drift(
        "patch-approved-accepted",
        "count",
        "a PATCH of an approved record answers 200",
        _count_patch_approved_accepted,
        "CT-PATCH-AFTER-APPROVE-400",
        rows=(
            "P-C34",
            "C29",
        ),
    ),
    _count_back_to_draft(),
    _count_memo_drafts_refused(),
    _count_memo_filter_ignored(),
    _count_memo_filters_dropped(
        {"isDraft", "status", "startDate", "endDate"},
        "memo-list-ignores-other-filters",
        "a list filtered by invoiceType=memo ignores isDraft, status and dates",
        ("C18", "C19", "C21"),
    ),
    _count_memo_filters_dropped(
        {"search"},
        "memo-search-ignored",
        "a list filtered by invoiceType=memo ignores search",
        ("C22",),
    ),
    Drift(
        "unknown-token-accepted",
        "count",
        "a signed request with a partner token COUNT never issued answers 200",
        _count_token_ignored,
        "CT-AUTH-UNKNOWN-TOKEN",
        rows=("C6", "P-C2"),
    ),
    Drift(
        "memo-create-body-differs",
        "count",
        "a memo create with the invoice create body's products is refused 400",
        lambda exchange: None,
        "CT-MEMO-LINKED-AT-CREATION",
        _count_memo_lines_refused,
        rows=("C8",),
    ),
    _count_memo_get_missing(),
    _count_draft_delete_kept(),
    Drift(
        "apply-to-invoice-credits-nothing",
        "count",
        "apply-multiple-credit-to-invoice answers 200 and moves no credit",
        lambda exchange: None,
        "CT-APPLY-PARTIAL",
        _count_credits_nothing("apply-multiple-credit-to-invoice"),
        rows=("C3", "C31"),
    ),
    Drift(
        "apply-to-invoices-credits-nothing",
        "count",
        "apply-credit-to-multiple-invoices answers 200 and moves no credit",
        lambda exchange: None,
        "CT-APPLY-MEMO-TO-INVOICES",
        _count_credits_nothing("apply-credit-to-multiple-invoices"),
        rows=("C33", "C34"),
    ),
    Drift(
        "attachment-links-refused",
        "count",
        "POST attachments by URL on a record is refused 400",
        lambda exchange: None,
        "CT-MEMO-ATTACHMENTS-AND-LINKS",
        _count_attachment_links_refused,
        rows=("C37", "C38", "C39", "C40"),
    ),
    Drift(
        "attachment-titles-dropped",
        "count",
        "attachments added by URL answer no title",
        _count_attachment_titles_dropped,
        "CT-MEMO-ATTACHMENTS-AND-LINKS",
        rows=("C41",),
    ),
    Drift(
        "public-link-without-url",
        "count",
        "the public link answers no publicUrl",
        _count_public_link_without_url,
        "CT-MEMO-ATTACHMENTS-AND-LINKS",
        rows=("C44",),
    ),
    Drift(
        "audit-log-missing",
        "count",
        "a record's audit log is 404",
        lambda exchange: None,
        "CT-MEMO-ATTACHMENTS-AND-LINKS",
        _count_audit_log_missing,
        rows=("C47",),
    ),
    Drift(
        "customer-uuid-refused",
        "count",
        "a create that names its customer by customerUuid is refused 400",
        lambda exchange: None,
        "CT-CREATE-AS-EXPECTED",
        _count_customer_uuid_refused,
        rows=("C10",),
    ),
    Drift(
        "product-uuid-unknown",
        "count",
        "a create whose lines name products by productUuid answers 404",
        lambda exchange: None,
        "CT-CREATE-AS-EXPECTED",
        _count_product_uuid_unknown,
        rows=("C11",),
    ),
    Drift(
        "apply-ids-unknown",
        "count",
        "apply bodies whose ids are the records' UUIDs answer 404",
        lambda exchange: None,
        "CT-APPLY-PARTIAL",
        _count_apply_ids_unknown,
        rows=("C30",),
    ),
    Drift(
        "memo-type-refused",
        "count",
        "a create with invoiceType memo is refused 400",
        lambda exchange: None,
        "CT-MEMO-LINKED-AT-CREATION",
        _count_memo_type_refused,
        rows=("P-C24", "C7"),
    ),
    Drift(
        "ambiguous-uuid-served",
        "count",
        "a UUID two records share answers 200",
        _count_ambiguous_served,
        "CT-AMBIGUOUS-UUID-409",
        rows=("C48", "P-C59"),
    ),
    Drift(
        "customer-refusals-accepted",
        "count",
        "a customer without an email, or with a taken one, is created",
        _count_customer_refusals_accepted,
        "CT-CUSTOMER-EMAIL-REQUIRED-UNIQUE",
        rows=("P-C42", "P-C43"),
    ),
    Drift(
        "customer-fields-dropped",
        "count",
        "a customer's website, paymentTerm, taxNumber, status, shipping address and primary "
        "contact are not kept",
        _count_customer_fields_dropped,
        "CT-CUSTOMER-FIELDS-KEPT",
        rows=("P-C44", "P-C45", "P-C46", "P-C47"),
    ),
    Drift(
        "customer-rows-as-records",
        "count",
        "a customers page's rows are under records, where the client's reading has customers",
        _count_customer_rows_as_records,
        "CT-CUSTOMERS-BY-NAME",
        rows=("P-C17", "P-C56"),
    ),
    Drift(
        "customers-reversed",
        "count",
        "customers are listed in the reverse of the order asked (and of the default)",
        _count_customers_reversed,
        "CT-CUSTOMERS-BY-NAME",
        rows=("P-C48", "P-C49"),
    ),
    Drift(
        "customer-search-by-name-only",
        "count",
        "a customer search matches names only, not emails or phones",
        _count_search_by_name_only,
        "CT-CUSTOMER-SEARCH",
        rows=("P-C50",),
    ),
    Drift(
        "memo-credit-overdrawn",
        "count",
        "a memo whose credit is all used shows remainingCredit -0.01",
        _count_memo_credit_overdrawn,
        "count_balance_never_negative",
        rows=("C3",),
    ),
    Drift(
        "tag-not-listed",
        "count",
        "a tag just created is not in the tag list",
        _count_tag_not_listed,
        "CT-TAGS-NAMED-BY-RECORDS",
        rows=("P-C53",),
    ),
    Drift(
        "tags-dropped",
        "count",
        "a record created with tagUuids answers none",
        _count_tags_dropped,
        "CT-TAGS-NAMED-BY-RECORDS",
        rows=("C12",),
    ),
    Drift(
        "bulk-all-or-nothing",
        "count",
        "a bulk create with one refused row is refused whole (409)",
        _count_bulk_all_or_nothing,
        "CT-BULK-CUSTOMERS-PARTIAL",
        rows=("P-C52",),
    ),
    Drift(
        "issued-token-refused",
        "count",
        "an access token the OAuth flow issued opens nothing: 401",
        _count_issued_token_refused,
        "CT-OAUTH-TOKEN-FLOW",
        rows=("P-C8",),
    ),
    Drift(
        "token-never-expires",
        "count",
        "an issued access token still opens the API a day later",
        _count_token_never_expires,
        "CT-OAUTH-TOKEN-FLOW",
        rows=("P-C9",),
    ),
    Drift(
        "token-set-bare",
        "count",
        "the token exchange answers the token set itself, not under data.result",
        _count_token_set_bare,
        "CT-OAUTH-TOKEN-FLOW",
        rows=("P-C15",),
    ),
    Drift(
        "refresh-token-reusable",
        "count",
        "a refresh token used once is honoured again",
        _count_refresh_token_reusable,
        "CT-OAUTH-TOKEN-FLOW",
        rows=("P-C69",),
    ),
    Drift(
        "login-url-top-level-only",
        "count",
        "authorize-intiate answers the login URL only at the top level, not under data",
        _count_login_url_top_level_only,
        "CT-OAUTH-TOKEN-FLOW",
        rows=("P-C70",),
    ),
    Drift(
        "transactions-missing",
        "count",
        "POST /partners/transactions is not there (404)",
        answers_unchanged,
        "CT-PAYMENT-AND-CREDIT-PARTIAL-THEN-PAID",
        answers=_count_transactions_missing,
        rows=("P-C61",),
    ),
    Drift(
        "assignment-not-recorded",
        "count",
        "assigning a transaction to an invoice answers 200, and the invoice is never paid",
        answers_unchanged,
        "CT-PAYMENT-AND-CREDIT-PARTIAL-THEN-PAID",
        answers=_count_assignment_not_recorded,
        rows=("P-C62",),
    ),
    Drift(
        "status-ignores-payments",
        "count",
        "an invoice paid by a transaction reads the status its credit alone gives",
        _count_status_ignores_payments,
        "CT-PAYMENT-AND-CREDIT-PARTIAL-THEN-PAID",
        rows=("P-C41",),
    ),
    Drift(
        "expense-pays-invoices",
        "count",
        "an Expense transaction assigned to an invoice is answered 200",
        _count_expense_pays_invoices(),
        "CT-PAYMENT-FROM-INCOME-WITHIN-TRANSACTION",
        rows=("P-C63",),
    ),
    Drift(
        "payment-over-open-balance-accepted",
        "count",
        "a payment above the invoice's open balance is answered 200",
        _count_payment_refusal_accepted("The payment exceeds the invoice's open balance"),
        "CT-PAYMENT-WITHIN-OPEN-BALANCE",
        rows=("P-C64",),
    ),
    Drift(
        "payment-over-transaction-accepted",
        "count",
        "payments above what the transaction has left are answered 200",
        _count_payment_refusal_accepted("The payments exceed what the transaction has left"),
        "CT-PAYMENT-FROM-INCOME-WITHIN-TRANSACTION",
        rows=("P-C65",),
    ),
    Drift(
        "draft-payment-accepted",
        "count",
        "a payment on a draft invoice is answered 200",
        _count_payment_refusal_accepted("Only approved invoices"),
        "CT-PAYMENT-FROM-INCOME-WITHIN-TRANSACTION",
        rows=("P-C66",),
    ),
    Drift(
        "remove-transaction-does-nothing",
        "count",
        "removing a transaction from an invoice answers 200 and leaves the payment on it",
        answers_unchanged,
        "CT-PAYMENT-AND-CREDIT-PARTIAL-THEN-PAID",
        answers=_count_remove_transaction_does_nothing,
        rows=("P-C67",),
    ),
    Drift(
        "paid-over-total",
        "count",
        "every invoice paid by a transaction shows amountPaid a cent above what it was paid",
        _count_paid_over_total,
        "count_paid_and_credited_within_total",
        rows=("P-C68",),
    ),
]

# Behaviour rows of docs/traceability.md that no drift breaks yet (tests/test_traceability.py).
PENDING_ROWS: frozenset[str] = frozenset()
