"""Solvimon's state and operations: invoices seeded, read, listed, credited, credited and copied;
one-off invoices and one-off credit invoices created; credit invoices refunded.

Every invoice belongs to one platform of the tenant; a caller acting on another platform does
not see it (404). A credit is a new invoice whose lines mirror the original's period, group and
line orders with negative amounts; the two invoices are linked both ways in the same
transaction, and what the original still has to credit is derived from its linked credit
invoices, so nothing can be credited twice.

An idempotent POST stores its response in the same transaction as the change it made: a replay
answers that stored response and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tinydb import Query

from sandbox import clock
from sandbox.idempotency import expired
from sandbox.store import Database, Store
from sandbox.vendors.solvimon import errors, lifecycle, views
from sandbox.vendors.solvimon.amounts import to_minor
from sandbox.vendors.solvimon.credit_plan import CreditPlanner, Plan
from sandbox.vendors.solvimon.ids import random_id
from sandbox.vendors.solvimon.scope import Caller

INVOICES = "solvimon_invoices"
IDEMPOTENCY = "solvimon_idempotency"
COUNTERS = "solvimon_counters"
KEEP_KEYS = timedelta(hours=48)
HOUR = timedelta(hours=1)
NUMBER_PREFIX = {"STANDARD": "INV", "ONE_OFF": "INV", "CREDIT": "CR", "ONE_OFF_CREDIT": "CR"}

Json = dict[str, Any]


def stamp() -> str:
    """Solvimon's timestamps: ISO 8601 in whole seconds (it refuses milliseconds)."""
    return clock.now().replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass(frozen=True)
class IdempotentRequest:
    key: str
    fingerprint: str


@dataclass(frozen=True)
class Listing:
    order_by: str = "created_at"
    direction: str = "desc"
    include_periods: bool = False
    include_lines: bool = False


class InvoiceBackend:
    """Solvimon's invoices and their credits. The crediting rules are small methods, so that a
    subclass can change one as a drifted deployment would (the tests' ``sandbox.seams``
    stand-ins)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # seeding (control API) ------------------------------------------------------------------

    def seed(self, tenant_id: str, platform_id: str, fields: Mapping[str, Any]) -> Json:
        """An invoice as the sandbox's control API describes it (amounts as decimal strings)."""
        currency = fields.get("currency") or "EUR"
        now = stamp()
        status = fields.get("status") or "FINAL"
        grace = timedelta(hours=fields.get("grace_period_hours", lifecycle.GRACE_PERIOD / HOUR))
        finalise_at = lifecycle.finalise_at(clock.now(), grace) if status == "DRAFT" else None
        periods = [
            self._seeded_period(number, period, currency)
            for number, period in enumerate(fields["periods"], start=1)
        ]
        with self._store.transaction(tenant_id) as db:
            kind = fields.get("type") or "STANDARD"
            invoice: Json = {
                "id": random_id("invo"),
                "platform_id": platform_id,
                "invoice_number": fields.get("invoice_number")
                or self._number(db, platform_id, kind),
                "type": kind,
                "status": status,
                "on_hold": bool(fields.get("on_hold", False)),
                "currency": currency,
                "customer_id": fields.get("customer_id") or random_id("cust"),
                "invoice_date": fields.get("invoice_date") or now,
                "due_date": fields.get("due_date"),
                "delivery_date": None,
                "created_at": now,
                "updated_at": now,
                "updated_to_final_at": now if status == "FINAL" else None,
                "finalise_at": finalise_at,
                "paid": to_minor(fields.get("paid") or "0", currency),
                "notes": list(fields.get("notes") or []),
                "periods": periods,
                "credit": None,
                "links": [],
            }
            db.table(INVOICES).insert(invoice)
            return views.invoice_json(lifecycle.as_of(invoice, now), {invoice["id"]: invoice})

    def _seeded_period(self, number: int, period: Mapping[str, Any], currency: str) -> Json:
        return {
            "period_order": number,
            "start_at": period.get("start_at") or stamp(),
            "end_at": period.get("end_at") or stamp(),
            "groups": [
                {
                    "group_order": group_number,
                    "description": group.get("description"),
                    "start_at": period.get("start_at"),
                    "end_at": period.get("end_at"),
                    "lines": [
                        {
                            "id": random_id("invl"),
                            "line_order": line_number,
                            "description": line.get("description"),
                            "amount": to_minor(line["amount"], currency),
                        }
                        for line_number, line in enumerate(group["lines"], start=1)
                    ],
                }
                for group_number, group in enumerate(period["groups"], start=1)
            ],
        }

    # reading --------------------------------------------------------------------------------

    def get(self, caller: Caller, invoice_id: str) -> Json:
        with self._store.transaction(caller.tenant_id) as db:
            book = _book(db, caller.platform_id)
            return views.invoice_json(_find(book, invoice_id), book)

    def search(
        self, caller: Caller, filters: Mapping[str, Any], listing: Listing, page: int, limit: int
    ) -> tuple[list[Json], int]:
        with self._store.transaction(caller.tenant_id) as db:
            book = _book(db, caller.platform_id)
            # ties (same second, same number) keep the order of creation
            found = [
                (position, invoice)
                for position, invoice in enumerate(book.values())
                if _matches(invoice, book, filters)
            ]
            found.sort(
                key=lambda entry: (_sort_value(entry[1], listing.order_by), entry[0]),
                reverse=listing.direction == "desc",
            )
            start = (page - 1) * limit
            items = [
                views.invoice_json(
                    invoice,
                    book,
                    include_periods=listing.include_periods,
                    include_lines=listing.include_lines,
                )
                for _, invoice in found[start : start + limit]
            ]
            return items, len(found)

    # one-off invoices -----------------------------------------------------------------------

    def create(
        self, caller: Caller, request: Mapping[str, Any], idempotent: IdempotentRequest | None
    ) -> tuple[Json, bool]:
        """A ONE_OFF or ONE_OFF_CREDIT invoice's JSON, and whether it is a replay."""

        def run(db: Database) -> Json:
            book = _book(db, caller.platform_id)
            return views.invoice_json(self._one_off(db, book, caller, request), book)

        return self._idempotently(caller, idempotent, run)

    def _one_off(
        self, db: Database, book: dict[str, Json], caller: Caller, request: Mapping[str, Any]
    ) -> Json:
        """A one-off invoice, DRAFT and on hold as Solvimon makes them, without lines (the
        sandbox does not serve add-line yet); a ONE_OFF_CREDIT is linked both ways to the
        originals it names, as a credit made by the credit action is to its one."""
        kind = request["type"]
        lifecycle.require_one_off(kind)
        customer_id, reference = request.get("customer_id"), request.get("customer_reference")
        if not customer_id and not reference:
            raise errors.InvalidField(errors.NO_CUSTOMER, code="MISSING_FIELD", field="customer_id")
        originals = self.originals(book, kind, request.get("linked_invoices_ids") or [])
        currency = request.get("billing_currency") or (
            originals[0]["currency"] if originals else "EUR"
        )
        for index, original in enumerate(originals):
            if original["currency"] != currency:
                field = "billing_currency" if request.get("billing_currency") else None
                raise errors.InvalidField(
                    errors.CURRENCIES_DIFFER.format(currency=currency, other=original["currency"]),
                    field=field or f"linked_invoices_ids.{index}",
                )
        notes = list(request.get("notes") or [])
        now = stamp()
        invoice: Json = {
            "id": random_id("invo"),
            "platform_id": caller.platform_id,
            "invoice_number": self._number(db, caller.platform_id, kind),
            "type": kind,
            "status": "DRAFT",
            "on_hold": True,
            "currency": currency,
            "customer_id": customer_id or None,
            "customer_reference": reference,
            "purchase_order_number": request.get("purchase_order_number"),
            "invoice_date": now,
            "due_date": None,
            "delivery_date": None,
            "created_at": now,
            "updated_at": now,
            "updated_to_final_at": None,
            "finalise_at": lifecycle.finalise_at(clock.now()),
            "paid": 0,
            "notes": notes,
            "periods": [],
            "credit": (
                self.credit_details(originals[0], {"note": notes[0] if notes else None})
                if originals
                else None
            ),
            "links": [
                {"id": original["id"], "link_type": lifecycle.ORIGINAL_INVOICE}
                for original in originals
            ],
            "refunded_at": None,
        }
        db.table(INVOICES).insert(invoice)
        book[invoice["id"]] = invoice
        for original in originals:
            _link(db, book, original, invoice["id"], lifecycle.CREDIT_INVOICE)
        return invoice

    def originals(self, book: dict[str, Json], kind: str, ids: list[str]) -> list[Json]:
        """The invoices ``linked_invoices_ids`` names: only a ONE_OFF_CREDIT names any (ours: it
        must name one), each an invoice of the platform that can be credited."""
        if ids and kind != "ONE_OFF_CREDIT":
            raise errors.InvalidField(errors.LINKS_ONLY_ONE_OFF_CREDIT, field="linked_invoices_ids")
        if kind == "ONE_OFF_CREDIT" and not ids:
            raise errors.InvalidField(
                errors.NO_ORIGINALS, code="MISSING_FIELD", field="linked_invoices_ids"
            )
        found: list[Json] = []
        for index, invoice_id in enumerate(ids):
            original = book.get(invoice_id)
            if original is None:
                raise errors.LinkedInvoiceNotFound(invoice_id[:256], f"linked_invoices_ids.{index}")
            if any(seen["id"] == invoice_id for seen in found):
                raise errors.InvalidField(
                    errors.LINKED_TWICE.format(id=invoice_id[:256]),
                    field=f"linked_invoices_ids.{index}",
                )
            self.require_creditable(original)
            found.append(original)
        return found

    # refunds --------------------------------------------------------------------------------

    def refund(
        self, caller: Caller, invoice_id: str, idempotent: IdempotentRequest | None
    ) -> tuple[Json, bool]:
        """The refunded credit invoice's JSON, and whether it is a replay. The sandbox models no
        payments: the refund is recorded as the credit invoice's ``refunded_at`` (ours)."""

        def run(db: Database, book: dict[str, Json], invoice: Json) -> Json:
            self.require_refundable(invoice)
            now = stamp()
            changes = {"refunded_at": now, "updated_at": now}
            db.table(INVOICES).update(changes, Query().id == invoice["id"])
            invoice.update(changes)
            return views.invoice_json(invoice, book)

        return self._on_original(caller, invoice_id, idempotent, run)

    def require_refundable(self, invoice: Json) -> None:
        """Only a credit invoice that was not refunded yet can be refunded."""
        lifecycle.require_refundable(invoice)

    # crediting ------------------------------------------------------------------------------

    def credit(
        self,
        caller: Caller,
        invoice_id: str,
        request: Mapping[str, Any],
        idempotent: IdempotentRequest | None,
    ) -> tuple[Json, bool]:
        """The credit invoice's JSON, and whether it is a replay of an earlier response."""

        def run(db: Database, book: dict[str, Json], original: Json) -> Json:
            return views.invoice_json(self._credit(db, book, original, request), book)

        return self._on_original(caller, invoice_id, idempotent, run)

    def credit_and_copy(
        self,
        caller: Caller,
        invoice_id: str,
        request: Mapping[str, Any],
        idempotent: IdempotentRequest | None,
    ) -> tuple[Json, bool]:
        # Its body has none of a credit's fields but the details source: it credits everything
        # left. Other fields are unknown to it, and are ignored as any such is.
        credit_request = {"credit_details_source": request.get("credit_details_source")}

        def run(db: Database, book: dict[str, Json], original: Json) -> Json:
            credit = self._credit(db, book, original, credit_request)
            if request.get("update_credit_invoice_to_final"):
                _finalise(db, credit)
            copy = self._copy(db, original, final=bool(request.get("update_new_invoice_to_final")))
            return {
                "original_invoice_id": original["id"],
                "credit_invoice_id": credit["id"],
                "new_invoice_id": copy["id"],
            }

        return self._on_original(caller, invoice_id, idempotent, run)

    def _on_original(
        self,
        caller: Caller,
        invoice_id: str,
        idempotent: IdempotentRequest | None,
        act: Callable[[Database, dict[str, Json], Json], Json],
    ) -> tuple[Json, bool]:
        """``act`` on the invoice the path names (to credit, or to refund), found among the
        caller's platform's invoices (the book, which ``act`` may add to) or a 404, at most once
        per Idempotency-Key: what the crediting operations and the refund share."""

        def run(db: Database) -> Json:
            book = _book(db, caller.platform_id)
            return act(db, book, _find(book, invoice_id))

        return self._idempotently(caller, idempotent, run)

    def _credit(
        self,
        db: Database,
        book: dict[str, Json],
        original: Json,
        request: Mapping[str, Any],
    ) -> Json:
        self.require_creditable(original)
        creditable = lifecycle.creditable_by_line(original, self.credited(original, book))
        plan = CreditPlanner(original, creditable).plan(self.asked(request))
        now = stamp()
        credit: Json = {
            "id": random_id("invo"),
            "platform_id": original["platform_id"],
            "invoice_number": self._number(
                db, original["platform_id"], lifecycle.CREDIT_TYPE[original["type"]]
            ),
            "type": lifecycle.CREDIT_TYPE[original["type"]],
            "status": "DRAFT",
            "on_hold": bool(request.get("force_init_on_hold")),
            "currency": original["currency"],
            "customer_id": original.get("customer_id"),
            "invoice_date": now,
            "due_date": None,
            "delivery_date": request.get("delivery_date"),
            "created_at": now,
            "updated_at": now,
            "updated_to_final_at": None,
            "finalise_at": lifecycle.finalise_at(clock.now()),
            "paid": 0,
            "notes": [request["note"]] if request.get("note") else [],
            "periods": _credit_periods(original, plan),
            "credit": self.credit_details(original, request),
            "links": [{"id": original["id"], "link_type": lifecycle.ORIGINAL_INVOICE}],
        }
        db.table(INVOICES).insert(credit)
        book[credit["id"]] = credit
        _link(db, book, original, credit["id"], lifecycle.CREDIT_INVOICE)
        return credit

    def require_creditable(self, original: Json) -> None:
        """Only a FINAL invoice that is not itself a credit can be credited."""
        lifecycle.require("credit", original)

    def credited(self, original: Json, book: dict[str, Json]) -> dict[Any, int]:
        """What earlier credits took from each of the original's lines."""
        return lifecycle.credited_by_line(views.credits_of(original, book))

    def asked(self, request: Mapping[str, Any]) -> dict[str, Any]:
        """The periods (or deprecated groups) the request credits; none: everything left."""
        return {k: v for k, v in request.items() if k in ("periods", "groups")}

    def credit_details(self, original: Json, request: Mapping[str, Any]) -> Json | None:
        """The credit invoice's ``credit`` object: which invoice it credits, and why."""
        return {
            "original_invoice_id": original["id"],
            "original_invoice_number": original["invoice_number"],
            "note": request.get("note"),
            "credit_details_source": request.get("credit_details_source") or "CURRENT",
        }

    def _copy(self, db: Database, original: Json, final: bool) -> Json:
        now = stamp()
        copy: Json = {
            **original,
            "id": random_id("invo"),
            "invoice_number": self._number(db, original["platform_id"], original["type"]),
            "status": "FINAL" if final else "DRAFT",
            "on_hold": False,
            "created_at": now,
            "updated_at": now,
            "updated_to_final_at": now if final else None,
            "finalise_at": None if final else lifecycle.finalise_at(clock.now()),
            "paid": 0,
            "periods": _renumbered_lines(original["periods"]),
            "credit": None,
            "links": [{"id": original["id"], "link_type": lifecycle.COPIED_FROM}],
        }
        db.table(INVOICES).insert(copy)
        _link(db, {original["id"]: original}, original, copy["id"], lifecycle.COPY)
        return copy

    # idempotency ----------------------------------------------------------------------------

    def replay(self, stored: Json, idempotent: IdempotentRequest) -> Json | None:
        """The stored answer to a request sent again with its Idempotency-Key; the same key with
        another body is refused (422). ``None`` would run the request anew: the sandbox never
        answers it, a stand-in for a drifted deployment may."""
        if stored["fingerprint"] != idempotent.fingerprint:
            raise errors.IdempotencyKeyReused()
        response: Json = stored["response"]
        return response

    def _idempotently(
        self, caller: Caller, idempotent: IdempotentRequest | None, run: Callable[[Database], Json]
    ) -> tuple[Json, bool]:
        with self._store.transaction(caller.tenant_id) as db:
            if idempotent is None:
                return run(db), False
            table = db.table(IDEMPOTENCY)
            where = (Query().platform_id == caller.platform_id) & (Query().key == idempotent.key)
            stored = table.get(where)
            if isinstance(stored, dict) and not expired(
                stored["stored_at"], clock.now(), KEEP_KEYS
            ):
                replayed = self.replay(stored, idempotent)
                if replayed is not None:
                    return replayed, True
            table.remove(where)
            response = run(db)
            table.insert(
                {
                    "platform_id": caller.platform_id,
                    "key": idempotent.key,
                    "fingerprint": idempotent.fingerprint,
                    "response": response,
                    "stored_at": clock.timestamp(),
                }
            )
            return response, False

    def _number(self, db: Database, platform_id: str, kind: str) -> str:
        prefix = NUMBER_PREFIX[kind]
        counters = db.table(COUNTERS)
        where = (Query().platform_id == platform_id) & (Query().prefix == prefix)
        found = counters.get(where)
        number = found["next"] if isinstance(found, dict) else 1
        if isinstance(found, dict):
            counters.update({"next": number + 1}, where)
        else:
            counters.insert({"platform_id": platform_id, "prefix": prefix, "next": number + 1})
        return f"{prefix}-{number:06d}"


# helpers ----------------------------------------------------------------------------------------


def _sort_value(invoice: Json, order_by: str) -> Any:
    """What ``order_by`` sorts on; the amount including tax is an invoice's lines summed. A
    value an invoice lacks (no due date) sorts before every other."""
    if order_by == "invoice_amount_including_tax":
        return (1, lifecycle.total(invoice))
    value = invoice.get(order_by)
    return (0, "") if value is None else (1, value)


def _book(db: Database, platform_id: str) -> dict[str, Json]:
    """Every invoice of the platform by id, as it stands now (drafts past their grace period
    are FINAL)."""
    now = stamp()
    return {
        invoice["id"]: lifecycle.as_of(invoice, now)
        for invoice in db.table(INVOICES).search(Query().platform_id == platform_id)
    }


def _find(book: Mapping[str, Json], invoice_id: str) -> Json:
    invoice = book.get(invoice_id)
    if invoice is None:
        raise errors.InvoiceNotFound(invoice_id[:256])
    return invoice


def _link(
    db: Database, book: dict[str, Json], invoice: Json, other_id: str, link_type: str
) -> None:
    links = [*invoice.get("links", []), {"id": other_id, "link_type": link_type}]
    db.table(INVOICES).update({"links": links, "updated_at": stamp()}, Query().id == invoice["id"])
    invoice["links"] = links
    book[invoice["id"]] = invoice


def _finalise(db: Database, invoice: Json) -> None:
    now = stamp()
    changes = {
        "status": "FINAL",
        "updated_to_final_at": now,
        "updated_at": now,
        "finalise_at": None,
    }
    db.table(INVOICES).update(changes, Query().id == invoice["id"])
    invoice.update(changes)


def _credit_periods(original: Mapping[str, Any], plan: Plan) -> list[Json]:
    """The original's periods, groups and lines that the plan credits, with negative amounts."""
    periods = []
    for period in original["periods"]:
        groups = []
        for group in period["groups"]:
            lines = [
                {
                    "id": random_id("invl"),
                    "line_order": line["line_order"],
                    "description": line.get("description"),
                    "amount": -plan[key],
                }
                for line in group["lines"]
                if (key := (period["period_order"], group["group_order"], line["line_order"]))
                in plan
            ]
            if lines:
                groups.append({**group, "lines": lines})
        if groups:
            periods.append({**period, "groups": groups})
    return periods


def _renumbered_lines(periods: list[Json]) -> list[Json]:
    """A copy's periods: the same orders and amounts, new line ids."""
    return [
        {
            **period,
            "groups": [
                {**group, "lines": [{**line, "id": random_id("invl")} for line in group["lines"]]}
                for group in period["groups"]
            ],
        }
        for period in periods
    ]


def _matches(invoice: Mapping[str, Any], book: views.Book, filters: Mapping[str, Any]) -> bool:
    if filters.get("customer_id") and invoice.get("customer_id") != filters["customer_id"]:
        return False
    if filters.get("statuses") and invoice["status"] not in filters["statuses"]:
        return False
    if filters.get("on_hold") is not None and invoice["on_hold"] != filters["on_hold"]:
        return False
    if filters.get("paid") is not None:
        status = lifecycle.payment_status(invoice, views.credited_total(invoice, book))
        if (status in ("PAID", "OVERPAID")) != filters["paid"]:
            return False
    window = filters.get("invoice_date")
    if window is not None:
        start, end = window
        day = invoice["invoice_date"]
        if (start and day < start) or (end and day > end):
            return False
    return True
