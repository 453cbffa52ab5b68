"""Solvimon invariants every invoice response must keep: amounts are decimals in the invoice's
currency, totals add up level by level, open + closed = total, a credit invoice names its original,
two invoices in one response that link to each other do so both ways, and a one-off credit names
its original in linked_invoices_ids."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from contracts.checks import JSON, Invariants

# ISO 4217 minor units where they are not two decimals (the same table the sandbox uses is the
# standard's, not the sandbox's: a real deployment must meet it too)
EXPONENTS = {
    **dict.fromkeys(
        ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI"], 0
    ),
    **dict.fromkeys(["VND", "VUV", "XAF", "XOF", "XPF"], 0),
    **dict.fromkeys(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"], 3),
    **dict.fromkeys(["CLF", "UYW"], 4),
}
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$")
_TOTALS = (
    "invoice_amount_including_tax",
    "open_invoice_amount",
    "closed_invoice_amount",
    "paid_invoice_amount",
)
CREDIT_TYPES = ("CREDIT", "ONE_OFF_CREDIT")


def _label(invoice: JSON) -> str:
    return str(invoice.get("invoice_number") or invoice.get("id") or "<no id>")


def _quantity(amount: JSON | None) -> Decimal | None:
    if amount is None:
        return None
    assert isinstance(amount, dict) and isinstance(amount.get("quantity"), str), (
        f"{amount!r} is not an amount {{quantity, currency}}"
    )
    return Decimal(amount["quantity"])


def _amounts(invoice: JSON) -> Iterator[tuple[str, JSON]]:
    for name in _TOTALS:
        if invoice.get(name) is not None:
            yield name, invoice[name]
    for period in invoice.get("periods") or []:
        where = f"periods[{period.get('period_order')}]"
        for name in ("amount_excluding_tax", "amount_including_tax"):
            if period.get(name) is not None:
                yield f"{where}.{name}", period[name]
        for group in period.get("groups") or []:
            here = f"{where}.groups[{group.get('group_order')}]"
            for name in ("amount_excluding_tax", "amount_including_tax"):
                if group.get(name) is not None:
                    yield f"{here}.{name}", group[name]
            for line in group.get("lines") or []:
                for name in ("amount_excluding_tax", "amount_including_tax"):
                    if line.get(name) is not None:
                        yield f"{here}.lines[{line.get('line_order')}].{name}", line[name]


_SEED = "seeds/003_f1170f6edce73760.txt (Create a credit invoice)"
_FACTS = "vendor-facts.md, Solvimon"
INVARIANTS = Invariants("solvimon", __name__)
invoice_check = INVARIANTS.over("invoice", lambda body: invoices_in(body), _label)


@invoice_check(source=f"{_FACTS}: Amount is {{quantity: decimal string, currency: ISO 4217}}")
def amounts_are_decimals_in_the_currency(invoice: JSON) -> bool | None:
    """Every amount is a decimal string with the currency's decimals, in the invoice's currency"""
    currency = invoice.get("billing_currency")
    seen = False
    for where, amount in _amounts(invoice):
        seen = True
        quantity, code = amount["quantity"], amount["currency"]
        assert _DECIMAL.match(quantity), (
            f"{_label(invoice)}: {where} = {quantity!r} is not a decimal"
        )
        digits = len(quantity.split(".")[1]) if "." in quantity else 0
        expected = EXPONENTS.get(code, 2)
        assert digits == expected, (
            f"{_label(invoice)}: {where} = {quantity!r} has {digits} decimals; "
            f"{code} has {expected}"
        )
        if currency:
            assert code == currency, f"{_label(invoice)}: {where} in {code}, invoice in {currency}"
    return seen


@invoice_check(
    source=f"{_SEED}: open_invoice_amount, closed_invoice_amount, invoice_amount_including_tax"
)
def open_plus_closed_is_total(invoice: JSON) -> bool | None:
    """An invoice's open and closed amounts add up to its total"""
    total = _quantity(invoice.get("invoice_amount_including_tax"))
    open_, closed = (
        _quantity(invoice.get("open_invoice_amount")),
        _quantity(invoice.get("closed_invoice_amount")),
    )
    if total is None or open_ is None or closed is None:
        return False
    assert open_ + closed == total, (
        f"{_label(invoice)}: open {open_} + closed {closed} = {open_ + closed}, total is {total}"
    )
    return True


@invoice_check(source=f"{_SEED}: periods (use either periods or groups for summation)")
def totals_add_up(invoice: JSON) -> bool | None:
    """Lines add up to their group, groups to their period, periods to the invoice total"""
    # (tax-inclusive amounts)
    periods = invoice.get("periods") or []
    if not periods:
        return False
    key = "amount_including_tax"
    for period in periods:
        groups = period.get("groups") or []
        for group in groups:
            lines = group.get("lines")
            if lines:
                summed = sum((_quantity(line[key]) or Decimal(0) for line in lines), Decimal(0))
                assert summed == _quantity(group[key]), (
                    f"{_label(invoice)}: group {group.get('group_order')} of period "
                    f"{period.get('period_order')} is {group[key]['quantity']}, "
                    f"its lines sum to {summed}"
                )
        if groups:
            summed = sum((_quantity(group[key]) or Decimal(0) for group in groups), Decimal(0))
            assert summed == _quantity(period[key]), (
                f"{_label(invoice)}: period {period.get('period_order')} is "
                f"{period[key]['quantity']}, its groups sum to {summed}"
            )
    summed = sum((_quantity(period[key]) or Decimal(0) for period in periods), Decimal(0))
    total = _quantity(invoice["invoice_amount_including_tax"])
    assert summed == total, f"{_label(invoice)}: total is {total}, its periods sum to {summed}"
    return True


@invoice_check(source=f"{_SEED}: credit, linked_invoices; {_FACTS}: credit detail")
def credit_names_its_original(invoice: JSON) -> bool | None:
    """A credit invoice names its original in credit and in linked_invoices"""
    if invoice.get("type") not in CREDIT_TYPES:
        return False
    credit = invoice.get("credit")
    assert credit and credit.get("original_invoice_id"), (
        f"{_label(invoice)}: a {invoice['type']} invoice without credit.original_invoice_id"
    )
    info = credit.get("original_invoice_info")
    if info is not None:
        assert info.get("id") == credit["original_invoice_id"], (
            f"{_label(invoice)}: original_invoice_info.id {info.get('id')} "
            f"!= original_invoice_id {credit['original_invoice_id']}"
        )
    linked = invoice.get("linked_invoices")
    if linked is not None:
        assert any(link.get("id") == credit["original_invoice_id"] for link in linked), (
            f"{_label(invoice)}: linked_invoices does not list its original "
            f"{credit['original_invoice_id']}"
        )
    return True


@invoice_check(
    source=f"{_SEED}: linked_invoices_ids (only for ONE_OFF_CREDIT invoices, the originals)"
)
def one_off_credits_link_their_original(invoice: JSON) -> bool | None:
    """A ONE_OFF_CREDIT invoice's linked_invoices_ids names its original"""
    # The seed's note ("can currently only be used for ONE_OFF_CREDIT invoices") is about what a
    # request may use; it promises nothing about what other invoices' responses carry.
    ids = invoice.get("linked_invoices_ids")
    original = (invoice.get("credit") or {}).get("original_invoice_id")
    if invoice.get("type") != "ONE_OFF_CREDIT" or ids is None or not original:
        return False
    assert original in ids, (
        f"{_label(invoice)}: linked_invoices_ids {ids} does not name its original {original}"
    )
    return True


@INVARIANTS.body(source=f"{_FACTS}: the original gains a linked_invoices entry")
def links_point_both_ways(body: Any) -> int:
    """Two invoices that link to each other list each other in linked_invoices"""
    try:
        return 1 if _links_in(body) else 0
    except (KeyError, TypeError, AttributeError) as error:
        raise AssertionError(
            f"malformed linked_invoices ({type(error).__name__}: {error})"
        ) from None


def _links_in(body: Any) -> bool:
    """Whether two invoices of ``body`` link to each other (and do so both ways)."""
    invoices = {invoice["id"]: invoice for invoice in invoices_in(body) if invoice.get("id")}
    judged = False
    for invoice in invoices.values():
        for link in invoice.get("linked_invoices") or []:
            other = invoices.get(link.get("id"))
            if other is None:
                continue
            judged = True
            back = {entry.get("id") for entry in other.get("linked_invoices") or []}
            assert invoice["id"] in back, (
                f"{_label(invoice)} links to {_label(other)}, which does not link back"
            )
    return judged


def invoices_in(body: Any) -> Iterator[JSON]:
    if isinstance(body, dict):
        if "type" in body and "status" in body and "id" in body:
            yield body
        for item in body.get("data") or []:
            yield from invoices_in(item)
