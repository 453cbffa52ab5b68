"""Walking a numbered-page list, as the vendors' clients do, and the exactly-once verdict that
pagination rules give on what they walked."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Pagination rules walk at most this many pages: enough to cross boundaries, bounded for a
# target with much data.
MAX_PAGES = 50


def page_count(page: dict[str, Any], field: str) -> int:
    """What a list page counts in ``field`` (its records, or its pages), which must be there."""
    count = page.get(field)
    assert isinstance(count, int), f"the page has no {field}: {str(page)[:200]}"
    return count


def walk_numbered_pages(
    first: list[str], pages: int, page: Callable[[int], list[str]]
) -> list[str]:
    """The ids of pages 1 to ``pages``: ``first`` (page 1's) and ``page(n)`` for the rest."""
    seen = list(first)
    for number in range(2, pages + 1):
        seen += page(number)
    return seen


def assert_each_once(seen: list[str], what: str) -> None:
    repeated = sorted({found for found in seen if seen.count(found) > 1})
    assert not repeated, f"{what} returned more than once: {repeated}"
