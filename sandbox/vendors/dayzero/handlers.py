"""DayZero's HTTP handlers, one per ``operationId`` of specs/dayzero.yaml.

Each one only reads what Connexion already validated, calls the backend and shapes the JSON.
The function names are DayZero's own operation ids, so the spec reads as the routing table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.pagination import Page
from sandbox.runtime import current, reading
from sandbox.vendors.dayzero import views
from sandbox.vendors.dayzero.auth import business_scope
from sandbox.vendors.dayzero.models import DayZeroBackend, Listing, listing
from sandbox.vendors.dayzero.payments import DayZeroPayments

Response = tuple[Any, int]


def _answer(body: Any, status: int) -> Response:
    """A 2xx body as the request's reading of ``dayzero.envelope`` has it: bare, or wrapped."""
    if reading("dayzero.envelope") == "wrapped":
        return views.success_envelope(body), status
    return body, status


def _backend() -> DayZeroBackend:
    sandbox = current()
    return sandbox.seams.of(DayZeroBackend)(sandbox.store)


def _payments() -> DayZeroPayments:
    sandbox = current()
    return sandbox.seams.of(DayZeroPayments)(sandbox.store)


def _listing(kind: str, paging: Mapping[str, Any]) -> Listing:
    """What a list asks for by the parameters every list takes: ``cursor``, ``limit``,
    ``sort_by``, ``descending``, ``direction`` (Connexion passes the spec's defaults; repeated
    here)."""
    return listing(
        kind,
        paging.get("cursor"),
        paging.get("limit", 50),
        paging.get("sort_by", "created_at"),
        paging.get("descending", True),
        paging.get("direction"),
    )


def _page_answer(
    page: Page[Any], items: list[dict[str, Any]], paging: Mapping[str, Any]
) -> Response:
    """A list's answer: the total only if ``include_total_count``; ``direction=prev`` walks
    backwards."""
    total = paging.get("include_total_count", False)
    return _answer(views.page_json(page, items, total, paging.get("direction") == "prev"), 200)


# customers --------------------------------------------------------------------------------


def list_customers_api_v1_customers_get(**paging: Any) -> Response:
    page = _backend().list_customers(business_scope(), _listing("customers", paging))
    return _page_answer(page, [views.customer_json(c) for c in page.items], paging)


def create_customer_api_v1_customers_post(body: dict[str, Any]) -> Response:
    return _answer(views.customer_json(_backend().create_customer(business_scope(), body)), 201)


def get_customer_api_v1_customers__customer_id__get(customer_id: str) -> Response:
    return _answer(views.customer_json(_backend().get_customer(business_scope(), customer_id)), 200)


# invoices ---------------------------------------------------------------------------------


def _invoices_json(backend: DayZeroBackend, invoices: list[Any]) -> list[dict[str, Any]]:
    names = backend.customer_names(business_scope(), {i["customer_id"] for i in invoices})
    return [views.invoice_json(i, names.get(i["customer_id"])) for i in invoices]


def list_invoices_api_v1_invoices_get(
    customer_id: str | None = None, status: str | None = None, **paging: Any
) -> Response:
    backend = _backend()
    listed = _listing("invoices", paging)
    page = backend.list_invoices(business_scope(), customer_id, status, listed)
    return _page_answer(page, _invoices_json(backend, page.items), paging)


def create_invoice_api_v1_invoices_post(body: dict[str, Any]) -> Response:
    backend = _backend()
    invoice = backend.create_invoice(business_scope(), body)
    return _answer(_invoices_json(backend, [invoice])[0], 201)


def get_invoice_api_v1_invoices__invoice_id__get(invoice_id: str) -> Response:
    backend = _backend()
    invoice = backend.get_invoice(business_scope(), invoice_id)
    return _answer(_invoices_json(backend, [invoice])[0], 200)


def finalize_invoice_api_v1_invoices__invoice_id__finalize_post(invoice_id: str) -> Response:
    backend = _backend()
    invoice = backend.finalize_invoice(business_scope(), invoice_id)
    return _answer(_invoices_json(backend, [invoice])[0], 201)


def void_invoice_api_v1_invoices__invoice_id__void_put(invoice_id: str) -> Response:
    backend = _backend()
    invoice = backend.void_invoice(business_scope(), invoice_id)
    return _answer(_invoices_json(backend, [invoice])[0], 200)


def create_invoice_payment_api_v1_invoices__invoice_id__payments_post(
    invoice_id: str, body: dict[str, Any]
) -> Response:
    payment = _payments().add_payment(business_scope(), invoice_id, body)
    return _answer(views.payment_json(payment), 201)


def delete_invoice_payment_api_v1_invoices__invoice_id__payments__payment_id__delete(
    invoice_id: str, payment_id: str
) -> Response:
    _payments().remove_payment(business_scope(), invoice_id, payment_id)
    return dict(views.PAYMENT_REMOVED), 200


def create_transaction_api_v1_transactions_post(body: dict[str, Any]) -> Response:
    transaction = _payments().create_transaction(business_scope(), body)
    return _answer(views.transaction_json(transaction), 201)


# the same operation, sent as POST (reading post of dayzero.invoice-void-method)
void_invoice_api_v1_invoices__invoice_id__void_post = (
    void_invoice_api_v1_invoices__invoice_id__void_put
)


# credit memos -----------------------------------------------------------------------------


def list_credit_memos_api_v1_credit_memos_get(
    customer_id: str | None = None,
    status: str | None = None,
    has_remaining_balance: bool = False,
    search: str | None = None,
    **paging: Any,
) -> Response:
    page, memo_views = _backend().list_memos(
        business_scope(),
        customer_id=customer_id,
        status=status,
        has_remaining_balance=has_remaining_balance,
        search=search,
        listing=_listing("memos", paging),
    )
    return _page_answer(
        page, [views.memo_json(memo_views[memo["id"]]) for memo in page.items], paging
    )


def create_credit_memo_api_v1_credit_memos_post(body: dict[str, Any]) -> Response:
    return _answer(views.memo_json(_backend().create_memo(business_scope(), body)), 201)


def get_credit_memo_api_v1_credit_memos__credit_memo_id__get(credit_memo_id: str) -> Response:
    return _answer(views.memo_json(_backend().get_memo(business_scope(), credit_memo_id)), 200)


def update_credit_memo_api_v1_credit_memos__credit_memo_id__put(
    credit_memo_id: str, body: dict[str, Any]
) -> Response:
    view = _backend().update_memo(business_scope(), credit_memo_id, body)
    return _answer(views.memo_json(view), 200)


def delete_credit_memo_api_v1_credit_memos__credit_memo_id__delete(
    credit_memo_id: str,
) -> Response:
    _backend().delete_memo(business_scope(), credit_memo_id)
    return None, 204


def issue_credit_memo_api_v1_credit_memos__credit_memo_id__issue_post(
    credit_memo_id: str,
) -> Response:
    return _answer(views.memo_json(_backend().issue_memo(business_scope(), credit_memo_id)), 201)


def apply_credit_memo_api_v1_credit_memos__credit_memo_id__apply_post(
    credit_memo_id: str, body: dict[str, Any]
) -> Response:
    application = _backend().apply_memo(
        business_scope(), credit_memo_id, body["invoice_id"], body["amount_cents"]
    )
    json = views.application_json(
        application, application["credit_memo_id"], application["invoice_number"]
    )
    return _answer(json, 201)


def unapply_credit_memo_api_v1_credit_memos__credit_memo_id__unapply_post(
    credit_memo_id: str, body: dict[str, Any]
) -> Response:
    view, cents, at = _backend().unapply_memo(business_scope(), credit_memo_id, body["invoice_id"])
    return _answer(views.unapply_json(view, body["invoice_id"], cents, at), 201)


def void_credit_memo_api_v1_credit_memos__credit_memo_id__void_post(
    credit_memo_id: str, body: dict[str, Any]
) -> Response:
    view = _backend().void_memo(business_scope(), credit_memo_id, body["reason"])
    return _answer(views.memo_json(view), 201)


def get_customer_credits_api_v1_credit_memos_customers__customer_id__credits_get(
    customer_id: str,
) -> Response:
    customer, memos, memo_views = _backend().customer_credits(business_scope(), customer_id)
    items = [views.memo_json(memo_views[memo["id"]]) for memo in memos]
    total = sum(item["amount_remaining"] for item in items)
    return _answer(
        {
            "customer_id": customer["id"],
            "customer_name": customer["name"],
            "total_credits_available": total,
            "total_credits_available_dollars": views.cents_to_dollars(total),
            "credit_memos_count": len(items),
            "credit_memos": items,
        },
        200,
    )
