"""Solvimon's drifts: see the package's docstring."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from contracts.checks import every_object
from contracts.vendors.solvimon.checks import CREDIT_TYPES
from tests.contracts.drifts.common import duplicated_page, refusal_accepted
from tests.support.drift_proxy import Drift, Exchange


def _solvimon_open_amount_off(exchange: Exchange) -> None:
    for invoice in every_object(exchange.body):
        amount = invoice.get("open_invoice_amount")
        if isinstance(amount, dict) and isinstance(amount.get("quantity"), str):
            quantity = Decimal(amount["quantity"])
            amount["quantity"] = str(quantity + Decimal(1).scaleb(quantity.as_tuple().exponent))


def _solvimon_non_final_credited(exchange: Exchange) -> None:
    refusal_accepted(exchange, "POST", re.compile(r"/invoices/[^/]+/credit$"), 200)


def _solvimon_error_shape(exchange: Exchange) -> None:
    body = exchange.body
    if exchange.status >= 400 and isinstance(body, dict) and "code" in body and "type" in body:
        exchange.body = {"error": body.get("message")}


def _solvimon_credit_unlinked(exchange: Exchange) -> None:
    for invoice in every_object(exchange.body):
        credit = invoice.get("credit")
        if isinstance(credit, dict) and credit.get("original_invoice_id"):
            credit["original_invoice_id"] = None


_CREDIT = re.compile(r"/invoices/[^/]+/credit$")
_ONE_INVOICE = re.compile(r"^/v1/invoices/[^/]+$")
_FRACTION = re.compile(r"\.\d+(?=Z|[+-]\d\d:?\d\d$|$)")
_WHOLE_SECONDS = re.compile(r"(T\d\d:\d\d:\d\d)(?=Z|[+-]\d\d:?\d\d$|$)")


def _solvimon_permission_ignored(exchange: Exchange) -> None:
    if exchange.method == "POST" and _CREDIT.search(exchange.path) and exchange.status == 403:
        exchange.status, exchange.body = 200, {}


def _solvimon_unreachable_platform_served(exchange: Exchange) -> None:
    if exchange.method == "GET" and exchange.path == "/v1/invoices" and exchange.status == 403:
        exchange.status = 200
        exchange.body = {"data": [], "page": 1, "limit": 1, "total_number_of_pages": 0}


def _solvimon_other_platform_visible(exchange: Exchange) -> None:
    if exchange.method == "GET" and _ONE_INVOICE.match(exchange.path) and exchange.status == 404:
        exchange.status, exchange.body = 200, {"id": exchange.path.rsplit("/", 1)[-1]}


def _solvimon_v2_served(exchange: Exchange) -> None:
    if exchange.path.startswith("/v2/") and exchange.status == 404:
        exchange.status = 200
        exchange.body = {"data": [], "page": 1, "limit": 10, "total_number_of_pages": 0}


def _solvimon_no_key_forbidden(exchange: Exchange) -> None:
    if exchange.status == 401:
        exchange.status = 403


def _solvimon_gateway_answers_unknown_versions(exchange: Exchange) -> bool:
    """An API gateway in front answers /v2/... itself, without the API's X-REQUEST-ID."""
    if not exchange.path.startswith("/v2/"):
        return False
    exchange.status = 404
    exchange.body = {"type": "NOT_FOUND", "code": "NOT_FOUND", "message": "no such route"}
    return True


def _solvimon_refuses_field(exchange: Exchange, code: str, field: str, message: str) -> bool:
    """Answers the request with Solvimon's 400 for ``field``, without forwarding it."""
    exchange.status = 400
    exchange.body = {"type": "INVALID_REQUEST", "code": code, "field": field, "message": message}
    return True


def _is_credit(exchange: Exchange) -> bool:
    return exchange.method == "POST" and bool(_CREDIT.search(exchange.path))


def _solvimon_periods_required(exchange: Exchange) -> bool:
    """A credit without periods is refused as if periods were required."""
    body = exchange.request if isinstance(exchange.request, dict) else {}
    if not _is_credit(exchange) or body.get("periods") or body.get("groups"):
        return False
    return _solvimon_refuses_field(exchange, "MISSING_FIELD", "periods", "periods is required")


def _solvimon_note_refused(exchange: Exchange) -> bool:
    """A credit that carries a note is refused, as if ``note`` were no field of the request."""
    body = exchange.request if isinstance(exchange.request, dict) else {}
    if not _is_credit(exchange) or not isinstance(body.get("note"), str):
        return False
    message = "note is not a field of this request"
    return _solvimon_refuses_field(exchange, "INVALID_FIELD", "note", message)


def _solvimon_periods_ignored(request: Any) -> Any:
    """The credit's periods are dropped: whatever is still creditable is credited."""
    if isinstance(request, dict) and "periods" in request:
        return {key: value for key, value in request.items() if key != "periods"}
    return request


def _solvimon_groups_ignored(request: Any) -> Any:
    """The deprecated groups are dropped: a credit by groups credits all that is creditable."""
    if isinstance(request, dict) and "groups" in request:
        return {key: value for key, value in request.items() if key != "groups"}
    return request


def _on_hold_read_as(kept: str, ignored: str) -> Callable[[Any], Any]:
    """A request as a deployment that reads the on-hold flag spelled ``kept`` reads it: the
    flag spelled ``ignored`` is dropped, and the upstream (which reads ``ignored``) is given the
    ``kept`` one's value under that spelling."""

    def read(request: Any) -> Any:
        if not isinstance(request, dict):
            return request
        seen = {key: value for key, value in request.items() if key != ignored}
        if kept in seen:
            seen[ignored] = seen.pop(kept)
        return seen

    return read


# the flag read as the seed page spells it where the schema's spelling is expected, and the other
# way round
_solvimon_on_hold_page_spelling = _on_hold_read_as("forceInitOnHold", "force_init_on_hold")
_solvimon_on_hold_schema_spelling = _on_hold_read_as("force_init_on_hold", "forceInitOnHold")


def _solvimon_bearer_ignored(exchange: Exchange) -> None:
    """A Bearer token is not looked at: a request with one and no API key is served as if it
    were the caller's list of nothing."""
    bearer = exchange.headers.get("authorization", "").lower().startswith("bearer ")
    if exchange.status == 401 and bearer and "x-api-key" not in exchange.headers:
        exchange.status, exchange.body = 200, {"data": [], "total": 0}


def _solvimon_server_error_for_unknown_ids(exchange: Exchange) -> None:
    """An invoice the deployment does not know is a 500, where Solvimon answers 404."""
    if exchange.method == "GET" and exchange.status == 404 and "/invoices/" in exchange.path:
        exchange.status = 500
        exchange.body = {"type": "API_ERROR", "code": "INTERNAL_ERROR", "message": "internal"}


def _solvimon_drafts_final_at_once(exchange: Exchange) -> None:
    """No grace period: a draft not on hold reads FINAL as soon as it exists."""
    if exchange.method == "GET" and "/invoices/" in exchange.path:
        for invoice in every_object(exchange.body):
            if invoice.get("status") == "DRAFT" and invoice.get("on_hold") is False:
                invoice["status"] = "FINAL"


def _solvimon_timestamps_read_backwards(request: Any) -> Any:
    """delivery_date must carry milliseconds and may not be in whole seconds."""
    if not isinstance(request, dict) or not isinstance(request.get("delivery_date"), str):
        return request
    stamp = request["delivery_date"]
    if _FRACTION.search(stamp):
        stamp = _FRACTION.sub("", stamp)
    else:
        stamp = _WHOLE_SECONDS.sub(r"\1.000", stamp)
    return {**request, "delivery_date": stamp}


def _solvimon_copy_finalised(request: Any) -> Any:
    """credit_and_copy finalises the copy unless told not to (the schema's default is false)."""
    if isinstance(request, dict) and set(request) <= {"note"}:
        return {**request, "update_new_invoice_to_final": True}
    return request


def _solvimon_replays_refused(request: Any) -> Any:
    """Each credit is fingerprinted with the moment it arrived, so no replay matches its first
    request: a replay is refused as a reused key."""
    if isinstance(request, dict) and ("periods" in request or "note" in request):
        return {**request, "received_at": time.time_ns()}
    return request


def _solvimon_one_off_original_dropped(exchange: Exchange) -> None:
    """A ONE_OFF_CREDIT's linked_invoices_ids no longer names its original."""
    for invoice in every_object(exchange.body):
        credit = invoice.get("credit")
        ids = invoice.get("linked_invoices_ids")
        if invoice.get("type") == "ONE_OFF_CREDIT" and isinstance(credit, dict) and ids:
            original = credit.get("original_invoice_id")
            invoice["linked_invoices_ids"] = [id_ for id_ in ids if id_ != original]


def _solvimon_original_unlinked(exchange: Exchange) -> None:
    for invoice in every_object(exchange.body):
        if invoice.get("type") not in CREDIT_TYPES and invoice.get("linked_invoices"):
            invoice["linked_invoices"] = []


_CREATE = re.compile(r"^/v1/invoices$")
_REFUND = re.compile(r"/invoices/[^/]+/refund$")


def _solvimon_one_off_not_on_hold(exchange: Exchange) -> None:
    """One-off invoices are made (and read) off hold, not on hold."""
    for invoice in every_object(exchange.body):
        if invoice.get("type") in ("ONE_OFF", "ONE_OFF_CREDIT") and invoice.get("on_hold"):
            invoice["on_hold"] = False


def _solvimon_one_off_refusals_accepted(exchange: Exchange) -> None:
    refusal_accepted(exchange, "POST", _CREATE, 200)


def _solvimon_one_off_and_refund_permissions_ignored(exchange: Exchange) -> None:
    """A key without INVOICE.ONE_OFF.CREATE or INVOICE.REFUND is served as if it had them."""
    creating = _CREATE.match(exchange.path) or _REFUND.search(exchange.path)
    if exchange.method == "POST" and creating and exchange.status == 403:
        exchange.status, exchange.body = 200, {}


def _solvimon_refunds_repeated(exchange: Exchange) -> None:
    refusal_accepted(exchange, "POST", _REFUND, 200)


def _solvimon_amount_sorted_as_text(exchange: Exchange) -> None:
    body = exchange.body
    if exchange.query.get("order_by") != "invoice_amount_including_tax":
        return
    if exchange.method == "GET" and exchange.path == "/v1/invoices" and isinstance(body, dict):
        rows = [row for row in body.get("data") or [] if isinstance(row, dict)]
        rows.sort(
            key=lambda row: str((row.get("invoice_amount_including_tax") or {}).get("quantity")),
            reverse=exchange.query.get("order_direction") == "desc",
        )
        body["data"] = rows


def _solvimon_group_amount_off(exchange: Exchange) -> None:
    for invoice in every_object(exchange.body):
        for period in invoice.get("periods") or []:
            for group in period.get("groups") or []:
                amount = group.get("amount_including_tax")
                if group.get("lines") and isinstance(amount, dict):
                    quantity = Decimal(str(amount.get("quantity")))
                    step = Decimal(1).scaleb(quantity.as_tuple().exponent)
                    amount["quantity"] = str(quantity + step)


DRIFTS = [
    Drift(
        "open-amount-off",
        "solvimon",
        "every open_invoice_amount is one minor unit more than total - closed",
        _solvimon_open_amount_off,
        "solvimon_open_plus_closed_is_total",
        rows=("S26",),
    ),
    Drift(
        "non-final-credited",
        "solvimon",
        "a credit Solvimon refuses with 400 answers 200",
        _solvimon_non_final_credited,
        "SV-CREDIT-NON-FINAL-400",
        rows=("S22", "S60", "P-S17", "P-S18"),
    ),
    Drift(
        "error-shape",
        "solvimon",
        "error bodies are {error} instead of {type, code, message}",
        _solvimon_error_shape,
        "SV-AUTH-MISSING-KEY-401",
        rows=("P-S13",),
    ),
    Drift(
        "duplicated-page",
        "solvimon",
        "a page of invoices repeats its first invoice in place of its last",
        duplicated_page("/v1/invoices", "data"),
        "SV-LIST-EXACTLY-ONCE",
        rows=("P-S7",),
        alone=False,
    ),
    Drift(
        "credit-unlinked",
        "solvimon",
        "a credit invoice names no original invoice",
        _solvimon_credit_unlinked,
        "solvimon_credit_names_its_original",
        rows=("S14", "S41"),
    ),
    Drift(
        "credits-everything",
        "solvimon",
        "a credit's periods are ignored: every credit credits all that is still creditable",
        lambda exchange: None,
        "SV-PARTIAL-CREDIT-EXACT",
        rewrite_request=_solvimon_periods_ignored,
        rows=("S1", "S10", "P-S1"),
    ),
    Drift(
        "groups-ignored",
        "solvimon",
        "a credit's deprecated groups are ignored: it credits all that is still creditable",
        lambda exchange: None,
        "SV-DEPRECATED-GROUPS-CREDIT-EXACT",
        rewrite_request=_solvimon_groups_ignored,
        rows=("S13",),
    ),
    Drift(
        "periods-required",
        "solvimon",
        "a credit without periods is refused with 400 MISSING_FIELD, as if periods were required",
        lambda exchange: None,
        "SV-CREDIT-NEVER-TWICE",
        answers=_solvimon_periods_required,
        rows=("S8",),
    ),
    Drift(
        "note-refused",
        "solvimon",
        "a credit that carries a note is refused with 400 INVALID_FIELD",
        lambda exchange: None,
        "SV-LINKS-BOTH-WAYS",
        answers=_solvimon_note_refused,
        rows=("S9",),
    ),
    Drift(
        "permission-ignored",
        "solvimon",
        "a credit by a key without INVOICE.CREDIT.CREATE answers 200 instead of 403",
        _solvimon_permission_ignored,
        "SV-CREDIT-PERMISSION-403",
        rows=("S2", "S62"),
    ),
    Drift(
        "unreachable-platform-served",
        "solvimon",
        "x-platform-id naming a platform the key cannot reach answers an empty list, not 403",
        _solvimon_unreachable_platform_served,
        "SV-UNREACHABLE-PLATFORM-403",
        rows=("S7",),
    ),
    Drift(
        "other-platform-visible",
        "solvimon",
        "another platform's invoice (any unknown id) answers 200 instead of 404",
        _solvimon_other_platform_visible,
        "SV-OTHER-PLATFORM-404",
        rows=("S6",),
    ),
    Drift(
        "v2-served",
        "solvimon",
        "/v2/... answers 200 as /v1/... does, instead of 404",
        _solvimon_v2_served,
        "SV-UNKNOWN-VERSION-404",
        rows=("S5",),
    ),
    Drift(
        "no-key-forbidden",
        "solvimon",
        "a call without credentials is 403 instead of 401",
        _solvimon_no_key_forbidden,
        "SV-AUTH-MISSING-KEY-401",
        rows=("S3", "S61"),
    ),
    Drift(
        "gateway-without-request-id",
        "solvimon",
        "a gateway in front answers unknown versions itself, without X-REQUEST-ID",
        lambda exchange: None,
        "SV-REQUEST-ID-EVERY-RESPONSE",
        answers=_solvimon_gateway_answers_unknown_versions,
        rows=("P-S14",),
    ),
    Drift(
        "on-hold-page-spelling",
        "solvimon",
        "the on-hold flag is read as forceInitOnHold and force_init_on_hold is ignored",
        lambda exchange: None,
        "SV-ON-HOLD-AS-EXPECTED",
        rewrite_request=_solvimon_on_hold_page_spelling,
        rows=("P-S2", "P-S4"),
    ),
    Drift(
        "page-spelling-ignored",
        "solvimon",
        "under the seed page's spelling, forceInitOnHold is ignored and force_init_on_hold read",
        lambda exchange: None,
        "SV-ON-HOLD-AS-EXPECTED",
        rewrite_request=_solvimon_on_hold_schema_spelling,
        rows=("P-S3", "S11"),
        readings=(("solvimon.on-hold-field", "reference-page"),),
    ),
    Drift(
        "bearer-ignored",
        "solvimon",
        "a request with an unknown Bearer token and no API key answers 200",
        _solvimon_bearer_ignored,
        "SV-AUTH-UNKNOWN-BEARER-401",
        rows=("S4",),
    ),
    Drift(
        "unknown-invoice-is-500",
        "solvimon",
        "reading an invoice the deployment does not know answers 500",
        _solvimon_server_error_for_unknown_ids,
        "ST101",
        rows=("S63",),
        layers="rules,schema",
    ),
    Drift(
        "drafts-final-at-once",
        "solvimon",
        "a draft not on hold reads FINAL at once, with no grace period",
        _solvimon_drafts_final_at_once,
        "SV-DRAFT-FINAL-AFTER-GRACE",
        rows=("P-S19",),
    ),
    Drift(
        "timestamps-read-backwards",
        "solvimon",
        "delivery_date in whole seconds is refused and one with milliseconds is taken",
        lambda exchange: None,
        "SV-DELIVERY-DATE-WHOLE-SECONDS",
        rewrite_request=_solvimon_timestamps_read_backwards,
        rows=("S12", "P-S20"),
    ),
    Drift(
        "copy-finalised",
        "solvimon",
        "credit_and_copy makes its copy FINAL when the body leaves update_new_invoice_to_final out",
        lambda exchange: None,
        "SV-CREDIT-AND-COPY",
        rewrite_request=_solvimon_copy_finalised,
        rows=("P-S5",),
    ),
    Drift(
        "replays-refused",
        "solvimon",
        "a replay with the same Idempotency-Key and body is refused as a reused key",
        lambda exchange: None,
        "SV-IDEMPOTENT-REPLAY",
        rewrite_request=_solvimon_replays_refused,
        rows=("P-S15",),
    ),
    Drift(
        "one-off-original-unlisted",
        "solvimon",
        "a ONE_OFF_CREDIT's linked_invoices_ids leaves out the original it credits",
        _solvimon_one_off_original_dropped,
        "solvimon_one_off_credits_link_their_original",
        rows=("S58", "P-S9"),
    ),
    Drift(
        "original-unlinked",
        "solvimon",
        "an original invoice no longer lists its credit invoices in linked_invoices",
        _solvimon_original_unlinked,
        "SV-LINKS-BOTH-WAYS",
        rows=("S39", "P-S6"),
    ),
    Drift(
        "amount-sorted-as-text",
        "solvimon",
        "order_by=invoice_amount_including_tax sorts the amounts as text (-75.00 before -0.01)",
        _solvimon_amount_sorted_as_text,
        "SV-ORDER-BY-DOCUMENTED",
        rows=("P-S12",),
        alone=False,
    ),
    Drift(
        "group-amount-off",
        "solvimon",
        "every group's amount is one minor unit more than its lines add up to",
        _solvimon_group_amount_off,
        "solvimon_totals_add_up",
        rows=("S32",),
    ),
    Drift(
        "one-off-not-on-hold",
        "solvimon",
        "one-off invoices are created off hold instead of DRAFT and on hold",
        _solvimon_one_off_not_on_hold,
        "SV-ONE-OFF-DRAFT-ON-HOLD",
        rows=("P-S8", "P-S21"),
    ),
    Drift(
        "one-off-links-accepted",
        "solvimon",
        "a ONE_OFF with linked_invoices_ids (any refused one-off) answers 200 instead of 400",
        _solvimon_one_off_refusals_accepted,
        "SV-LINKED-IDS-ONLY-ONE-OFF-CREDIT-400",
        rows=("P-S22",),
    ),
    Drift(
        "one-off-customer-optional",
        "solvimon",
        "a ONE_OFF without customer_id or customer_reference answers 200 instead of 400",
        _solvimon_one_off_refusals_accepted,
        "SV-ONE-OFF-CUSTOMER-REQUIRED-400",
        rows=("P-S24",),
    ),
    Drift(
        "one-off-credit-original-unlinked",
        "solvimon",
        "the originals a ONE_OFF_CREDIT names do not list it in linked_invoices",
        _solvimon_original_unlinked,
        "SV-ONE-OFF-CREDIT-LINKS-BOTH-WAYS",
        rows=("P-S23",),
    ),
    Drift(
        "one-off-and-refund-permissions-ignored",
        "solvimon",
        "a key without INVOICE.ONE_OFF.CREATE or INVOICE.REFUND gets 200 instead of 403",
        _solvimon_one_off_and_refund_permissions_ignored,
        "SV-ONE-OFF-REFUND-PERMISSION-403",
        rows=("P-S10", "P-S25"),
    ),
    Drift(
        "refunds-repeated",
        "solvimon",
        "a refund that must be refused (a second one, or of an invoice that is no credit) "
        "answers 200",
        _solvimon_refunds_repeated,
        "SV-REFUND-CREDIT-INVOICE",
        rows=("P-S11", "P-S26"),
    ),
]

# Behaviour rows of docs/traceability.md that no drift breaks yet (tests/test_traceability.py).
PENDING_ROWS: frozenset[str] = frozenset()
