"""Kojo's HTTP handlers, one per ``operationId`` of specs/kojo.yaml: the token endpoint, and
``/graphql``, which hands the query to the schema built from specs/kojo.graphql."""

from __future__ import annotations

import base64
import functools
import logging
from importlib import resources
from typing import Any

from ariadne import graphql_sync
from connexion import request
from connexion.context import context as request_context
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse

from sandbox.runtime import current
from sandbox.vendors.kojo import auth, errors, query_cache, query_limits, schema, views
from sandbox.vendors.kojo.models import KojoBackend

# Ariadne logs every refused GraphQL query; those are the client's errors, answered as such
LOGGER = "creditbox.kojo.graphql"
logging.getLogger(LOGGER).setLevel(logging.CRITICAL)

Response = tuple[Any, int]


@functools.cache
def _schema() -> Any:
    return schema.build()


@functools.cache
def _explorer_html() -> str:
    """GraphiQL, with its scripts served by the sandbox itself (``sandbox.assets``): it works
    without internet. It fetches a token for the demo tenant and starts with a memo query."""
    page = resources.files("sandbox.vendors.kojo").joinpath("graphiql.html")
    return page.read_text(encoding="utf-8")


def issue_token(body: dict[str, Any]) -> Response:
    client_id, client_secret = body.get("client_id"), body.get("client_secret")
    basic = request.headers.get("authorization", "")
    if basic.lower().startswith("basic "):
        try:
            client_id, _, client_secret = base64.b64decode(basic[6:]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            raise errors.OAuthError("invalid_client", "Unreadable Basic credentials", 401) from None
    if not client_id or not client_secret:
        raise errors.OAuthError("invalid_request", "client_id and client_secret are required")
    return auth.issue_token(current().tenants, client_id, client_secret), 200


async def run_query(body: dict[str, Any]) -> Response:
    """A query that only reads runs on the event loop, as the sandbox's other reads do (a hop
    to a worker thread cost more than the query); one with a mutation waits for the disk, so it
    runs in the thread pool, as other writes do."""
    if query_cache.only_reads(body):
        return _run_query(body)
    return await run_in_threadpool(_run_query, body)


def _run_query(body: dict[str, Any]) -> Response:
    tenant_id = request_context["token_info"]["sub"]
    request_id = errors.request_id()
    book = KojoBackend(current().store).book(tenant_id)
    context = views.Context(book, request_id, current().seams)
    _, result = graphql_sync(
        _schema(),
        body,
        context_value=context,
        validation_rules=query_limits.VALIDATION_RULES,
        query_parser=query_cache.parse_query,
        query_validator=query_cache.validate_query,
        error_formatter=errors.formatter(request_id),
        debug=False,
        logger=LOGGER,
        execution_context_class=query_limits.EntityCountingExecutor,
    )
    if context.refusals:
        result.pop("data", None)
    return result, 200


_ITEM = "id createdAt updatedAt lineNumber quantity unitPriceFloat extPriceFloat unitsOfMeasure"
_MONEY = "payments shippingCostFloat subtotal tax totalDue"
_SEEDED = {
    "invoice": (
        "query($id: ID!) { invoice(id: $id) { id createdAt updatedAt deletedAt title "
        f"invoiceNumber invoiceDate dueDate approvedAt paidAt category {_MONEY} "
        f"invoiceItems {{ {_ITEM} invoiceId description creditedQuantity }} }} }}"
    ),
    "creditMemo": (
        "query($id: ID!) { creditMemo(id: $id) { id createdAt updatedAt creditMemoNumber "
        f"invoiceId {_MONEY} creditMemoItems {{ {_ITEM} creditMemoId invoiceItemId }} }} }}"
    ),
}


def seeded_json(tenant_id: str, field: str, object_id: str) -> dict[str, Any]:
    """A seeded invoice or credit memo as Kojo's API shows it (for the control API's answer)."""
    context = views.Context(KojoBackend(current().store).book(tenant_id), errors.request_id())
    data = {"query": _SEEDED[field], "variables": {"id": object_id}}
    _, result = graphql_sync(_schema(), data, context_value=context, debug=False)
    found: dict[str, Any] = result["data"][field]
    return found


def explorer() -> HTMLResponse:
    return HTMLResponse(_explorer_html())
