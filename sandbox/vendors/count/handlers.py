"""COUNT's HTTP handlers, one per ``operationId`` of specs/count.yaml: parse, call, shape."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

from connexion import request
from starlette.responses import Response as RawResponse

from sandbox import clock
from sandbox.runtime import current, reading
from sandbox.vendors.count import errors, views
from sandbox.vendors.count.attachments import AttachmentBackend, Upload, media_type
from sandbox.vendors.count.auth import CLIENT_KEY, MOUNT, VENDOR, workspace
from sandbox.vendors.count.invoices import InvoiceBackend
from sandbox.vendors.count.models import CountBackend
from sandbox.vendors.count.oauth import OAuthBackend
from sandbox.vendors.count.oauth import Workspace as OAuthWorkspace
from sandbox.vendors.count.tags import TagBackend
from sandbox.vendors.count.templates import TemplateBackend
from sandbox.vendors.count.transactions import TransactionBackend

Response = tuple[Any, int]


def _answer(body: Any, status: int) -> Response:
    """A 2xx body in the request's reading of ``count.envelope``: as it is, or under ``data`` in
    the reference pages' ``{status: "success", message, data}``."""
    if reading("count.envelope") == "wrapped":
        return views.success_envelope(body), status
    return body, status


def _deleted(uuid: str) -> Response:
    """What every delete answers: the id and ``deleted: true``."""
    return _answer({"id": uuid, "deleted": True}, 200)


def _page_json(key: str, page: Any, items: list[dict[str, Any]]) -> dict[str, Any]:
    """A list page, its rows under ``key`` or, in the reference reading of ``count.list-rows``,
    under ``records``."""
    rows = "records" if reading("count.list-rows") == "reference" else key
    return views.page_json(rows, page, items)


def _backend() -> CountBackend:
    return CountBackend(current().store)


# the partner OAuth flow ------------------------------------------------------------------------


def authorize_initiate(clientId: str, redirectUri: str, state: str) -> Response:
    """The URL the user logs in at: under ``data.redirectUri``, where COUNT's client reads it,
    and at the top level, where COUNT's older reference shows it (ours: both)."""
    with _client_oauth(clientId) as oauth:
        request_id = oauth.authorize(redirectUri, state)
    query = urlencode({"clientId": clientId, "authorization": request_id})
    login = f"{request.url.scheme}://{request.url.netloc}{MOUNT}/auth2/consent?{query}"
    message = "Redirect the user to redirectUri to authorize the client"
    return {"status": "success", "message": message, "redirectUri": login,
            "data": {"redirectUri": login}}, 200  # fmt: skip


def consent(clientId: str, authorization: str) -> RawResponse:
    """**Ours**: the page COUNT's user logs in at, consenting at once for the tenant's
    workspace: a redirect to the partner's redirect URI with the code and the state."""
    with _client_oauth(clientId) as oauth:
        back = oauth.consent(authorization)
    return RawResponse(status_code=302, headers={"Location": back})


def grant_access_token(body: dict[str, Any]) -> Response:
    tenant = request.scope[CLIENT_KEY]
    tokens = _oauth(tenant).exchange(body["code"], body.get("state"), _workspace_of(tenant))
    return views.token_json(tokens, "Success on exchanging access token."), 200


def refresh_user_access_token(body: dict[str, Any]) -> Response:
    """COUNT's client sends ``refreshToken``; its older reference ``refresh_token``."""
    tenant = request.scope[CLIENT_KEY]
    token = body.get("refreshToken") or body.get("refresh_token") or ""
    tokens = _oauth(tenant).refresh(str(token), _workspace_of(tenant))
    return views.token_json(tokens, "Success on refreshing access token."), 200


def _oauth(tenant_id: str) -> OAuthBackend:
    return OAuthBackend(current().store, tenant_id)


@contextmanager
def _client_oauth(client_id: str) -> Iterator[OAuthBackend]:
    """The grants of the tenant whose client id a browser's request names, on that tenant's
    clock (no signature names the tenant of these requests, so the sandbox has not set it)."""
    tenants = current().tenants
    found = tenants.find_by_credential(VENDOR, "client_id", client_id)
    if found is None:
        raise errors.Unauthorized(errors.UNKNOWN_CLIENT)
    with clock.tenant_time(tenants.clock_offset(str(found["id"]))):
        yield _oauth(str(found["id"]))


def _workspace_of(tenant_id: str) -> OAuthWorkspace:
    tenant = current().tenants.get(tenant_id)
    return OAuthWorkspace(tenant["credentials"][VENDOR]["workspace_id"], str(tenant["name"]))


def list_customers(
    page: int = 1, limit: int = 20, search: str | None = None, **order: str
) -> Response:
    found = _backend().list_customers(
        workspace(),
        page,
        limit,
        search,
        order.get("orderBy", "customer"),
        order.get("orderDirection", "ASC"),
    )
    return _answer(
        _page_json("customers", found, [views.customer_json(c) for c in found.items]), 200
    )


def create_customer(body: dict[str, Any]) -> Response:
    return _answer(views.customer_json(_backend().create_customer(workspace(), body)), 201)


def _tags() -> TagBackend:
    return TagBackend(current().store)


def list_tags(page: int = 1, limit: int = 20, search: str | None = None) -> Response:
    found = _tags().list(workspace(), page, limit, search)
    return _answer(_page_json("tags", found, [views.tag_json(tag) for tag in found.items]), 200)


def create_tag(body: dict[str, Any]) -> Response:
    return _answer(views.tag_json(_tags().create(workspace(), body)), 201)


def get_tag(uuid: str) -> Response:
    return _answer(views.tag_json(_tags().get(workspace(), uuid)), 200)


def bulk_create_customers(body: dict[str, Any]) -> Response:
    results = _backend().bulk_create_customers(workspace(), body["customers"])
    return _answer(views.bulk_customers_json(results), 201)


def get_customer(uuid: str) -> Response:
    return _answer(views.customer_json(_backend().get_customer(workspace(), uuid)), 200)


def update_customer(uuid: str, body: dict[str, Any]) -> Response:
    return _answer(views.customer_json(_backend().update_customer(workspace(), uuid, body)), 200)


def delete_customer(uuid: str) -> Response:
    _backend().delete_customer(workspace(), uuid)
    return _deleted(uuid)


def list_products(page: int = 1, limit: int = 20) -> Response:
    found = _backend().list_products(workspace(), page, limit)
    return _answer(_page_json("products", found, [views.product_json(p) for p in found.items]), 200)


def create_product(body: dict[str, Any]) -> Response:
    return _answer(views.product_json(_backend().create_product(workspace(), body)), 201)


def get_product(uuid: str) -> Response:
    return _answer(views.product_json(_backend().get_product(workspace(), uuid)), 200)


def update_product(uuid: str, body: dict[str, Any]) -> Response:
    return _answer(views.product_json(_backend().update_product(workspace(), uuid, body)), 200)


def delete_product(uuid: str) -> Response:
    _backend().delete_product(workspace(), uuid)
    return _deleted(uuid)


# invoices, estimates and credit memos ----------------------------------------------------------


def _invoices() -> InvoiceBackend:
    return current().seams.of(InvoiceBackend)(current().store)


def list_invoices(page: int = 1, limit: int = 20, **filters: Any) -> Response:
    backend, ws = _invoices(), workspace()
    found = backend.search(ws, filters, page, limit)
    items = [views.record_json(view) for view in backend.views(ws, found.items)]
    return _answer(_page_json("invoices", found, items), 200)


def create_invoice(body: dict[str, Any]) -> Response:
    if reading("count.create") == "reference":
        # the reference's lines name the unit price `price`; `taxes` are taken and not modelled
        # and have no `uuid` (the client's other name for the product): sent anyway, it is a
        # field the line does not have, and ignored as any such is
        lines = [
            {**{k: v for k, v in line.items() if k != "uuid"}, "unitPrice": line["price"]}
            for line in body["products"]
        ]
        view = _invoices().create(workspace(), {**body, "products": lines})
        return _answer(views.record_json(view), 200)
    return _answer(views.record_json(_invoices().create(workspace(), body)), 201)


def get_invoice(uuid: str) -> Response:
    return _answer(views.record_json(_invoices().get(workspace(), uuid)), 200)


def update_invoice(uuid: str, body: dict[str, Any]) -> Response:
    view, warnings = _invoices().update(workspace(), uuid, body)
    return _answer(views.record_json(view, warnings), 200)


def delete_invoice(uuid: str) -> Response:
    _invoices().delete(workspace(), uuid)
    return _deleted(uuid)


def _memos_approved() -> bool:
    return reading("count.memo-draft-approve") == "reference"


def approve_invoice(uuid: str) -> Response:
    return _answer(
        views.record_json(_invoices().approve(workspace(), uuid, _memos_approved())), 200
    )


def send_invoice(uuid: str, body: dict[str, Any] | None = None) -> Response:
    view = _invoices().send(workspace(), uuid, body or {}, _memos_approved())
    return _answer(views.record_json(view), 200)


def apply_multiple_credit_to_invoice(uuid: str, body: dict[str, Any]) -> Response:
    view = _invoices().apply_memos_to_invoice(workspace(), uuid, body["creditMemos"])
    return _answer(views.record_json(view), 200)


def apply_credit_to_multiple_invoices(uuid: str, body: dict[str, Any]) -> Response:
    view = _invoices().apply_memo_to_invoices(workspace(), uuid, body["invoices"])
    return _answer(views.record_json(view), 200)


def remove_credit(uuid: str, body: dict[str, Any]) -> Response:
    return _answer(
        views.record_json(_invoices().remove_credit(workspace(), uuid, body["memoId"])), 200
    )


def get_audit_log(uuid: str) -> Response:
    return _answer(views.audit_json(uuid, _invoices().audit_log(workspace(), uuid)), 200)


# transactions and the payments they make ------------------------------------------------------


def _transactions() -> TransactionBackend:
    return current().seams.of(TransactionBackend)(current().store, _invoices())


def create_transaction(body: dict[str, Any]) -> Response:
    return _answer(views.transaction_json(_transactions().create(workspace(), body)), 201)


def get_transaction(uuid: str) -> Response:
    return _answer(views.transaction_json(_transactions().get(workspace(), uuid)), 200)


def assign_transaction_to_invoices(uuid: str, body: dict[str, Any]) -> Response:
    view = _transactions().assign(workspace(), uuid, body["records"])
    return _answer(views.transaction_json(view), 200)


def remove_invoice_transaction(uuid: str, body: dict[str, Any]) -> Response:
    view = _transactions().remove_from_invoice(workspace(), uuid, body["transactionId"])
    return _answer(views.record_json(view), 200)


# recurring invoice templates -------------------------------------------------------------------


def _templates() -> TemplateBackend:
    return current().seams.of(TemplateBackend)(current().store)


def list_templates(page: int = 1, limit: int = 20, isDraft: str = "false") -> Response:
    found = _templates().search(workspace(), isDraft, page, limit)
    return _answer(
        _page_json("templates", found, [views.template_json(t) for t in found.items]), 200
    )


def create_template(body: dict[str, Any]) -> Response:
    return _answer(views.template_json(_templates().create(workspace(), body)), 201)


def get_template(uuid: str) -> Response:
    return _answer(views.template_json(_templates().get(workspace(), uuid)), 200)


def update_template(uuid: str, body: dict[str, Any]) -> Response:
    return _answer(views.template_json(_templates().update(workspace(), uuid, body)), 200)


def delete_template(uuid: str) -> Response:
    _templates().delete(workspace(), uuid)
    return _deleted(uuid)


def pause_template(uuid: str) -> Response:
    return _answer(views.template_json(_templates().set_paused(workspace(), uuid, True)), 200)


def resume_template(uuid: str) -> Response:
    return _answer(views.template_json(_templates().set_paused(workspace(), uuid, False)), 200)


# attachments and public links ------------------------------------------------------------------


def _attachments() -> AttachmentBackend:
    return AttachmentBackend(current().store)


def _attachment_list(uuid: str, attachments: list[Any]) -> dict[str, Any]:
    return {"id": uuid, "attachments": [views.attachment_json(a) for a in attachments]}


def add_attachments(uuid: str, body: dict[str, Any]) -> Response:
    added = _attachments().add_links(workspace(), uuid, body["attachments"])
    return _answer(_attachment_list(uuid, added), 201)


def upload_attachments(uuid: str, documents: list[Any] | Any = None) -> Response:
    files = documents if isinstance(documents, list) else [documents] if documents else []
    uploads = [Upload(f.filename or "", f.content_type or "", f.file.read()) for f in files]
    return _answer(_attachment_list(uuid, _attachments().upload(workspace(), uuid, uploads)), 201)


def get_public_link(uuid: str) -> Response:
    token = _attachments().public_link(workspace(), uuid)
    base = str(request.base_url).rstrip("/")
    return _answer({"publicToken": token, "publicUrl": f"{base}/count/public/{token}"}, 200)


def get_public_record(token: str) -> Response:
    view, status, balance, attachments = _attachments().public_view(token)
    return views.public_json(view, status, balance, attachments), 200


def get_public_attachment(token: str, attachment_id: str) -> RawResponse:
    attachment = _attachments().public_file(token, attachment_id)
    data = base64.b64decode(attachment["data"])
    disposition = f'attachment; filename="{attachment["file_name"]}"'
    return RawResponse(
        # a type stored before uploads were checked, or restored from a snapshot, is checked again
        data,
        media_type=media_type(attachment["content_type"]),
        headers={"Content-Disposition": disposition},
    )


# the same operation under the spelling of COUNT's prose ("authorize-initiate")
authorize_initiate_as_spelled = authorize_initiate
