"""Kojo's JSON: the resolvers that shape each GraphQL type of specs/kojo.graphql from stored
facts, as the REST vendors' views shape their records (``schema`` binds them to the SDL).

Resolvers only read: Kojo's public API has no credit memo mutations (data is seeded through the
control API). Each request reads the tenant's data once (``KojoBook``) and resolves from it;
money and quantities come from ``lifecycle``. Kojo's limits on a query's size are in
``query_limits``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ariadne import ObjectType, QueryType, ScalarType
from graphql import GraphQLError

from sandbox.seams import Seams
from sandbox.vendors.kojo import errors
from sandbox.vendors.kojo.lifecycle import ext_cents, money_fields
from sandbox.vendors.kojo.models import SEEDING_USER_ID, Json, KojoBook

MAX_LIMIT = 100


@dataclass(frozen=True)
class Context:
    book: KojoBook
    request_id: str
    # what stands in for the functions the resolvers call (``sandbox.seams``; none unless asked)
    seams: Seams = field(default_factory=Seams)
    # what ``query_limits.EntityCountingExecutor`` refused before executing (the answer has no data)
    refusals: list[str] = field(default_factory=list)


def _seams(info: Any) -> Seams:
    context: Context = info.context
    return context.seams


@dataclass(frozen=True)
class MemoItem:
    item: Json
    memo: Json


@dataclass(frozen=True)
class InvoiceItem:
    item: Json
    invoice: Json


def _float(cents: int) -> float:
    return cents / 100


def _book(info: Any) -> KojoBook:
    context: Context = info.context
    return context.book


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def bad_input(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": "BAD_USER_INPUT"})


def page(
    info: Any,
    found: Iterable[Json],
    limit: int | None,
    offset: int | None,
    order_by: str | None,
    direction: str | None,
    updated_after: dt.datetime | None,
) -> list[Json]:
    """One page of a list, as Kojo's pagination page describes it."""
    limit = MAX_LIMIT if limit is None else limit
    offset = 0 if offset is None else offset
    # Kojo's pagination page: limit is "the maximum number of records to return", so 0 returns
    # none (https://docs.kojo.tech/docs/standards/pagination); below 0 means nothing, and is refused
    if not 0 <= limit <= MAX_LIMIT:
        raise bad_input(errors.LIMIT_RANGE.format(maximum=MAX_LIMIT, limit=limit))
    if offset < 0:
        raise bad_input(errors.OFFSET_RANGE.format(offset=offset))
    chosen = [
        doc for doc in found if updated_after is None or _moment(doc["updatedAt"]) > updated_after
    ]
    field = order_by or "createdAt"

    def value(doc: Json) -> Any:
        """The field's value as Kojo shows it: money fields are computed from stored cents."""
        if field in MONEY_FIELDS:
            return _money(doc, info)[MONEY_FIELDS[field]]
        return doc.get(field)

    # ties keep the order of creation; nulls sort first
    chosen.sort(
        key=lambda doc: (
            value(doc) is not None,
            value(doc) if value(doc) is not None else "",
            doc["createdAt"],
            doc["id"],
        )
    )
    if direction == "DESC":
        chosen.reverse()
    return chosen[offset : offset + limit]


# scalars ----------------------------------------------------------------------------------------

datetime_scalar = ScalarType("DateTime")


@datetime_scalar.serializer
def serialize_datetime(value: Any) -> str:
    return value if isinstance(value, str) else value.isoformat().replace("+00:00", "Z")


@datetime_scalar.value_parser
def parse_datetime(value: Any) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError("DateTime must be an ISO 8601 string")
    moment = _moment(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# queries ----------------------------------------------------------------------------------------

query = QueryType()


@query.field("creditMemo")
def resolve_credit_memo(_: Any, info: Any, id: str) -> Json | None:
    return _book(info).memos.get(id)


@query.field("creditMemos")
def resolve_credit_memos(
    _: Any, info: Any, invoiceId: str | None = None, **paging: Any
) -> list[Json]:
    memos = [
        memo
        for memo in _book(info).memos.values()
        if invoiceId is None or memo["invoiceId"] == invoiceId
    ]
    return _page(info, memos, paging)


@query.field("invoice")
def resolve_invoice(_: Any, info: Any, id: str) -> Json | None:
    return _book(info).invoices.get(id)


@query.field("invoices")
def resolve_invoices(_: Any, info: Any, **paging: Any) -> list[Json]:
    return _page(info, _book(info).invoices.values(), paging)


def _page(info: Any, found: Iterable[Json], paging: Mapping[str, Any]) -> list[Json]:
    """A list's page by the arguments every list takes (``limit``, ``offset``, ``orderBy``,
    ``direction``, ``updatedAfter``; the SDL gives their defaults, repeated here), through
    whatever stands in for :func:`page`."""
    return _seams(info).of(page)(
        info,
        found,
        paging.get("limit", MAX_LIMIT),
        paging.get("offset", 0),
        paging.get("orderBy", "createdAt"),
        paging.get("direction", "ASC"),
        paging.get("updatedAfter"),
    )


# money on memos and invoices --------------------------------------------------------------------


# a money field as Kojo shows it → its key in ``money_fields``
MONEY_FIELDS = {
    "payments": "payments",
    "shippingCostFloat": "shipping",
    "subtotal": "subtotal",
    "tax": "tax",
    "totalDue": "total_due",
}


def _bind_money(kind: ObjectType) -> None:
    for name, key in MONEY_FIELDS.items():
        kind.set_field(name, lambda doc, info, key=key: _float(_money(doc, info)[key]))


def _money(doc: Json, info: Any) -> dict[str, int]:
    return _seams(info).of(money_fields)(doc)


credit_memo = ObjectType("CreditMemo")
_bind_money(credit_memo)


@credit_memo.field("invoice")
def resolve_memo_invoice(memo: Json, info: Any) -> Json | None:
    return _seams(info).of(memo_invoice)(_book(info), memo)


def memo_invoice(book: KojoBook, memo: Json) -> Json | None:
    """The invoice a credit memo credits."""
    return book.invoices.get(memo["invoiceId"])


@credit_memo.field("creditMemoItems")
def resolve_memo_items(memo: Json, _info: Any) -> list[MemoItem]:
    return [MemoItem(item, memo) for item in sorted(memo["items"], key=lambda i: i["lineNumber"])]


invoice_type = ObjectType("Invoice")
_bind_money(invoice_type)
# invoices seeded before these fields existed read them as the seeding user and no exceptions
invoice_type.set_field("createdById", lambda doc, _info: doc.get("createdById") or SEEDING_USER_ID)
invoice_type.set_field("exceptions", lambda doc, _info: doc.get("exceptions") or [])


@invoice_type.field("invoiceItems")
def resolve_invoice_items(invoice: Json, _info: Any) -> list[InvoiceItem]:
    items = sorted(invoice["items"], key=lambda i: i["lineNumber"])
    return [InvoiceItem(item, invoice) for item in items]


@invoice_type.field("creditMemos")
def resolve_invoice_memos(invoice: Json, info: Any) -> list[Json]:
    return sorted(_book(info).memos_of(invoice["id"]), key=lambda m: (m["createdAt"], m["id"]))


# items ------------------------------------------------------------------------------------------


def _item_fields(kind: ObjectType, *extra: str) -> None:
    for name in ("id", "createdAt", "updatedAt", "unitsOfMeasure", *extra):
        kind.set_field(name, lambda ref, _info, name=name: ref.item.get(name))
    kind.set_field("lineNumber", _line_number)
    kind.set_field("quantity", lambda ref, _info: float(Decimal(ref.item["quantity"])))
    kind.set_field("unitPriceFloat", lambda ref, _info: _float(ref.item["unit_price_cents"]))
    kind.set_field("extPriceFloat", lambda ref, _info: _float(ext_cents(ref.item)))


def _line_number(ref: MemoItem | InvoiceItem, info: Any) -> int:
    return _seams(info).of(line_number)(ref)


def line_number(ref: MemoItem | InvoiceItem) -> int:
    """An item's line number, from 1."""
    number: int = ref.item["lineNumber"]
    return number


credit_memo_item = ObjectType("CreditMemoItem")
_item_fields(credit_memo_item)
credit_memo_item.set_field("creditMemoId", lambda ref, _info: ref.memo["id"])
credit_memo_item.set_field("invoiceItemId", lambda ref, _info: ref.item["invoiceItemId"])
credit_memo_item.set_field("creditMemo", lambda ref, _info: ref.memo)


@credit_memo_item.field("invoiceItem")
def resolve_invoiced_item(ref: MemoItem, info: Any) -> InvoiceItem:
    book = _book(info)
    invoice = book.invoices[ref.memo["invoiceId"]]
    item = book.invoice_item(invoice["id"], ref.item["invoiceItemId"])
    assert item is not None, "a memo item always credits an item of the memo's invoice"
    return InvoiceItem(item, invoice)


invoice_item = ObjectType("InvoiceItem")
_item_fields(invoice_item, "description")
invoice_item.set_field("invoiceId", lambda ref, _info: ref.invoice["id"])
invoice_item.set_field("invoice", lambda ref, _info: ref.invoice)


@invoice_item.field("creditedQuantity")
def resolve_credited_quantity(ref: InvoiceItem, info: Any) -> float:
    credited = _book(info).credited(ref.invoice["id"]).get(ref.item["id"], Decimal(0))
    return float(credited)


# every type and scalar above, for ``schema`` to bind to the SDL
BINDABLES: tuple[Any, ...] = (
    query,
    credit_memo,
    credit_memo_item,
    invoice_type,
    invoice_item,
    datetime_scalar,
)
