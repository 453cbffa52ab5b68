"""COUNT invariants every response must keep: totals add up, balances follow the credit and are
never negative, and the derived status agrees with the raw fields and the balances."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from contracts.checks import JSON, Invariants, expected, unwrapped

CENT = 0.005  # money is decimal in COUNT's JSON: compare to the cent


def _label(record: JSON) -> str:
    return str(record.get("invoiceNumber") or record.get("id") or "<no id>")


def _close(a: float, b: float) -> bool:
    return abs(a - b) < CENT


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
    assert _close(left, total - used), (
        f"{_label(record)}: {left_field}={left} but total - {used_field} = {total - used:.2f}"
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


@record_check(source=f"{_SEED}: the same derived status field as invoices")
def status_agrees_with_raw_fields(record: JSON) -> bool | None:
    """The derived status agrees with isDraft and the balances"""
    status, total = record["status"], float(record["total"])
    used = float(record.get("appliedAmount", record.get("creditApplied", 0)) or 0)
    assert (status == "draft") == bool(record["isDraft"]), (
        f"{_label(record)}: status {status!r} with isDraft={record['isDraft']}"
    )
    if status == "paid":
        assert total > 0 and _close(used, total), f"{_label(record)}: paid with {used} of {total}"
    if status == "partial":
        assert 0 < used < total, f"{_label(record)}: partial with {used} of {total}"
    if status in ("approved", "sent", "overdue"):
        assert _close(used, 0), f"{_label(record)}: status {status!r} with {used} credited"
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
