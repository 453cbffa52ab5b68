"""Keyset cursor pagination over TinyDB documents: newest first, or by a field either way.

Cursors name a position in the order (a document id, and the sorted value when the order is by a
field), not an offset, so a page never repeats or skips an item while other items are created or
deleted. TinyDB document ids only ever grow within a table, which gives the order (newest first)
for free.

Cursors are opaque to clients, but every string of their form is a position: ``n`` or ``p`` (the
way it points), ``i`` when the position's own document is included, the document id, and for an
order by a field ``~`` and the value's text in hexadecimal UTF-8 (``CURSOR_PATTERN``). So a
client (or a test generator) that sends any cursor of that form gets a page, never an error: a
cursor made for another order is a position in this one. Values sort by that text; numbers
(never negative here) are written with leading zeros so their text sorts as they do.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar


class HasDocId(Protocol):
    @property
    def doc_id(self) -> int: ...


T = TypeVar("T", bound=HasDocId)


class InvalidCursor(ValueError):
    """The cursor is not of the form this sandbox's cursors have (``CURSOR_PATTERN``)."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    next_cursor: str | None
    prev_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_prev(self) -> bool:
        return self.prev_cursor is not None


@dataclass(frozen=True)
class Order:
    """How a list is ordered: by document id (creation order, the default) or by ``key`` (a
    stored value; ties keep creation order), newest or largest first unless ``descending`` is
    False. ``name`` names it in the API (``sort_by``)."""

    name: str = "created_at"
    descending: bool = True
    key: Callable[[Any], Any] | None = None


CREATION = Order()


CURSOR_PATTERN = r"^([np]i?[0-9]{1,15}(~([0-9a-f]{2})*)?)?$"
# matched in full (``fullmatch``): ``$`` would also match before a final newline
_CURSOR = re.compile(CURSOR_PATTERN.removeprefix("^").removesuffix("$"))


def sort_text(value: Any) -> str:
    """The text a field's value sorts by: itself, or a whole number with leading zeros."""
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return f"{value:020d}"
    return str(value)


def _encode(direction: str, order: Order, key: Any, inclusive: bool = False) -> str:
    way = ("n" if direction == "next" else "p") + ("i" if inclusive else "")
    if order.key is None:
        return f"{way}{key}"
    text, doc_id = key
    # a value may hold a lone surrogate (JSON can escape one): it is kept as it is
    return f"{way}{doc_id}~{text.encode('utf-8', 'surrogatepass').hex()}"


def _decode(cursor: str, order: Order) -> tuple[str, Any, bool]:
    if not cursor or not _CURSOR.fullmatch(cursor):
        raise InvalidCursor(cursor)
    direction = "next" if cursor[0] == "n" else "prev"
    inclusive = cursor[1:2] == "i"
    digits, _, text = cursor[2 if inclusive else 1 :].partition("~")
    doc_id = int(digits)
    if order.key is None:
        return direction, doc_id, inclusive
    return direction, (_text(bytes.fromhex(text)), doc_id), inclusive


def _text(raw: bytes) -> str:
    """A cursor's value: what ``_encode`` wrote, or, for bytes it could not have written, the
    nearest text (any string of the cursor's form is a position)."""
    try:
        return raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def paginate(
    documents: Sequence[T],
    cursor: str | None,
    limit: int,
    order: Order = CREATION,
    direction: str | None = None,
) -> Page[T]:
    """Cut one page out of ``documents`` in ``order``.

    ``documents`` may come in any order. In creation order, a store selection (anything with
    ``doc_ids``, ascending) is cut without reading more than the page: the cost of a page does
    not grow with the data. Another order sorts the selection first. ``direction`` (``next`` or
    ``prev``) overrides the way the cursor points; without a cursor it changes nothing.
    """
    keys: Sequence[Any] | None = getattr(documents, "doc_ids", None) if order.key is None else None
    if keys is None:
        sort_key = order.key
        if sort_key is None:
            documents = sorted(documents, key=lambda doc: doc.doc_id)
            keys = [doc.doc_id for doc in documents]
        else:
            decorated = sorted(((sort_text(sort_key(doc)), doc.doc_id), doc) for doc in documents)
            documents = [doc for _, doc in decorated]
            keys = [key for key, _ in decorated]
    count = len(keys)
    # positions [low, high) of the ascending keys, shown from high to low when descending
    if cursor is None:
        low, high = (max(0, count - limit), count) if order.descending else (0, min(count, limit))
        key = None
        going = "next"
    else:
        going, key, inclusive = _decode(cursor, order)
        going = direction or going
        towards_start_of_keys = (going == "next") == order.descending
        if towards_start_of_keys:
            high = (bisect.bisect_right if inclusive else bisect.bisect_left)(keys, key)
            low = max(0, high - limit)
        else:
            low = (bisect.bisect_left if inclusive else bisect.bisect_right)(keys, key)
            high = min(count, low + limit)
    positions = range(high - 1, low - 1, -1) if order.descending else range(low, high)
    items = [documents[position] for position in positions]
    before_start, after_end = low > 0, high < count
    has_next, has_prev = (
        (before_start, after_end) if order.descending else (after_end, before_start)
    )
    first_key = last_key = key
    inclusive_back = False
    if items:
        first_key, last_key = keys[positions[0]], keys[positions[-1]]
    elif cursor is not None:
        # an empty page past either end: its one cursor points back across the key, the key's
        # own document (if it is still there) included
        has_next = has_next and going == "prev"
        has_prev = has_prev and going == "next"
        inclusive_back = True
    next_cursor = _encode("next", order, last_key, inclusive_back) if has_next else None
    prev_cursor = _encode("prev", order, first_key, inclusive_back) if has_prev else None
    return Page(
        items=items, total=count, limit=limit, next_cursor=next_cursor, prev_cursor=prev_cursor
    )
