"""Keyset cursors: stable under inserts and deletes, opaque, refused when forged."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pytest

from sandbox.pagination import InvalidCursor, paginate


@dataclass(frozen=True)
class Doc:
    doc_id: int


def ids(items: list[Doc]) -> list[int]:
    return [doc.doc_id for doc in items]


def test_first_page_is_newest_first() -> None:
    page = paginate([Doc(i) for i in range(1, 6)], None, 2)
    assert ids(page.items) == [5, 4]
    assert (page.total, page.limit, page.has_next, page.has_prev) == (5, 2, True, False)


def test_next_and_prev_cursors_walk_the_whole_list() -> None:
    docs = [Doc(i) for i in range(1, 6)]
    first = paginate(docs, None, 2)
    second = paginate(docs, first.next_cursor, 2)
    third = paginate(docs, second.next_cursor, 2)
    assert (ids(second.items), ids(third.items)) == ([3, 2], [1])
    assert third.next_cursor is None
    assert ids(paginate(docs, third.prev_cursor, 2).items) == [3, 2]
    assert ids(paginate(docs, second.prev_cursor, 2).items) == [5, 4]


def test_a_page_emptied_by_deletes_points_back() -> None:
    before = [Doc(0), Doc(1), Doc(2)]
    cursor = paginate(before, None, 2).next_cursor  # "after document 1"
    docs = [Doc(1), Doc(2)]  # document 0, the rest of the list, is deleted meanwhile
    last = paginate(docs, cursor, 2)
    assert last.items == [] and last.has_prev and not last.has_next
    assert ids(paginate(docs, last.prev_cursor, 2).items) == [2, 1]


def test_cursor_holds_while_documents_come_and_go() -> None:
    docs = [Doc(i) for i in range(1, 7)]
    first = paginate(docs, None, 3)
    changed = [Doc(7), *[d for d in docs if d.doc_id != 5]]
    assert ids(paginate(changed, first.next_cursor, 3).items) == [3, 2, 1]


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        base64.urlsafe_b64encode(b'{"d":"sideways","k":1}').decode(),
        "eyJkIjoibmV4dCIsImsiOnRydWV9",
    ],
)
def test_forged_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        paginate([Doc(1)], cursor, 10)
