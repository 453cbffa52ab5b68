"""Keyset cursor pagination over TinyDB documents, newest first.

Cursors name a document id, not an offset, so a page never repeats or skips an item while other
items are created or deleted. TinyDB document ids only ever grow within a table, which gives the
order (newest first) for free. Cursors are opaque to clients: URL-safe base64 of a small JSON.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar


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


def _encode(direction: str, doc_id: int) -> str:
    raw = json.dumps({"d": direction, "k": doc_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[str, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        direction, key = data["d"], data["k"]
    except (ValueError, TypeError, KeyError, UnicodeError, binascii.Error) as exc:
        raise InvalidCursor(cursor) from exc
    if direction not in ("next", "prev") or not isinstance(key, int) or isinstance(key, bool):
        raise InvalidCursor(cursor)
    return direction, key


def paginate(documents: Sequence[T], cursor: str | None, limit: int) -> Page[T]:
    """Cut one page out of ``documents``, newest first.

    ``documents`` may come in any order. A store selection (anything with ``doc_ids``, ascending)
    is cut without reading more than the page: the cost of a page does not grow with the data.
    """
    ids: Sequence[int] | None = getattr(documents, "doc_ids", None)
    if ids is None:
        documents = sorted(documents, key=lambda doc: doc.doc_id)
        ids = [doc.doc_id for doc in documents]
    count = len(ids)
    if cursor is None:
        high = count
        low = max(0, high - limit)
    else:
        direction, key = _decode(cursor)
        if direction == "next":  # older than the key
            high = bisect.bisect_left(ids, key)
            low = max(0, high - limit)
        else:  # newer than the key, the oldest of those first
            low = bisect.bisect_right(ids, key)
            high = min(count, low + limit)
    items = [documents[position] for position in range(high - 1, low - 1, -1)]
    if items:
        newest, oldest = items[0].doc_id, items[-1].doc_id
        has_prev, has_next = high < count, low > 0
    elif cursor is None:
        newest = oldest = 0
        has_prev = has_next = False
    else:
        # An empty page past either end: point back at what lies on the other side of the key.
        newest, oldest = key - 1, key + 1
        has_prev = direction == "next" and bisect.bisect_left(ids, key) < count
        has_next = direction == "prev" and bisect.bisect_right(ids, key) > 0
    return Page(
        items=items,
        total=count,
        limit=limit,
        next_cursor=_encode("next", oldest) if has_next else None,
        prev_cursor=_encode("prev", newest) if has_prev else None,
    )
