"""Hostile bodies to each vendor's main create endpoint are refused (``target.py`` says how):

- bodies that are not UTF-8 (bytes that decode as nothing, Latin-1 JSON, UTF-16 JSON, an
  encoded surrogate);
- JSON nested 1,000 and 100,000 deep (``[[[…]]]`` and ``{"a": {"a": …}}``), and JSON nested just
  below the JSON parser's own limit;
- 200 KB strings in string fields, and 5,000-digit and out-of-range numbers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.sandbox.hostile.target import (
    BODY_REFUSED,
    KB_200,
    VENDORS,
    Answer,
    Case,
    Target,
    case,
    params,
    run,
    with_body,
)

DIGITS_5000 = "9" * 5_000


# bodies that are not UTF-8 -------------------------------------------------------------------


def _not_utf8(vendor: str, name: str, encode: Callable[[Target, str], bytes]) -> Case:
    return with_body(
        vendor, name, lambda t: encode(t, vendor), BODY_REFUSED[vendor], message="JSON decode error"
    )


def _latin1(t: Target, vendor: str) -> bytes:
    return json.dumps(t.valid_body(vendor), ensure_ascii=False).encode("latin-1")


def _utf16(t: Target, vendor: str) -> bytes:
    return json.dumps(t.valid_body(vendor)).encode("utf-16")


def _encoded_surrogate(t: Target, vendor: str) -> bytes:
    """UTF-8 bytes of a surrogate (CESU-8), which UTF-8 forbids, in a valid body."""
    text = json.dumps(t.valid_body(vendor), ensure_ascii=False)
    return text.encode("utf-8").replace("é".encode(), b"\xed\xa0\x80")


NOT_UTF8 = [
    each
    for vendor in VENDORS
    for each in (
        _not_utf8(vendor, "ff-fe-nul", lambda t, v: b"\xff\xfe{\x00"),
        _not_utf8(vendor, "latin1-json", _latin1),
        _not_utf8(vendor, "utf16-json", _utf16),
        _not_utf8(vendor, "encoded-surrogate", _encoded_surrogate),
    )
]


@pytest.mark.parametrize("hostile", params(NOT_UTF8))
def test_bodies_that_are_not_utf8_are_refused(target: Target, hostile: Case) -> None:
    run(target, hostile)


# deeply nested JSON --------------------------------------------------------------------------


def _nested(vendor: str, depth: int) -> Case:
    def send(t: Target) -> list[Answer]:
        lists = "[" * depth + "]" * depth
        objects = '{"a": ' * depth + "1" + "}" * depth
        return [
            t.create(vendor, lists.encode(), f"lists {depth} deep"),
            t.create(vendor, objects.encode(), f"objects {depth} deep"),
        ]

    return case(vendor, f"{depth}-deep", send, BODY_REFUSED[vendor])


NESTED = [_nested(vendor, depth) for vendor in VENDORS for depth in (1_000, 100_000)]


@pytest.mark.parametrize("hostile", params(NESTED))
def test_deeply_nested_json_is_refused(target: Target, hostile: Case) -> None:
    run(target, hostile)


def _just_below_the_parser_limit(vendor: str) -> Case:
    """Every depth from 880 to 1,000. Python's JSON parser gives up where the interpreter's
    recursion limit is reached, about 950 levels here (less as the middleware stack grows): a
    body a few levels shallower still parses and reaches the schema. The sweep finds that
    window even if the middleware stack changes by a few dozen frames."""

    def send(t: Target) -> list[Answer]:
        return [
            t.create(vendor, ("[" * depth + "]" * depth).encode(), f"{depth} deep")
            for depth in range(880, 1_001)
        ]

    return case(vendor, "880-to-1000-deep", send, BODY_REFUSED[vendor])


@pytest.mark.parametrize("hostile", params(_just_below_the_parser_limit(v) for v in VENDORS))
def test_json_nested_just_below_the_parsers_limit_is_refused(target: Target, hostile: Case) -> None:
    run(target, hostile)


# long strings and huge numbers ---------------------------------------------------------------


def _long_strings(vendor: str) -> Case:
    field = {"dayzero": "description", "count": "customer", "solvimon": "note", "kojo": "query"}

    def body(t: Target) -> bytes:
        return json.dumps({**t.valid_body(vendor), field[vendor]: KB_200}).encode()

    name = f"200kb-{field[vendor]}"
    return case(
        vendor,
        name,
        lambda t: [t.create(vendor, body(t), field[vendor])],
        BODY_REFUSED[vendor],
        message="at most",
    )


def _huge_number(vendor: str) -> Case:
    """A 5,000-digit number in the create body (COUNT's customer has no number field: an
    extra property, which COUNT would ignore; Kojo: a variable)."""
    text = {
        "dayzero": '{"customer_id": "{customer}", "amount_cents": {number}}',
        "count": '{"customer": "Acme", "email": "ap@acme.example", "extra": {number}}',
        "solvimon": '{"periods": [{"period_order": {number}}]}',
        "kojo": '{"query": "{ __typename }", "variables": {"n": {number}}}',
    }[vendor]

    def body(t: Target) -> bytes:
        filled = text.replace("{number}", DIGITS_5000)
        return filled.replace("{customer}", t.ids.dayzero_customer).encode()

    return case(
        vendor,
        "number-5000-digits",
        lambda t: [t.create(vendor, body(t), "5,000 digits")],
        BODY_REFUSED[vendor],
    )


def _dayzero_line(name: str, line: dict[str, Any]) -> Case:
    def body(t: Target) -> bytes:
        text = json.dumps({**t.valid_body("dayzero"), "line_items": [line]})
        # 1e400 parses as float inf (json.dumps would write the constant Infinity instead)
        return text.replace('"INF"', "1e400").encode()

    return with_body("dayzero", name, body, 422)


LONG_AND_HUGE = [
    *(_long_strings(vendor) for vendor in VENDORS),
    *(_huge_number(vendor) for vendor in VENDORS),
    _dayzero_line("line-description-200kb", {"description": KB_200}),
    _dayzero_line("line-quantity-1e400", {"quantity": "INF"}),
]


@pytest.mark.parametrize("hostile", params(LONG_AND_HUGE))
def test_long_strings_and_huge_numbers_are_refused(target: Target, hostile: Case) -> None:
    run(target, hostile)
