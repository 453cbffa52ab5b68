"""Hostile ids are refused (``target.py`` says how): ids of 10,000 and 100,000 characters in
paths and query values, and ids holding ``%00``, ``%2F``, ``../``, invalid UTF-8 escapes, raw
non-ASCII bytes, accents or emoji; Kojo, whose ids live in GraphQL arguments, answers them
``null`` like any unknown id."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.sandbox.hostile.target import (
    KOJO_BY_ID,
    REST_VENDORS,
    SERVER,
    Answer,
    Case,
    Target,
    case,
    params,
    run,
)

# ids as httpx sends them (a % stays an escape; accents and emoji are percent-encoded)
ODD_IDS = (
    "%00",
    "a%00b",
    "%2F",
    "..%2F..%2Fetc%2Fpasswd",
    "%2E%2E",
    "%FF%FE",
    "a%0D%0Ab",
    "%25",
    "café",
    "💥",
)
# the write route of each REST vendor that takes an id in its path
ID_ROUTES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "dayzero": ("POST", "/credit-memos/{id}/issue", {}),
    "count": ("PATCH", "/invoices/{id}/approve", {}),
    "solvimon": ("POST", "/invoices/{id}/credit", {"json": {}}),
}
# the status of a 10,000-character id in the path: Solvimon's resourceId has maxLength 256
LONG_PATH_ID = {"dayzero": 404, "count": 404, "solvimon": 400}


def _by_id(vendor: str, ident: str, label: str) -> Callable[[Target], Answer]:
    method, route, body = ID_ROUTES[vendor]
    return lambda t: t.call(vendor, method, route.format(id=ident), label, **body)


def _raw_by_id(vendor: str, ident: bytes, label: str) -> Callable[[Target], Answer]:
    method, route, body = ID_ROUTES[vendor]
    content = b"{}" if body else b""

    def send(t: Target) -> Answer:
        target = t.url(vendor, route).encode().replace(b"{id}", ident)
        return t.raw(vendor, method.encode(), target, label, body=content)

    return send


def _rest_ids(vendor: str) -> list[Case]:
    traversal = b"../../../../_sandbox/tenants/demo/reset"
    return [
        case(
            vendor,
            "path-id-10000-chars",
            lambda t: [_by_id(vendor, "a" * 10_000, "id")(t)],
            LONG_PATH_ID[vendor],
        ),
        case(
            vendor,
            "path-id-100000-chars",
            lambda t: [_raw_by_id(vendor, b"a" * 100_000, "100,000-character id")(t)],
            400,
            SERVER,
        ),
        case(
            vendor,
            "odd-path-ids",
            lambda t: [
                *(_by_id(vendor, ident, repr(ident))(t) for ident in ODD_IDS),
                _raw_by_id(vendor, traversal, "literal ../ up to the control API")(t),
            ],
            404,
        ),
        case(
            vendor,
            "path-id-raw-non-ascii-bytes",
            lambda t: [_raw_by_id(vendor, b"caf\xe9\xff\x00", "raw bytes in the path")(t)],
            400,
            SERVER,
        ),
    ]


def _long_query_value(vendor: str) -> Case:
    """A 10,000-character id where each REST vendor's list takes a string in its query."""
    method, path, name, status = {
        "dayzero": ("GET", "/credit-memos", "cursor", 422),
        "count": ("GET", "/customers", "search", 400),
        "solvimon": ("GET", "/invoices", "customer_id", 400),
    }[vendor]
    value = "a" * 10_000
    return case(
        vendor,
        "query-value-10000-chars",
        lambda t: [t.call(vendor, method, path, name, params={name: value})],
        status,
    )


def _kojo_id(ident: str, label: str) -> Callable[[Target], Answer]:
    body = {"query": KOJO_BY_ID, "variables": {"id": ident}}
    return lambda t: t.call("kojo", "POST", "/graphql", label, json=body)


def _kojo_ids() -> list[Case]:
    return [
        case(
            "kojo",
            "id-variable-10000-and-100000-chars",
            lambda t: [_kojo_id("a" * n, f"{n}-character id")(t) for n in (10_000, 100_000)],
            200,
            "graphql-null",
        ),
        case(
            "kojo",
            "odd-id-variables",
            lambda t: [
                _kojo_id(ident, repr(ident))(t)
                for ident in ("\x00", "a\x00b", "/", "../../etc/passwd", "\r\n", "\ufffe", "💥")
            ],
            200,
            "graphql-null",
        ),
    ]


ODD_AND_LONG_IDS = [
    *(each for vendor in REST_VENDORS for each in _rest_ids(vendor)),
    *(_long_query_value(vendor) for vendor in REST_VENDORS),
    *_kojo_ids(),
]


@pytest.mark.parametrize("hostile", params(ODD_AND_LONG_IDS))
def test_long_and_odd_ids_are_refused(target: Target, hostile: Case) -> None:
    run(target, hostile)
