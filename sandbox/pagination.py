"""Keyset cursor pagination over TinyDB documents: newest first, or by a field either way.

Cursors name a document id, not an offset, so a page never repeats or skips an item while other
items are created or deleted. TinyDB document ids only ever grow within a table, which gives the
order (newest first) for free. Cursors are opaque to clients: URL-safe base64 of a small JSON.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar


class HasDocId(Protocol):
    @property
    def doc_id(self) -> int: ...


T = TypeVar("T", bound=HasDocId)


class InvalidCursor(ValueError):
    """The cursor was not produced by this sandbox."""


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
    False. ``name`` is what a cursor remembers, so a cursor from another order is refused."""

    name: str = "created_at"
    descending: bool = True
    key: Callable[[Any], Any] | None = None


CREATION = Order()


def _encode(direction: str, order: Order, key: Any, inclusive: bool = False) -> str:
    data = {"d": direction, "k": key, "s": order.name, "o": "desc" if order.descending else "asc"}
    if inclusive:
        data["i"] = 1
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, order: Order) -> tuple[str, Any, bool]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        direction, key, inclusive = data["d"], data["k"], data.get("i") == 1
        same_order = (data.get("s", CREATION.name), data.get("o", "desc")) == (
            order.name,
            "desc" if order.descending else "asc",
        )
    except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error, AttributeError) as exc:
        raise InvalidCursor(cursor) from exc
    if direction not in ("next", "prev") or not same_order:
        raise InvalidCursor(cursor)
    if order.key is None:
        if not isinstance(key, int) or isinstance(key, bool):
            raise InvalidCursor(cursor)
        return direction, key, inclusive
    if not (isinstance(key, list) and len(key) == 2 and isinstance(key[1], int)):
        raise InvalidCursor(cursor)
    return direction, (key[0], key[1]), inclusive


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
            decorated = sorted(((sort_key(doc), doc.doc_id), doc) for doc in documents)
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
    next_cursor = _encode("next", order, _plain(last_key), inclusive_back) if has_next else None
    prev_cursor = _encode("prev", order, _plain(first_key), inclusive_back) if has_prev else None
    return Page(
        items=items, total=count, limit=limit, next_cursor=next_cursor, prev_cursor=prev_cursor
    )


def _plain(key: Any) -> Any:
    return list(key) if isinstance(key, tuple) else key
