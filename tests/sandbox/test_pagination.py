"""Keyset cursors: stable under inserts and deletes; every string of their form is a position, and
any other string is refused."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.pagination import CURSOR_PATTERN, InvalidCursor, Order, paginate
from specs import spec_path


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


BY_NAME = Order("name", descending=True, key=lambda doc: f"name {doc.doc_id % 3}")


@settings(max_examples=300, deadline=None)
@given(st.from_regex(CURSOR_PATTERN, fullmatch=True), st.sampled_from(["next", "prev", None]))
def test_every_string_of_the_cursors_form_is_a_position(cursor: str, direction: str | None) -> None:
    """What a generator following the spec's pattern sends gets a page, in either order."""
    docs = [Doc(i) for i in range(1, 8)]
    for order in (Order(), BY_NAME):
        page = paginate(docs, cursor or None, 3, order, direction)
        assert len(page.items) <= 3 and page.total == 7


def test_a_cursor_made_for_one_order_is_a_position_in_another() -> None:
    docs = [Doc(i) for i in range(1, 8)]
    by_name = paginate(docs, None, 3, BY_NAME)
    assert by_name.next_cursor is not None and "~" in by_name.next_cursor
    by_creation = paginate(docs, by_name.next_cursor, 3)
    last_id = by_name.items[-1].doc_id
    assert ids(by_creation.items) == [i for i in range(7, 0, -1) if i < last_id][:3]


def test_the_dayzero_spec_states_exactly_the_cursors_the_pager_reads() -> None:
    """Request validation refuses every other cursor before the pager sees it."""
    spec = yaml.safe_load(spec_path("dayzero.yaml").read_text(encoding="utf-8"))
    assert spec["components"]["parameters"]["Cursor"]["schema"]["pattern"] == CURSOR_PATTERN
