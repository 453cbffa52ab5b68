"""Planted bugs: switchable, deliberate defects that prove the contract harness finds drift.

Test-only. Never on by default: a bug is on only when named in ``create_app(planted_bugs=...)``
(or ``creditbox serve --planted-bug NAME``, a flag left out of ``--help``), and the server says so
at start-up. Each bug breaks one documented behaviour, and the test suite proves that a named
rule or check catches each one.

Two kinds:

- *behaviour* bugs change what a vendor backend does (it asks :meth:`PlantedBugs.on`);
- *response* bugs rewrite a vendor's JSON (or headers) on the way out (:class:`ResponseBugs`).
"""

from __future__ import annotations

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
    "count_bad_signature_accepted": "any x-signature is accepted",
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
    "kojo_any_token_accepted": "any Bearer token is accepted (as the demo tenant)",
    "kojo_total_due_ignores_payments": "totalDue leaves payments out",
    "kojo_line_numbers_from_zero": "lineNumber counts from 0",
    "kojo_nested_invoice_mismatch": "a credit memo's invoice is the tenant's first invoice",
}


def _dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _memos(body: Any) -> Iterator[JSON]:
    if isinstance(body, dict):
        if "amount_remaining" in body:
            yield body
        for key in ("items", "credit_memos"):
            for item in body.get(key) or []:
                yield from _memos(item)


def _invoices(body: Any) -> Iterator[JSON]:
    if isinstance(body, dict):
        if "amount_due" in body:
            yield body
        for item in body.get("items") or []:
            yield from _invoices(item)


def _remaining_off_by_one(body: Any) -> None:
    for memo in _memos(body):
        memo["amount_remaining"] += 1
        memo["amount_remaining_in_dollars"] = _dollars(memo["amount_remaining"])


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


def _applications_overstated(body: Any) -> None:
    for memo in _memos(body):
        for application in memo["applications"][:1]:
            application["amount_applied"] += 1
            application["amount_applied_dollars"] = _dollars(application["amount_applied"])


def _invoice_due_off_by_one(body: Any) -> None:
    for invoice in _invoices(body):
        invoice["amount_due"] += 1
        invoice["amount_due_in_dollars"] = _dollars(invoice["amount_due"])


def _invoice_dollars_disagree(body: Any) -> None:
    for invoice in _invoices(body):
        invoice["total_in_dollars"] = _dollars(invoice["total"] + 1)


def _wrapped_in_envelope(body: Any) -> None:
    """The rendered reference's envelope, where the default reading expects the bare body."""
    if isinstance(body, dict):
        resource = dict(body)
        body.clear()
        body.update({"success": True, "message": "OK", "code": "success", "data": resource})


def _required_field_missing(body: Any) -> None:
    for memo in _memos(body):
        memo.pop("reason_display", None)


def _count_records(body: Any) -> Iterator[JSON]:
    if isinstance(body, dict):
        if "invoiceType" in body and "total" in body and "status" in body:
            yield body
        for item in body.get("invoices") or []:
            yield from _count_records(item)


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


def _solvimon_invoices(body: Any) -> Iterator[JSON]:
    if isinstance(body, dict):
        if "open_invoice_amount" in body:
            yield body
        for item in body.get("data") or []:
            yield from _solvimon_invoices(item)


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
    "dayzero_remaining_off_by_one": _remaining_off_by_one,
    "dayzero_dollars_disagree": _dollars_disagree,
    "dayzero_status_ignores_amounts": _status_ignores_amounts,
    "dayzero_issued_memos_deletable": _issued_memos_deletable,
    "dayzero_has_applications_inverted": _has_applications_inverted,
    "dayzero_applications_overstated": _applications_overstated,
    "dayzero_invoice_due_off_by_one": _invoice_due_off_by_one,
    "dayzero_invoice_dollars_disagree": _invoice_dollars_disagree,
    "dayzero_required_field_missing": _required_field_missing,
    "dayzero_wrapped_in_envelope": _wrapped_in_envelope,
}
# a refusal in the wrong shape: {"error": ...} instead of DayZero's {"detail": ...}
WRONG_ERROR_BODY = "dayzero_wrong_error_body"
# Solvimon responses without their X-REQUEST-ID header
NO_REQUEST_ID = "solvimon_request_id_missing"

ALL_BUGS = frozenset({*BEHAVIOUR_BUGS, *RESPONSE_BUGS, WRONG_ERROR_BODY, NO_REQUEST_ID})


def _templates_take_any_kind(spec: dict[str, Any]) -> None:
    kind = spec["components"]["schemas"]["TemplateCreate"]["properties"]["invoiceType"]
    kind["enum"] = ["invoice", "estimate", "memo"]


# behaviour bugs whose refusal the spec states too: how each loosens its vendor's spec
SPEC_LOOSENINGS: dict[str, tuple[tuple[str, Callable[[dict[str, Any]], None]], ...]] = {
    "count_recurring_memo_accepted": (("count", _templates_take_any_kind),),
}


class PlantedBugs:
    """The bugs switched on for one app. Empty, and so harmless, unless a test asks."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = frozenset(names)
        unknown = self.names - ALL_BUGS
        if unknown:
            raise ValueError(f"unknown planted bugs: {', '.join(sorted(unknown))}")

    def on(self, name: str) -> bool:
        return name in self.names

    def loosen(self, vendor: str, spec: dict[str, Any]) -> dict[str, Any]:
        """``spec`` as served with this app's bugs: a behaviour bug that accepts what the spec
        refuses must get past request validation first (``spec`` is changed in place)."""
        for name in self.names:
            for bug_vendor, loosen in SPEC_LOOSENINGS.get(name, ()):
                if bug_vendor == vendor:
                    loosen(spec)
        return spec

    def __bool__(self) -> bool:
        return bool(self.names)


class ResponseBugs:
    """ASGI middleware: rewrites vendor responses through the response bugs switched on."""

    def __init__(self, app: ASGIApp, bugs: PlantedBugs) -> None:
        self.app = app
        self.rewrites = {name: rewrite for name, rewrite in RESPONSE_BUGS.items() if bugs.on(name)}
        self.wrong_errors = bugs.on(WRONG_ERROR_BODY)
        self.no_request_id = bugs.on(NO_REQUEST_ID)

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
