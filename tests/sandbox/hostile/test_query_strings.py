"""Hostile query strings are refused (``target.py`` says how): invalid UTF-8 escapes, raw
non-ASCII bytes and 10,000 parameters, on each REST vendor's list with a validated parameter (an
enum, a number) made hostile. Kojo takes no query parameters: there they are ignored, the query
answered as without them."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.sandbox.hostile.target import SERVER, VENDORS, Answer, Case, Target, case, params, run

MANY_PARAMETERS = "&".join(["x=%FF"] * 10_000)
QUERY = {"query": "{ __typename }"}


@dataclass(frozen=True)
class Route:
    """Where each vendor takes query strings, and what a hostile one gets there."""

    method: str
    path: str
    escapes: tuple[str, ...]  # query strings with invalid UTF-8 escapes
    after_many: str  # what follows 10,000 parameters
    raw: bytes  # a query string of raw non-ASCII bytes
    status: int
    shape: str = ""  # the vendor's own error shape


ROUTES = {
    "dayzero": Route(
        "GET", "/credit-memos", ("status=%FF%FE", "limit=%FF"), "&status=%FF%FE", b"search=", 422
    ),
    "count": Route(
        "GET", "/customers", ("limit=%FF%FE", "limit=%FF"), "&limit=%FF%FE", b"search=", 400
    ),
    "solvimon": Route(
        "GET",
        "/invoices",
        ("statuses[]=%FF%FE", "limit=%FF"),
        "&statuses[]=%FF%FE",
        b"search=",
        400,
    ),
    "kojo": Route("POST", "/graphql", ("%FF%FE=%FF%FE",), "", b"q=", 200, "graphql-typename"),
}


def _queries(vendor: str) -> list[Case]:
    route = ROUTES[vendor]
    body = {"json": QUERY} if route.method == "POST" else {}

    def send(suffix: str, label: str) -> Callable[[Target], Answer]:
        return lambda t: t.call(vendor, route.method, f"{route.path}?{suffix}", label, **body)

    def raw(t: Target) -> Answer:
        target = t.url(vendor, route.path).encode() + b"?" + route.raw + b"caf\xe9\xff"
        content = json.dumps(QUERY).encode() if body else b""
        return t.raw(vendor, route.method.encode(), target, "raw bytes", body=content)

    return [
        case(
            vendor,
            "query-invalid-utf8-escapes",
            lambda t: [send(escape, escape)(t) for escape in route.escapes],
            route.status,
            route.shape,
        ),
        case(
            vendor,
            "query-10000-parameters",
            lambda t: [send(MANY_PARAMETERS + route.after_many, "10,000 parameters")(t)],
            route.status,
            route.shape,
        ),
        case(vendor, "query-raw-non-ascii-bytes", lambda t: [raw(t)], 400, SERVER),
    ]


@pytest.mark.parametrize("hostile", params(each for v in VENDORS for each in _queries(v)))
def test_hostile_query_strings_are_refused(target: Target, hostile: Case) -> None:
    run(target, hostile)
