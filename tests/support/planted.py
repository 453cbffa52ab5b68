"""Planted bugs: deliberate defects that prove the contract harness finds drift.

Test code only. The sandbox knows nothing of them: a behaviour bug is a stand-in for one of the
sandbox's classes or functions (a subclass that bends one rule, or a wrapper), passed to
``create_app`` through ``sandbox.seams``; a response bug rewrites a vendor's answers on the way
out, as a proxy in front of a drifted deployment would. ``sandbox_args(bugs)`` gives what
``EmbeddedSandbox`` takes to serve them. Each bug breaks one documented behaviour, and the test
suite proves that a named rule or check catches each one.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

JSON = dict[str, Any]

# behaviour bugs: name -> what goes wrong
BEHAVIOUR_BUGS = {
    "dayzero_over_apply_accepted": "apply ignores the memo's remaining credit",
    "dayzero_void_after_apply": "void is allowed while credit is applied",
    "dayzero_delete_issued": "delete is allowed on issued memos",
    "dayzero_unapply_keeps_invoice_due": "unapply leaves the invoice's amount due lowered",
    "dayzero_foreign_business_allowed": "a token may act on any business id",
    "dayzero_pagination_skips": "every page after the first drops its first memo",
    "count_over_apply_accepted": "credit beyond the invoice's open balance is applied",
    "count_recurring_memo_accepted": "a recurring template may be a credit memo",
    "count_ambiguous_uuid_served": "a duplicated UUID answers with one of its records",
    "count_remove_credit_unapplied_ok": "remove-credit of a memo never applied succeeds",
    "count_patch_after_approve": "an approved record can be patched",
    "count_send_draft": "a draft can be sent",
    "count_delete_approved": "an approved record can be deleted",
    "count_bad_signature_accepted": "any x-signature is accepted",
    "count_approve_twice": "an approved record can be approved again",
    "count_remove_credit_keeps_credit": "remove-credit answers the invoice and removes nothing",
    "count_total_records_off": "a list's totalRecords is one more than the records it matches",
    "count_partner_warnings_dropped": "a PATCH ignores managed fields without _partnerWarnings",
    "count_payments_beyond_transaction": "a transaction pays invoices more than its amount",
    "solvimon_credit_any_status": "an invoice that is not FINAL can be credited",
    "solvimon_over_credit": "earlier credits are not counted: an invoice can be credited twice",
    "solvimon_partial_credit_ignored": "a credit by periods credits everything creditable",
    "solvimon_permission_ignored": "a key without INVOICE.CREDIT.CREATE can credit",
    "solvimon_replay_runs_again": "a replayed Idempotency-Key credits again",
    "solvimon_key_reuse_accepted": "an Idempotency-Key reused with another body is run anew",
    "solvimon_credit_unlinked": "a credit invoice does not name its original",
    "kojo_limit_silently_cut": "a limit above 100 is cut to 100 instead of refused",
    "kojo_offset_ignored": "offset is ignored: every page starts at the first memo",
    "kojo_direction_ignored": "direction DESC lists in ascending order",
    "kojo_updated_after_ignored": "updatedAfter is ignored: every list is unfiltered",
    "kojo_any_token_accepted": "any Bearer token is accepted (as the demo tenant)",
    "kojo_total_due_ignores_payments": "totalDue leaves payments out",
    "kojo_line_numbers_from_zero": "lineNumber counts from 0",
    "kojo_nested_invoice_mismatch": "a credit memo's invoice is the tenant's first invoice",
}


def _dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _documents(keys: set[str], *lists: str) -> Callable[[Any], Iterator[JSON]]:
    """The documents of a body that have all of ``keys``: the body itself, and those in its
    ``lists``, however deep."""

    def found(body: Any) -> Iterator[JSON]:
        if isinstance(body, dict):
            if keys <= body.keys():
                yield body
            for key in lists:
                for item in body.get(key) or []:
                    yield from found(item)

    return found


_memos = _documents({"amount_remaining"}, "items", "credit_memos")
_invoices = _documents({"amount_due"}, "items")
_count_records = _documents({"invoiceType", "total", "status"}, "invoices")
_solvimon_invoices = _documents({"open_invoice_amount"}, "data")


def _first_applications(body: Any) -> Iterator[JSON]:
    for memo in _memos(body):
        yield from memo["applications"][:1]


def _cent_more(
    documents: Callable[[Any], Iterator[JSON]], cents: str, dollars: str
) -> Callable[[Any], None]:
    """A rewrite that adds a cent to ``cents`` in each of the documents, ``dollars`` following."""

    def rewrite(body: Any) -> None:
        for document in documents(body):
            document[cents] += 1
            document[dollars] = _dollars(document[cents])

    return rewrite


def _dollars_disagree(body: Any) -> None:
    for memo in _memos(body):
        memo["amount_in_dollars"] = _dollars(memo["amount"] + 100)


def _status_ignores_amounts(body: Any) -> None:
    for memo in _memos(body):
        if memo["status"] != "draft":
            applied_all = memo["amount_applied"] == memo["amount"]
            memo["status"] = "issued" if applied_all else "fully_applied"


def _issued_memos_deletable(body: Any) -> None:
    for memo in _memos(body):
        memo["can_be_deleted"] = memo["status"] != "draft"


def _has_applications_inverted(body: Any) -> None:
    for memo in _memos(body):
        memo["has_applications"] = not memo["applications"]


def _invoice_dollars_disagree(body: Any) -> None:
    for invoice in _invoices(body):
        invoice["total_in_dollars"] = _dollars(invoice["total"] + 1)


def _invoice_balance_off(body: Any) -> None:
    for invoice in _invoices(body):
        invoice["balance_due"] += 1


def _payments_overstated(body: Any) -> None:
    for invoice in _invoices(body):
        for payment in invoice["payments"][:1]:
            payment["amount"] += 1


def _wrapped_in_envelope(body: Any) -> None:
    """The rendered reference's envelope, where the default reading expects the bare body."""
    if isinstance(body, dict):
        resource = dict(body)
        body.clear()
        body.update({"success": True, "message": "OK", "code": "success", "data": resource})


def _required_field_missing(body: Any) -> None:
    for memo in _memos(body):
        memo.pop("reason_display", None)


def _count_open_balance_off(body: Any) -> None:
    for record in _count_records(body):
        if "openBalance" in record:
            record["openBalance"] = round(record["openBalance"] + 1, 2)


def _count_total_off(body: Any) -> None:
    """The total drifts from the lines; the balance follows the (wrong) total."""
    for record in _count_records(body):
        record["total"] = round(record["total"] + 1, 2)
        for balance in ("openBalance", "remainingCredit"):
            if balance in record:
                record[balance] = round(record[balance] + 1, 2)


def _count_status_ignores_draft(body: Any) -> None:
    for record in _count_records(body):
        if record["isDraft"]:
            record["status"] = "approved"


def _solvimon_open_amount_off(body: Any) -> None:
    for invoice in _solvimon_invoices(body):
        amount = invoice["open_invoice_amount"]
        amount["quantity"] = f"{float(amount['quantity']) + 1:.2f}"


def _solvimon_amounts_overprecise(body: Any) -> None:
    for invoice in _solvimon_invoices(body):
        amount = invoice["invoice_amount_including_tax"]
        amount["quantity"] = f"{float(amount['quantity']):.3f}"


def _kojo_ext_price_off(body: Any) -> None:
    if isinstance(body, dict):
        for key, value in body.items():
            if key == "extPriceFloat" and isinstance(value, int | float):
                body[key] = value + 1
            else:
                _kojo_ext_price_off(value)
    elif isinstance(body, list):
        for value in body:
            _kojo_ext_price_off(value)


def _kojo_error_without_request_id(body: Any) -> None:
    if isinstance(body, dict):
        for error in body.get("errors") or []:
            error.pop("requestId", None)


# response bugs on successful responses: name -> rewrite
RESPONSE_BUGS: dict[str, Callable[[Any], None]] = {
    "kojo_ext_price_off": _kojo_ext_price_off,
    "kojo_error_without_request_id": _kojo_error_without_request_id,
    "solvimon_open_amount_off": _solvimon_open_amount_off,
    "solvimon_amounts_overprecise": _solvimon_amounts_overprecise,
    "count_open_balance_off": _count_open_balance_off,
    "count_total_off": _count_total_off,
    "count_status_ignores_draft": _count_status_ignores_draft,
    "dayzero_remaining_off_by_one": _cent_more(
        _memos, "amount_remaining", "amount_remaining_in_dollars"
    ),
    "dayzero_dollars_disagree": _dollars_disagree,
    "dayzero_status_ignores_amounts": _status_ignores_amounts,
    "dayzero_issued_memos_deletable": _issued_memos_deletable,
    "dayzero_has_applications_inverted": _has_applications_inverted,
    "dayzero_applications_overstated": _cent_more(
        _first_applications, "amount_applied", "amount_applied_dollars"
    ),
    "dayzero_invoice_due_off_by_one": _cent_more(_invoices, "amount_due", "amount_due_in_dollars"),
    "dayzero_invoice_dollars_disagree": _invoice_dollars_disagree,
    "dayzero_invoice_balance_off_by_one": _invoice_balance_off,
    "dayzero_payments_overstated": _payments_overstated,
    "dayzero_required_field_missing": _required_field_missing,
    "dayzero_wrapped_in_envelope": _wrapped_in_envelope,
}
# a refusal in the wrong shape: {"error": ...} instead of DayZero's {"detail": ...}
WRONG_ERROR_BODY = "dayzero_wrong_error_body"
# Solvimon responses without their X-REQUEST-ID header
NO_REQUEST_ID = "solvimon_request_id_missing"

ALL_BUGS = frozenset({*BEHAVIOUR_BUGS, *RESPONSE_BUGS, WRONG_ERROR_BODY, NO_REQUEST_ID})


class ResponseBugs:
    """ASGI middleware around the whole app: rewrites vendor responses through the response bugs
    switched on."""

    def __init__(self, app: ASGIApp, bugs: frozenset[str]) -> None:
        self.app = app
        self.rewrites = {name: rewrite for name, rewrite in RESPONSE_BUGS.items() if name in bugs}
        self.wrong_errors = WRONG_ERROR_BODY in bugs
        self.no_request_id = NO_REQUEST_ID in bugs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(
            ("/dayzero/", "/count/", "/solvimon/", "/kojo/")
        ):
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def rewrite(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            vendor = scope["path"].split("/")[1]
            body = self._rewritten(vendor, start["status"], b"".join(chunks))
            dropped = {b"content-length"}
            if self.no_request_id and vendor == "solvimon":
                dropped.add(b"x-request-id")
            headers = [(k, v) for k, v in start["headers"] if k.lower() not in dropped]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, rewrite)

    def _rewritten(self, vendor: str, status: int, body: bytes) -> bytes:
        if not body:
            return body
        try:
            data = json.loads(body)
        except ValueError:
            return body  # not JSON (a downloaded file): left alone
        if 200 <= status < 300:
            for name, mutate in self.rewrites.items():
                if name.startswith(vendor + "_"):
                    mutate(data)
        elif self.wrong_errors and isinstance(data, dict) and "detail" in data:
            data = {"error": data["detail"]}
        return json.dumps(data).encode()


# behaviour bugs as stand-ins ------------------------------------------------------------------
# each: (the sandbox's class or function, how to make a stand-in of what stands there so far);
# several bugs on one original stack


def _subclass(name: str, **attributes: Any) -> Callable[[Any], Any]:
    return lambda base: type(name, (base,), attributes)


def _allowed_from(table: str, operation: str, *statuses: str) -> Callable[[Any], Any]:
    """A backend whose transition ``table`` lets ``operation`` run from ``statuses``."""

    def make(base: Any) -> Any:
        _, refusal = getattr(base, table)[operation]
        changed = {**getattr(base, table), operation: (frozenset(statuses), refusal)}
        return type(f"{operation.title()}Anything", (base,), {table: changed})

    return make


_DAYZERO_MEMO = ("draft", "issued", "partially_applied", "fully_applied")
_COUNT_RECORD = ("draft", "approved", "sent", "partial", "paid", "overdue")


def _dayzero_pages_skip(base: Any) -> Any:
    def _page(self: Any, documents: Any, listing: Any) -> Any:
        page = base._page(self, documents, listing)
        return dataclasses.replace(page, items=page.items[1:]) if listing.cursor else page

    return type("PagesSkip", (base,), {"_page": _page})


def _dayzero_unapply_keeps_due(base: Any) -> Any:
    return type("KeepsDue", (base,), {"_give_back": lambda self, *_: None})


def _dayzero_over_apply(base: Any) -> Any:
    return type("OverApply", (base,), {"credit_left": lambda self, memo: 10**12})


def _count_recurring_memo(base: Any) -> Any:
    def check_kind(self: Any, kind: str) -> None:
        base.check_kind(self, "invoice" if kind == "memo" else kind)

    return type("RecurringMemo", (base,), {"check_kind": check_kind})


def _count_total_records_off(base: Any) -> Any:
    def search(self: Any, ws: Any, query: Any, page: int, limit: int) -> Any:
        found = base.search(self, ws, query, page, limit)
        return dataclasses.replace(found, total=found.total + 1)

    return type("TotalOff", (base,), {"search": search})


def _count_partner_warnings_dropped(base: Any) -> Any:
    def update(self: Any, ws: Any, record_id: str, fields: Any) -> Any:
        return base.update(self, ws, record_id, fields)[0], []

    return type("NoWarnings", (base,), {"update": update})


def _count_spec_takes_memo_templates(served: Any) -> Any:
    def loosened(spec: Any, vendor: str, profile: Any) -> Any:
        found = served(spec, vendor, profile)
        if vendor == "count":
            kind = found["components"]["schemas"]["TemplateCreate"]["properties"]["invoiceType"]
            kind["enum"] = ["invoice", "estimate", "memo"]
        return found

    return loosened


def _solvimon_replay_runs_again(base: Any) -> Any:
    def replay(self: Any, stored: Any, idempotent: Any) -> Any:
        base.replay(self, stored, idempotent)  # a reused key is still refused
        return None

    return type("ReplayRunsAgain", (base,), {"replay": replay})


def _solvimon_key_reuse_accepted(base: Any) -> Any:
    def replay(self: Any, stored: Any, idempotent: Any) -> Any:
        if stored["fingerprint"] != idempotent.fingerprint:
            return None  # run anew
        return base.replay(self, stored, idempotent)

    return type("KeyReuseAccepted", (base,), {"replay": replay})


def _kojo_page(change: Callable[[dict[str, Any]], None]) -> Callable[[Any], Any]:
    def make(page: Any) -> Any:
        names = ("found", "limit", "offset", "order_by", "direction", "updated_after")

        def changed(info: Any, *args: Any) -> Any:
            given = dict(zip(names, args, strict=True))
            change(given)
            return page(info, *(given[name] for name in names))

        return changed

    return make


def _cut_limit(given: dict[str, Any]) -> None:
    if given["limit"] is not None and given["limit"] > 100:
        given["limit"] = 100


def _no_offset(given: dict[str, Any]) -> None:
    given["offset"] = 0


def _no_direction(given: dict[str, Any]) -> None:
    given["direction"] = None


def _no_updated_after(given: dict[str, Any]) -> None:
    given["updated_after"] = None


def _kojo_total_due_ignores_payments(money: Any) -> Any:
    def wrong(doc: Any) -> Any:
        found = money(doc)
        return {**found, "total_due": found["total_due"] + found["payments"]}

    return wrong


def _kojo_first_invoice(memo_invoice: Any) -> Any:
    return lambda book, memo: next(iter(book.invoices.values()), None)


def _kojo_lines_from_zero(line_number: Any) -> Any:
    return lambda ref: line_number(ref) - 1


def _kojo_any_token(tenant_of: Any) -> Any:
    return lambda tenants, token: tenant_of(tenants, token) or "demo"


def _stand_ins() -> dict[str, tuple[tuple[Any, Callable[[Any], Any]], ...]]:
    from sandbox.vendors.count import auth as count_auth
    from sandbox.vendors.count.invoices import InvoiceBackend as CountInvoices
    from sandbox.vendors.count.templates import TemplateBackend
    from sandbox.vendors.count.transactions import TransactionBackend
    from sandbox.vendors.dayzero import auth as dayzero_auth
    from sandbox.vendors.dayzero.models import DayZeroBackend
    from sandbox.vendors.kojo import auth as kojo_auth
    from sandbox.vendors.kojo import lifecycle as kojo_lifecycle
    from sandbox.vendors.kojo import views as kojo_views
    from sandbox.vendors.solvimon import auth as solvimon_auth
    from sandbox.vendors.solvimon.models import InvoiceBackend as SolvimonInvoices
    from specs.readings import served_spec

    def _nothing(*_: Any) -> None:
        return None

    return {
        "dayzero_over_apply_accepted": ((DayZeroBackend, _dayzero_over_apply),),
        "dayzero_void_after_apply": (
            (DayZeroBackend, _allowed_from("memo_transitions", "void", *_DAYZERO_MEMO)),
        ),
        "dayzero_delete_issued": (
            (DayZeroBackend, _allowed_from("memo_transitions", "delete", *_DAYZERO_MEMO, "void")),
        ),
        "dayzero_unapply_keeps_invoice_due": ((DayZeroBackend, _dayzero_unapply_keeps_due),),
        "dayzero_foreign_business_allowed": (
            (dayzero_auth.may_act_for, lambda _: lambda given, own: True),
        ),
        "dayzero_pagination_skips": ((DayZeroBackend, _dayzero_pages_skip),),
        "count_over_apply_accepted": (
            (CountInvoices, _subclass("OverApply", _over_open_balance=_nothing)),
        ),
        "count_payments_beyond_transaction": (
            (TransactionBackend, _subclass("OverAssign", _over_transaction=_nothing)),
        ),
        "count_recurring_memo_accepted": (
            (TemplateBackend, _count_recurring_memo),
            (served_spec, _count_spec_takes_memo_templates),
        ),
        "count_ambiguous_uuid_served": (
            (CountInvoices, _subclass("Ambiguous", _ambiguous=lambda self, _, found: found[0])),
        ),
        "count_remove_credit_unapplied_ok": (
            (
                CountInvoices,
                _subclass(
                    "RemovesNothing",
                    _nothing_to_remove=lambda self, db, ws, invoice: self.view(db, ws, invoice),
                ),
            ),
        ),
        "count_patch_after_approve": (
            (CountInvoices, _allowed_from("transitions", "update", *_COUNT_RECORD)),
        ),
        "count_send_draft": (
            (CountInvoices, _allowed_from("transitions", "send", *_COUNT_RECORD)),
        ),
        "count_delete_approved": (
            (CountInvoices, _allowed_from("transitions", "delete", *_COUNT_RECORD)),
        ),
        "count_bad_signature_accepted": ((count_auth.refuse_signature, lambda _: _nothing),),
        "count_approve_twice": (
            (CountInvoices, _allowed_from("transitions", "approve", *_COUNT_RECORD)),
        ),
        "count_remove_credit_keeps_credit": (
            (
                CountInvoices,
                _subclass(
                    "KeepsCredit", remove_credit=lambda self, ws, invoice, _: self.get(ws, invoice)
                ),
            ),
        ),
        "count_total_records_off": ((CountInvoices, _count_total_records_off),),
        "count_partner_warnings_dropped": ((CountInvoices, _count_partner_warnings_dropped),),
        "solvimon_credit_any_status": (
            (SolvimonInvoices, _subclass("AnyStatus", require_creditable=_nothing)),
        ),
        "solvimon_over_credit": (
            (SolvimonInvoices, _subclass("OverCredit", credited=lambda *_: {})),
        ),
        "solvimon_partial_credit_ignored": (
            (SolvimonInvoices, _subclass("Everything", asked=lambda *_: {})),
        ),
        "solvimon_permission_ignored": (
            (solvimon_auth.granted, lambda _: lambda permissions, any_of: True),
        ),
        "solvimon_replay_runs_again": ((SolvimonInvoices, _solvimon_replay_runs_again),),
        "solvimon_key_reuse_accepted": ((SolvimonInvoices, _solvimon_key_reuse_accepted),),
        "solvimon_credit_unlinked": (
            (SolvimonInvoices, _subclass("Unlinked", credit_details=lambda *_: None)),
        ),
        "kojo_limit_silently_cut": ((kojo_views.page, _kojo_page(_cut_limit)),),
        "kojo_offset_ignored": ((kojo_views.page, _kojo_page(_no_offset)),),
        "kojo_direction_ignored": ((kojo_views.page, _kojo_page(_no_direction)),),
        "kojo_updated_after_ignored": ((kojo_views.page, _kojo_page(_no_updated_after)),),
        "kojo_any_token_accepted": ((kojo_auth.tenant_of, _kojo_any_token),),
        "kojo_total_due_ignores_payments": (
            (kojo_lifecycle.money_fields, _kojo_total_due_ignores_payments),
        ),
        "kojo_line_numbers_from_zero": ((kojo_views.line_number, _kojo_lines_from_zero),),
        "kojo_nested_invoice_mismatch": ((kojo_views.memo_invoice, _kojo_first_invoice),),
    }


def sandbox_args(bugs: Iterable[str]) -> dict[str, Any]:
    """What ``EmbeddedSandbox`` (or ``create_app``'s ``stand_ins``) takes to serve ``bugs``."""
    names = frozenset(bugs)
    unknown = names - ALL_BUGS
    if unknown:
        raise ValueError(f"unknown planted bugs: {', '.join(sorted(unknown))}")
    stand_ins: dict[Any, Any] = {}
    for name, changes in _stand_ins().items():
        if name in names:
            for original, make in changes:
                stand_ins[original] = make(stand_ins.get(original, original))
    responses = names - set(BEHAVIOUR_BUGS)
    args: dict[str, Any] = {"stand_ins": stand_ins}
    if responses:
        args["wrap"] = lambda app: ResponseBugs(app, responses)
    return args
