"""COUNT invariants every response must keep: totals add up, balances follow the credit and the
payments and are never negative, payments and credit never exceed the total, and the derived
status agrees with the raw fields and the balances."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from contracts.checks import JSON, Invariants, expected, unwrapped

CENT = 0.005  # money is decimal in COUNT's JSON: compare to the cent


def _label(record: JSON) -> str:
    return str(record.get("invoiceNumber") or record.get("id") or "<no id>")


def _close(a: float, b: float) -> bool:
    return abs(a - b) < CENT


def _paid(record: JSON) -> float:
    """What payments made an invoice (``amountPaid``: 0 where the record shows none)."""
    return float(record.get("amountPaid") or 0)


_SEED = "seeds/000_f1d53964939ff4ee.txt (Credit memo)"
INVARIANTS = Invariants("count", __name__)
record_check = INVARIANTS.over("record", lambda body: records_in(resource(body)), _label)


@record_check(source=f"{_SEED}: create body totals; vendor-facts.md, COUNT: invoice record")
def total_is_lines_minus_discount(record: JSON) -> bool | None:
    """A record's total is its lines less the discount"""
    lines = sum(float(line["total"]) for line in record["products"])
    expected = max(0.0, lines - float(record.get("discount") or 0))
    assert _close(float(record["total"]), expected), (
        f"{_label(record)}: total={record['total']} but lines - discount = {expected:.2f}"
    )
    return True


@record_check(source=f"{_SEED}: credit memos reduce amounts owed")
def balance_follows_credit(record: JSON) -> bool | None:
    """Open balance and remaining credit follow the credit applied, which the credits list sums"""
    memo = record["invoiceType"] == "memo"
    used_field, left_field = (
        ("appliedAmount", "remainingCredit") if memo else ("creditApplied", "openBalance")
    )
    if used_field not in record or left_field not in record:
        return False
    used, left, total = float(record[used_field]), float(record[left_field]), float(record["total"])
    paid = 0.0 if memo else _paid(record)
    assert _close(left, total - used - paid), (
        f"{_label(record)}: {left_field}={left} but total - {used_field} - amountPaid = "
        f"{total - used - paid:.2f}"
    )
    credits = sum(float(entry["amount"]) for entry in record.get("credits") or [])
    assert _close(credits, used), (
        f"{_label(record)}: credits sum to {credits} but {used_field}={used}"
    )
    return True


@record_check(
    source="vendor-facts.md, COUNT: credit never exceeds the open balance or the remaining credit"
)
def balance_never_negative(record: JSON) -> bool | None:
    """No invoice's open balance and no memo's remaining credit is ever negative"""
    left_field = "remainingCredit" if record["invoiceType"] == "memo" else "openBalance"
    if left_field not in record:
        return False
    assert float(record[left_field]) > -CENT, f"{_label(record)}: {left_field}={record[left_field]}"
    return True


_PAYMENTS = (
    "getcount/count-cli src/partner-mcp/helpers/mcpKnowledge.helper.ts (invoice_lifecycle: a "
    "full assignment is paid, less is partial) and src/partner-mcp/tools/definitions.ts "
    "(COUNT_assign_transaction_to_bills_invoices: paymentAmount at most the open balance)"
)


@record_check(source=_PAYMENTS)
def paid_and_credited_within_total(record: JSON) -> bool | None:
    """An invoice's payments and credit never exceed its total, and its payments add up to
    amountPaid"""
    if record["invoiceType"] == "memo" or "amountPaid" not in record:
        return False
    paid, total = _paid(record), float(record["total"])
    credited = float(record.get("creditApplied") or 0)
    assert paid + credited < total + CENT, (
        f"{_label(record)}: amountPaid {paid} + creditApplied {credited} exceed total {total}"
    )
    payments = record.get("payments")
    if isinstance(payments, list):
        listed = sum(float(payment["paymentAmount"]) for payment in payments)
        assert _close(listed, paid), (
            f"{_label(record)}: payments sum to {listed}, amountPaid={paid}"
        )
    return True


@record_check(source=f"{_SEED}: the same derived status field as invoices; {_PAYMENTS}")
def status_agrees_with_raw_fields(record: JSON) -> bool | None:
    """The derived status agrees with isDraft and the balances (credit and payments)"""
    status, total = record["status"], float(record["total"])
    used = float(record.get("appliedAmount", record.get("creditApplied", 0)) or 0)
    used += _paid(record)
    assert (status == "draft") == bool(record["isDraft"]), (
        f"{_label(record)}: status {status!r} with isDraft={record['isDraft']}"
    )
    if status == "paid":
        assert total > 0 and _close(used, total), f"{_label(record)}: paid with {used} of {total}"
    if status == "partial":
        assert 0 < used < total, f"{_label(record)}: partial with {used} of {total}"
    if status in ("approved", "sent", "overdue"):
        assert _close(used, 0), f"{_label(record)}: status {status!r} with {used} credited or paid"
    return True


# --- the envelope (disputed point count.envelope) -----------------------------------------

ENVELOPE = "count.envelope"


def is_envelope(body: Any) -> bool:
    return isinstance(body, dict) and body.get("status") == "success" and "data" in body


def resource(body: Any) -> Any:
    """What a 2xx body carries, read in the expected reading of ``count.envelope``."""
    return unwrapped(ENVELOPE, is_envelope, body)


@INVARIANTS.body(
    source="specs/disputed-points.yaml count.envelope: getcount/count-cli (bare first); "
    "https://developers.getcount.com/rest-api-reference/customers/list-customers (wrapped)"
)
def envelope_as_expected(body: Any) -> int:
    """Every 2xx body is in the expected reading of count.envelope (bare by default), but the
    OAuth flow's, which both of COUNT's sources show wrapped"""
    if _oauth_answer(body):
        return 0
    if expected(ENVELOPE) == "wrapped":
        assert is_envelope(body) and isinstance(body.get("message"), str), (
            "the body is not the reference pages' {status: success, message, data}: "
            f"{str(body)[:120]}"
        )
    else:
        assert not is_envelope(body), (
            "the body is wrapped in {status: success, message, data}, but the reading 'bare' "
            "expects the record itself"
        )
    return 1


def _oauth_answer(body: Any) -> bool:
    """A token set (``data.result.accessToken``) or authorize's login URL (``data.redirectUri``):
    COUNT's reference example and its client both read these under ``data``, whatever the
    other bodies do."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, dict):
        return False
    result = data.get("result")
    return (isinstance(result, dict) and "accessToken" in result) or set(data) == {"redirectUri"}


def rows(page: Any, key: str) -> list[Any]:
    """A list page's rows in the expected reading of ``count.list-rows``: under ``key``
    (``invoices``, ``customers``, ...) or under ``records``."""
    if not isinstance(page, dict):
        return []
    found = page.get("records" if expected("count.list-rows") == "reference" else key)
    return found if isinstance(found, list) else []


def records_in(body: Any) -> Iterator[JSON]:
    if isinstance(body, dict):
        if "invoiceType" in body and "total" in body and "status" in body:
            yield body
        for item in rows(body, "invoices"):
            yield from records_in(item)
