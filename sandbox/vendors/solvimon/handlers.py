"""Solvimon's HTTP handlers, one per ``operationId`` of specs/solvimon.yaml: parse, call, shape."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from connexion import request

from sandbox.idempotency import AlreadyInFlight, fingerprint
from sandbox.runtime import current, reading
from sandbox.vendors.solvimon import errors, views
from sandbox.vendors.solvimon.auth import CREDIT, ONE_OFF_CREATE, REFUND, VIEW, caller
from sandbox.vendors.solvimon.models import IdempotentRequest, InvoiceBackend, Listing
from sandbox.vendors.solvimon.scope import Caller

Response = tuple[Any, int] | tuple[Any, int, dict[str, str]]
REPLAYED = {"Idempotent-Replayed": "true"}


def _backend() -> InvoiceBackend:
    return current().seams.of(InvoiceBackend)(current().store)


def list_invoices(
    version: str,
    page: int = 1,
    limit: int = 50,
    order_by: str = "created_at",
    order_direction: str = "desc",
    include_periods: bool = False,
    include_lines: bool = False,
    **filters: Any,
) -> Response:
    who = caller(VIEW)
    wanted = {
        "customer_id": filters.get("customer_id"),
        "statuses": filters.get("statuses") or filters.get("statuses[]"),
        "paid": filters.get("paid"),
        "on_hold": filters.get("on_hold"),
        "invoice_date": _date_window(filters.get("invoice_date")),
    }
    listing = Listing(order_by, order_direction, include_periods, include_lines)
    items, total = _backend().search(who, wanted, listing, page, limit)
    return views.page_json(items, total, page, limit, request.url), 200


def get_invoice(version: str, resourceId: str) -> Response:
    return _backend().get(caller(VIEW), resourceId), 200


def create_invoice(version: str, body: dict[str, Any]) -> Response:
    """A ONE_OFF or ONE_OFF_CREDIT invoice (Solvimon's one permission for both)."""
    who = caller(ONE_OFF_CREATE)
    return _idempotent(who, body, lambda key: _backend().create(who, body, key))


def refund_invoice(version: str, resourceId: str) -> Response:
    """Refund a credit invoice; the operation has no body, so a key replays on the path alone."""
    who = caller(REFUND)
    return _idempotent(who, {}, lambda key: _backend().refund(who, resourceId, key))


def credit_invoice(version: str, resourceId: str, body: dict[str, Any]) -> Response:
    who = caller(CREDIT)
    request = _credit_request(body)
    return _idempotent(who, body, lambda key: _backend().credit(who, resourceId, request, key))


def _credit_request(body: dict[str, Any]) -> dict[str, Any]:
    """The credit body in the request's reading of ``solvimon.on-hold-field``: the on-hold flag
    is ``force_init_on_hold`` (Solvimon's schema) or ``forceInitOnHold`` (its reference page);
    the other spelling is a field the schema does not know, and is ignored as any such is."""
    named = (
        "forceInitOnHold"
        if reading("solvimon.on-hold-field") == "reference-page"
        else "force_init_on_hold"
    )
    known = {k: v for k, v in body.items() if k not in ("force_init_on_hold", "forceInitOnHold")}
    return {**known, "force_init_on_hold": body.get(named)}


def credit_and_copy_invoice(
    version: str,
    resourceId: str,
    body: dict[str, Any] | None = None,
) -> Response:
    who = caller(CREDIT, ONE_OFF_CREATE)
    given = body or {}
    return _idempotent(
        who, given, lambda key: _backend().credit_and_copy(who, resourceId, given, key)
    )


def _idempotent(who: Caller, body: Any, run: Any) -> Response:
    """Run a POST under its ``Idempotency-Key``, if it has one; a replay says so."""
    key = request.headers.get("Idempotency-Key")
    if not key:
        response, _ = run(None)
        return response, 200
    held = (who.tenant_id, who.platform_id, key)
    try:
        with current().in_flight.hold(held):
            idempotent = IdempotentRequest(key, fingerprint("POST", request.url.path, body))
            response, replayed = run(idempotent)
    except AlreadyInFlight:
        raise errors.IdempotencyKeyInFlight() from None
    return (response, 200, REPLAYED) if replayed else (response, 200)


def _date_window(value: str | None) -> tuple[str | None, str | None] | None:
    """``2026-03-01`` or ``[from,to]`` → UTC timestamps to compare stored ones with."""
    if not value:
        return None
    if value.startswith("["):
        start, end = value[1:-1].split(",", 1)
        return _moment(start, start_of_day=True), _moment(end, start_of_day=False)
    return _moment(value, start_of_day=True), _moment(value, start_of_day=False)


def _moment(text: str, *, start_of_day: bool) -> str | None:
    if not text:
        return None
    try:
        if "T" in text:
            local = datetime.fromisoformat(text.replace("Z", "+00:00"))
            try:
                moment = local.astimezone(UTC)
            except OverflowError:  # within a day of year 1 or 9999: the ends of time in UTC
                moment = datetime.min if local.year == 1 else datetime.max
                moment = moment.replace(tzinfo=UTC)
        else:
            day = datetime.fromisoformat(text).date()
            moment = datetime.combine(day, time.min if start_of_day else time.max, UTC)
    except ValueError:
        raise errors.InvalidField(
            f"invoice_date: {text!r} is not a date", field="invoice_date"
        ) from None
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")
