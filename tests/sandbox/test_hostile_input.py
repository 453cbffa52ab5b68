"""Hostile input against a served sandbox: every vendor refuses it cleanly and stores nothing.

One ``creditbox serve`` process for the module (real sockets, the demo fixture, its data on disk
in a temporary directory) takes what a careless or malicious client could send: through httpx,
and as raw HTTP/1.1 bytes on a socket where httpx refuses to send something malformed. For each
of the four vendors (DayZero, COUNT, Solvimon, Kojo) this proves that

1. bodies that are not UTF-8 (bytes that decode as nothing, Latin-1 JSON, UTF-16 JSON, an
   encoded surrogate) sent to the vendor's main create endpoint are refused;
2. JSON nested 1,000 and 100,000 deep (``[[[…]]]`` and ``{"a": {"a": …}}``) is refused, and so
   is JSON nested just below the JSON parser's own limit;
3. 200 KB strings in string fields, ids of 10,000 and 100,000 characters in paths and query
   values, 5,000-digit and out-of-range numbers, and ids holding ``%00``, ``%2F``, ``../``,
   invalid UTF-8 escapes, raw non-ASCII bytes, accents or emoji are refused (or, for Kojo, whose
   ids live in GraphQL arguments, answered ``null`` like any unknown id);
4. header values of non-ASCII bytes or 64 KB and a NUL byte in a header, and query strings with
   invalid UTF-8 escapes, raw non-ASCII bytes or 10,000 parameters are refused (Kojo takes no
   query parameters: there they are ignored, the query answered as without them);
5. COUNT uploads named ``../../etc/passwd``, ``..\\..\\boot.ini``, 10,000 characters, with NUL,
   CR or LF, empty or only dots are refused with COUNT's 400 or stored under a harmless name
   (one path component of ``[A-Za-z0-9._-]``, served back under that name), and no file is
   written anywhere but the sandbox's own data files;
6. Kojo refuses GraphQL past its depth limit or its answer-size limit (3,000 fields by alias),
   a 200 KB query and 10,000 identical fields, answers 10,000 aliases on an unknown id with null,
   and refuses fragment cycles, selections or variables nested deeply, a batched (array)
   body and a mutation (Kojo's API has none);
7. an unknown content type, JSON sent as ``text/plain``, multipart sent to a JSON route, an empty
   JSON body, a body without any content type, and unknown or malformed methods are refused.

Every request gets its answer within a few seconds: a 4xx, in the vendor's own error shape
(``sandbox/vendors/<vendor>/errors.py``) whenever the request reached the application, or from
the HTTP server itself (uvicorn: ``400 Invalid HTTP request received.``, or a closed connection)
for requests too malformed to parse. Kojo answers what it refuses the GraphQL way, HTTP 200 with
``errors`` (``sandbox/vendors/kojo/errors.py``), but for a body too large or too slow. Never a
5xx, never a hang. After every test the server still answers its health check, and the demo
tenant's stored data is byte-for-byte what it was before (its snapshot, but for
``exported_at``). Hostile requests are
write attempts with the demo tenant's valid credentials wherever the route allows, so that a bug
would store something.

The server runs with its output in a log file rather than ``processes.serving``'s pipe: a bug's
traceback would otherwise fill a pipe nobody reads and stall the server.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import socket
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from sandbox.vendors.count.signature import signed_headers
from tests.support.count_client import DEMO as COUNT_DEMO
from tests.support.dayzero_client import DEMO_BUSINESS_ID, DEMO_TOKEN
from tests.support.figures import record
from tests.support.kojo_client import DEMO as KOJO_DEMO
from tests.support.processes import serving
from tests.support.solvimon_client import DEMO_KEY

TIMEOUT = 5.0  # seconds any one request may take: longer is a hang
VENDORS = ("dayzero", "count", "solvimon", "kojo")
PREFIX = {
    "dayzero": "/dayzero/api/v1",
    "count": "/count/partners",
    "solvimon": "/solvimon/v1",
    "kojo": "/kojo",
}
# the status each vendor refuses a body with when its validator cannot use it
# Kojo answers a body that is not a GraphQL request as a GraphQL result: HTTP 200, ``errors``
BODY_REFUSED = {"dayzero": 422, "count": 400, "solvimon": 400, "kojo": 200}
MEDIA_REFUSED = {"dayzero": 415, "count": 415, "solvimon": 415, "kojo": 200}
KB_200 = "x" * 200_000
DIGITS_5000 = "9" * 5_000
Headers = Mapping[str, str | bytes]


# answers ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What came back for one request; ``status`` None: the connection closed without one."""

    label: str
    status: int | None
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def __str__(self) -> str:
        return f"{self.label}: {self.status} {self.body[:300]!r}"


def _answer(label: str, response: httpx.Response) -> Answer:
    return Answer(label, response.status_code, dict(response.headers), response.content)


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, data = out + data[:size], data[size + 2 :]
    return out


def _parse_raw(label: str, data: bytes) -> Answer:
    if not data:
        return Answer(label, None, {}, b"")
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.split(b"\r\n")
    headers = {}
    for line in lines:
        name, _, value = line.partition(b":")
        headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
    if headers.get("transfer-encoding") == "chunked":
        body = _dechunk(body)
    return Answer(label, int(status_line.split()[1]), headers, body)


# the served sandbox --------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoIds:
    dayzero_customer: str
    solvimon_invoice: str  # FINAL, so a valid credit body would credit it
    kojo_token: str


class Target:
    """The served sandbox, with the demo tenant's credentials for every vendor."""

    def __init__(self, base_url: str, http: httpx.Client, root: Path, data_dir: Path) -> None:
        self.base_url = base_url
        self.http = http
        self.root = root
        self.data_dir = data_dir
        snapshot = self.snapshot()["data"]
        token = http.post(
            "/kojo/oauth2/token", data={"grant_type": "client_credentials", **KOJO_DEMO}
        )
        assert token.status_code == 200, token.text
        self.ids = DemoIds(
            dayzero_customer=next(iter(snapshot["dayzero_customers"].values()))["id"],
            solvimon_invoice=next(
                doc["id"]
                for doc in snapshot["solvimon_invoices"].values()
                if doc["status"] == "FINAL"
            ),
            kojo_token=token.json()["access_token"],
        )

    # state ---------------------------------------------------------------------------------

    def snapshot(self) -> Any:
        response = self.http.get("/_sandbox/tenants/demo/snapshot")
        assert response.status_code == 200, response.text
        return response.json()

    def stored(self) -> bytes:
        """The demo tenant's export, byte for byte, but for the moment it was taken."""
        response = self.http.get("/_sandbox/tenants/demo/snapshot")
        assert response.status_code == 200, response.text
        return re.sub(rb'"exported_at": ?"[^"]*"', b"", response.content)

    def assert_up(self) -> None:
        response = self.http.get("/_sandbox/health")
        assert (response.status_code, response.json()["status"]) == (200, "ok"), response.text

    def files(self) -> list[Path]:
        return sorted(path for path in self.root.rglob("*") if path.is_file())

    # requests ------------------------------------------------------------------------------

    def auth(self, vendor: str, method: str, target: str, body: bytes) -> dict[str, str]:
        """The demo tenant's credentials for one request (COUNT's signed over ``body``)."""
        if vendor == "dayzero":
            return {"authorization": f"Bearer {DEMO_TOKEN}", "x-business-id": DEMO_BUSINESS_ID}
        if vendor == "solvimon":
            return {"x-api-key": DEMO_KEY}
        if vendor == "kojo":
            return {"authorization": f"Bearer {self.ids.kojo_token}"}
        return count_auth(COUNT_DEMO, method, target, body)

    def call(
        self,
        vendor: str,
        method: str,
        path: str,
        label: str,
        *,
        headers: Headers | None = None,
        credentials: Mapping[str, str] | None = None,
        **body: Any,
    ) -> Answer:
        """``method`` on ``PREFIX[vendor] + path`` with the demo tenant's credentials, then
        ``headers`` on top (their values may be bytes). ``body``: httpx's ``json``, ``content``,
        ``files``, ``data`` or ``params``."""
        draft = self.http.build_request(method, PREFIX[vendor] + path, **body)
        content = draft.read()
        target = draft.url.raw_path.split(b"?", 1)[0].decode("ascii")
        sent: dict[str, str | bytes] = dict(
            count_auth(credentials, method, target, content)
            if credentials is not None
            else self.auth(vendor, method, target, content)
        )
        if "content-type" in draft.headers:
            sent["content-type"] = draft.headers["content-type"]
        sent.update({name.lower(): value for name, value in (headers or {}).items()})
        pairs = [
            (name.encode(), value if isinstance(value, bytes) else value.encode())
            for name, value in sent.items()
        ]
        request = self.http.build_request(method, draft.url, content=content or None, headers=pairs)
        return _answer(label, self.http.send(request))

    def create(
        self,
        vendor: str,
        body: bytes,
        label: str,
        content_type: str | None = "application/json",
        headers: Headers | None = None,
    ) -> Answer:
        """``body`` as it is, to the vendor's main create (write) endpoint."""
        given = {"content-type": content_type} if content_type else {}
        path = self.create_path(vendor)
        return self.call(
            vendor, "POST", path, label, content=body, headers={**given, **(headers or {})}
        )

    def create_path(self, vendor: str) -> str:
        """The vendor's main create (write) endpoint, under its prefix."""
        return {
            "dayzero": "/credit-memos",
            "count": "/customers",
            "solvimon": f"/invoices/{self.ids.solvimon_invoice}/credit",
            "kojo": "/graphql",
        }[vendor]

    def valid_body(self, vendor: str) -> dict[str, Any]:
        """A body the create endpoint would take (and store): a write, were it read right."""
        bodies: dict[str, dict[str, Any]] = {
            "dayzero": {
                "customer_id": self.ids.dayzero_customer,
                "amount_cents": 500,
                "description": "Café crème",
            },
            "count": {"customer": "Café crème", "email": "café@crème.example"},
            "solvimon": {"note": "Café crème"},
            "kojo": {"query": '{ creditMemos(invoiceId: "café") { id } }'},
        }
        return bodies[vendor]

    def raw(
        self,
        vendor: str | None,
        method: bytes,
        target: bytes,
        label: str,
        *,
        body: bytes = b"",
        headers: Iterable[tuple[bytes, bytes]] = (),
    ) -> Answer:
        """Bytes on a socket, as an HTTP/1.1 request that no client library would send: the
        vendor's credentials for ``target``, then ``headers`` (replacing any of the same name)."""
        lines: dict[bytes, bytes] = {
            b"host": urlsplit(self.base_url).netloc.encode(),
            b"connection": b"close",
            b"content-length": str(len(body)).encode(),
        }
        if vendor is not None:
            path = target.split(b"?", 1)[0].decode("latin-1")
            auth = self.auth(vendor, method.decode("latin-1"), path, body)
            lines.update({name.encode(): value.encode() for name, value in auth.items()})
        if body:
            lines[b"content-type"] = b"application/json"
        lines.update({name.lower(): value for name, value in headers})
        head = [method + b" " + target + b" HTTP/1.1"]
        head += [name + b": " + value for name, value in lines.items()]
        return _parse_raw(label, send_raw(self.base_url, b"\r\n".join(head) + b"\r\n\r\n" + body))


def count_auth(
    credentials: Mapping[str, str], method: str, target: str, body: bytes
) -> dict[str, str]:
    """COUNT's HMAC headers and partner token, signed over the path as sent (without the mount,
    ``/partners`` and the query) and the exact body bytes."""
    path = target.removeprefix("/count").removeprefix("/partners")
    # lower case, as the hostile cases name the header they replace
    return {
        name.lower(): value
        for name, value in signed_headers(credentials, method, path, body).items()
    }


def send_raw(base_url: str, data: bytes) -> bytes:
    """Send ``data`` and read until the server closes; a silence of TIMEOUT raises (a hang)."""
    address = urlsplit(base_url)
    chunks = []
    with socket.create_connection((address.hostname, address.port), timeout=TIMEOUT) as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)  # refused before it was all sent: read what the server said
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    root = tmp_path_factory.mktemp("hostile")
    data_dir = root / "data"
    log = tmp_path_factory.mktemp("hostile-log") / "serve.log"
    args = ("--data-dir", str(data_dir), "--fixture", "fixtures/demo.yaml")
    with (
        log.open("wb") as output,
        serving(args, output=output) as base_url,
        httpx.Client(base_url=base_url, timeout=TIMEOUT) as http,
    ):
        yield Target(base_url, http, root, data_dir)


# judging -------------------------------------------------------------------------------------


def _dayzero(answer: Answer) -> None:
    body = answer.json()
    assert list(body) == ["detail"], answer
    if answer.status == 422:
        assert body["detail"], answer
        for issue in body["detail"]:
            assert {"loc", "msg", "type"} <= set(issue), answer
    else:
        assert isinstance(body["detail"], str) and body["detail"], answer


def _count(answer: Answer) -> None:
    body = answer.json()
    assert isinstance(body.get("message"), str) and body["message"], answer
    assert body.get("statusCode") == answer.status, answer


def _solvimon(answer: Answer) -> None:
    body = answer.json()
    assert body.get("type") == "INVALID_REQUEST", answer
    assert isinstance(body.get("code"), str) and isinstance(body.get("message"), str), answer
    assert re.fullmatch(r"reqr_[A-Za-z0-9]+", answer.headers.get("x-request-id", "")), answer


def _kojo_errors(answer: Answer) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = answer.json()["errors"]
    assert errors, answer
    for error in errors:
        assert isinstance(error["message"], str) and error["message"], answer
        assert error["requestId"].startswith("req_"), answer
        assert isinstance(error["extensions"]["code"], str), answer
    return errors


def _kojo(answer: Answer) -> None:
    _kojo_errors(answer)


def _kojo_oauth(answer: Answer) -> None:
    body = answer.json()
    assert set(body) == {"error", "error_description"}, answer


def _graphql_refusal(answer: Answer) -> None:
    """A GraphQL document refused before it ran: ``errors``, no data."""
    codes = {error["extensions"]["code"] for error in _kojo_errors(answer)}
    assert codes <= {"GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"}, answer
    assert answer.json().get("data") is None, answer


def _graphql_null(answer: Answer) -> None:
    """An id that names nothing: ``null``, as for any unknown id."""
    assert answer.json() == {"data": {"creditMemo": None}}, answer


def _graphql_typename(answer: Answer) -> None:
    """``{ __typename }`` answered as if the hostile part were not there."""
    assert answer.json() == {"data": {"__typename": "Query"}}, answer


SHAPES: dict[str, Callable[[Answer], None]] = {
    "dayzero": _dayzero,
    "count": _count,
    "solvimon": _solvimon,
    "kojo": _kojo,
    "kojo-oauth": _kojo_oauth,
    "graphql-refusal": _graphql_refusal,
    "graphql-null": _graphql_null,
    "graphql-typename": _graphql_typename,
}
SERVER = None  # refused by the HTTP server before the application: a plain 400 or a close


@dataclass(frozen=True)
class Case:
    """Hostile requests and what each must get: a status of ``statuses``, a body in ``shape``
    (a key of SHAPES; SERVER: uvicorn's own refusal) mentioning ``message`` if given."""

    vendor: str
    name: str
    send: Callable[[Target], list[Answer]]
    statuses: frozenset[int]
    shape: str | None
    message: str | None = None

    def judge(self, answers: list[Answer]) -> None:
        assert answers
        for answer in answers:
            if self.shape is SERVER:
                assert answer.status is None or answer.status in self.statuses, answer
                continue
            assert answer.status in self.statuses, answer
            assert answer.headers.get("content-type", "").startswith("application/json"), answer
            SHAPES[self.shape](answer)
            if self.message:
                assert re.search(self.message, answer.body.decode("utf-8", "replace")), answer


def case(
    vendor: str,
    name: str,
    send: Callable[[Target], list[Answer]],
    statuses: Iterable[int] | int,
    shape: str | None = "",
    message: str | None = None,
) -> Case:
    """A :class:`Case`; ``shape`` defaults to the vendor's own error shape."""
    wanted = frozenset([statuses] if isinstance(statuses, int) else statuses)
    assert wanted and all(400 <= status < 500 or status == 200 for status in wanted)
    return Case(vendor, name, send, wanted, vendor if shape == "" else shape, message)


def params(cases: Iterable[Case]) -> list[Any]:
    return [pytest.param(each, id=f"{each.vendor}-{each.name}") for each in cases]


def run(target: Target, hostile: Case) -> None:
    """Send the case's requests and judge every answer; then the server must still serve and
    the demo tenant's data must be exactly as it was."""
    before = target.stored()
    answers = hostile.send(target)
    record("hostile_input", requests=len(answers))
    hostile.judge(answers)
    target.assert_up()
    assert target.stored() == before, "the demo tenant's stored data changed"


# 1. bodies that are not UTF-8 ----------------------------------------------------------------


def _not_utf8(vendor: str, name: str, encode: Callable[[Target, str], bytes]) -> Case:
    return case(
        vendor,
        name,
        lambda t: [t.create(vendor, encode(t, vendor), name)],
        BODY_REFUSED[vendor],
        message="JSON decode error",
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


# 2. deeply nested JSON -----------------------------------------------------------------------


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


# 3. long strings, long and odd ids, huge numbers -------------------------------------------

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
KOJO_BY_ID = "query($id: ID!) { creditMemo(id: $id) { id } }"


def _by_id(vendor: str, ident: str, label: str) -> Callable[[Target], Answer]:
    method, route, body = ID_ROUTES[vendor]
    return lambda t: t.call(vendor, method, route.format(id=ident), label, **body)


def _raw_by_id(vendor: str, ident: bytes, label: str) -> Callable[[Target], Answer]:
    method, route, body = ID_ROUTES[vendor]
    target = (PREFIX[vendor] + route).encode().replace(b"{id}", ident)
    content = b"{}" if body else b""
    return lambda t: t.raw(vendor, method.encode(), target, label, body=content)


def _kojo_id(ident: str, label: str) -> Callable[[Target], Answer]:
    body = {"query": KOJO_BY_ID, "variables": {"id": ident}}
    return lambda t: t.call("kojo", "POST", "/graphql", label, json=body)


def _rest_ids(vendor: str) -> list[Case]:
    found = 404
    long_path = 400 if vendor == "solvimon" else found  # Solvimon: resourceId maxLength 256
    traversal = b"../../../../_sandbox/tenants/demo/reset"
    return [
        case(
            vendor,
            "path-id-10000-chars",
            lambda t: [_by_id(vendor, "a" * 10_000, "id")(t)],
            long_path,
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
            found,
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


def _long_strings(vendor: str) -> Case:
    field = {"dayzero": "description", "count": "customer", "solvimon": "note", "kojo": "query"}

    def body(t: Target) -> dict[str, Any]:
        return {**t.valid_body(vendor), field[vendor]: KB_200}

    return case(
        vendor,
        f"200kb-{field[vendor]}",
        lambda t: [t.create(vendor, json.dumps(body(t)).encode(), field[vendor])],
        BODY_REFUSED[vendor],
        message="at most",
    )


def _huge_number(vendor: str) -> Case:
    """A 5,000-digit number in the create body (COUNT's customer has no number field: an
    extra property, which COUNT would ignore; Kojo: a variable)."""
    text = {
        "dayzero": '{"customer_id": "%s", "amount_cents": %s}',
        "count": '{"customer": "Acme", "email": "ap@acme.example", "extra": %s}',
        "solvimon": '{"periods": [{"period_order": %s}]}',
        "kojo": '{"query": "{ __typename }", "variables": {"n": %s}}',
    }[vendor]

    def send(t: Target) -> list[Answer]:
        filled = (
            text % (t.ids.dayzero_customer, DIGITS_5000)
            if vendor == "dayzero"
            else text % DIGITS_5000
        )
        return [t.create(vendor, filled.encode(), "5,000 digits")]

    return case(vendor, "number-5000-digits", send, BODY_REFUSED[vendor])


def _dayzero_line(name: str, line: dict[str, Any]) -> Case:
    def send(t: Target) -> list[Answer]:
        body = {**t.valid_body("dayzero"), "line_items": [line]}
        # 1e400 parses as float inf (json.dumps would write the constant Infinity instead)
        text = json.dumps(body).replace('"INF"', "1e400")
        return [t.create("dayzero", text.encode(), name)]

    return case("dayzero", name, send, 422)


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


LONG_AND_ODD = [
    *(each for vendor in ("dayzero", "count", "solvimon") for each in _rest_ids(vendor)),
    *(_long_query_value(vendor) for vendor in ("dayzero", "count", "solvimon")),
    *(_long_strings(vendor) for vendor in VENDORS),
    *(_huge_number(vendor) for vendor in VENDORS),
    *_kojo_ids(),
    _dayzero_line("line-description-200kb", {"description": KB_200}),
    _dayzero_line("line-quantity-1e400", {"quantity": "INF"}),
]


@pytest.mark.parametrize("hostile", params(LONG_AND_ODD))
def test_long_strings_and_odd_ids_are_refused(target: Target, hostile: Case) -> None:
    run(target, hostile)


# 4. bad header values and query strings ----------------------------------------------------


def _with_header(
    vendor: str, name: str, value: str | bytes, label: str
) -> Callable[[Target], Answer]:
    """A valid write (Kojo: a valid query) carrying one hostile header value."""
    return lambda t: t.create(
        vendor, json.dumps(t.valid_body(vendor)).encode(), label, headers={name: value}
    )


# vendor, header, the status for a non-ASCII value and for a 64 KB one
HEADER_VALUES: list[tuple[str, str, int, int, str | None]] = [
    ("dayzero", "x-business-id", 403, 422),
    ("dayzero", "authorization", 401, 401),
    ("count", "x-client-id", 401, 401),
    ("count", "x-timestamp", 401, 401),
    ("count", "x-signature", 401, 401),
    ("count", "authorization", 401, 401),
    ("solvimon", "x-api-key", 401, 401),
    ("solvimon", "x-platform-id", 403, 400),
    ("kojo", "authorization", 200, 200),  # Kojo: errors, with HTTP 200
]


def _header_values(vendor: str, header: str, non_ascii: int, long: int) -> list[Case]:
    bearer = "Bearer " if header == "authorization" else ""
    odd = bearer.encode() + b"\xff\xfe"
    big = bearer + "a" * 65_536
    return [
        case(
            vendor,
            f"non-ascii-{header}",
            lambda t: [_with_header(vendor, header, odd, f"{header}: {odd!r}")(t)],
            non_ascii,
        ),
        case(
            vendor,
            f"64kb-{header}",
            lambda t: [_with_header(vendor, header, big, f"{header}: 64 KB")(t)],
            long,
        ),
    ]


def _nul_header(vendor: str, name: str) -> Case:
    """A NUL byte inside a credential header: only a raw socket sends it."""

    def send(t: Target) -> list[Answer]:
        body = json.dumps(t.valid_body(vendor)).encode()
        target = PREFIX[vendor] + t.create_path(vendor)
        value = t.auth(vendor, "POST", target, body)[name].encode()
        nul = (name.encode(), value[:8] + b"\x00" + value[8:])
        return [t.raw(vendor, b"POST", target.encode(), f"NUL in {name}", body=body, headers=[nul])]

    return case(vendor, f"nul-in-{name}", send, 400, SERVER)


def _forged_kojo_signature(t: Target) -> list[Answer]:
    payload = t.ids.kojo_token.rsplit(".", 1)[0]
    value = b"Bearer " + payload.encode() + b".\xff\xfe"
    return [_with_header("kojo", "authorization", value, "genuine payload, non-ASCII signature")(t)]


def _kojo_secret(t: Target) -> list[Answer]:
    basic = base64.b64encode(f"{KOJO_DEMO['client_id']}:café".encode()).decode()
    grant = {"grant_type": "client_credentials"}
    return [
        _answer(
            "Basic credentials, non-ASCII secret",
            t.http.post(
                "/kojo/oauth2/token", data=grant, headers={"authorization": f"Basic {basic}"}
            ),
        ),
        _answer(
            "form credentials, non-ASCII secret",
            t.http.post("/kojo/oauth2/token", data={**grant, **KOJO_DEMO, "client_secret": "café"}),
        ),
    ]


HEADERS = [
    *(each for row in HEADER_VALUES for each in _header_values(*row)),
    _nul_header("dayzero", "x-business-id"),
    _nul_header("count", "x-client-id"),
    _nul_header("solvimon", "x-api-key"),
    _nul_header("kojo", "authorization"),
    case(
        "kojo",
        "non-ascii-token-signature",
        _forged_kojo_signature,
        200,
    ),
    case("kojo", "oauth-non-ascii-secret", _kojo_secret, 401, "kojo-oauth"),
]


MANY_PARAMETERS = "&".join(["x=%FF"] * 10_000)


def _kojo_queries() -> list[Case]:
    """Kojo takes no query parameters: they are ignored, the query answered as without them."""
    query = {"query": "{ __typename }"}

    def post(suffix: str, label: str) -> Callable[[Target], Answer]:
        return lambda t: t.call("kojo", "POST", "/graphql?" + suffix, label, json=query)

    raw_target = b"/kojo/graphql?q=caf\xe9\xff"
    return [
        case(
            "kojo",
            "query-invalid-utf8-escapes",
            lambda t: [post("%FF%FE=%FF%FE", "%FF%FE=%FF%FE")(t)],
            200,
            "graphql-typename",
        ),
        case(
            "kojo",
            "query-10000-parameters",
            lambda t: [post(MANY_PARAMETERS, "10,000 parameters")(t)],
            200,
            "graphql-typename",
        ),
        case(
            "kojo",
            "query-raw-non-ascii-bytes",
            lambda t: [
                t.raw("kojo", b"POST", raw_target, "raw bytes", body=json.dumps(query).encode())
            ],
            400,
            SERVER,
        ),
    ]


def _queries(vendor: str) -> list[Case]:
    """A REST vendor's list, with a validated parameter (an enum, a number) made hostile."""
    path, bad, status = {
        "dayzero": ("/credit-memos", "status=%FF%FE", 422),
        "count": ("/customers", "limit=%FF%FE", 400),
        "solvimon": ("/invoices", "statuses[]=%FF%FE", 400),
    }[vendor]

    def get(suffix: str, label: str) -> Callable[[Target], Answer]:
        return lambda t: t.call(vendor, "GET", f"{path}?{suffix}", label)

    raw_target = (PREFIX[vendor] + path).encode() + b"?search=caf\xe9\xff"
    return [
        case(
            vendor,
            "query-invalid-utf8-escapes",
            lambda t: [get(bad, bad)(t), get("limit=%FF", "limit=%FF")(t)],
            status,
        ),
        case(
            vendor,
            "query-10000-parameters",
            lambda t: [get(f"{MANY_PARAMETERS}&{bad}", "10,000 parameters")(t)],
            status,
        ),
        case(
            vendor,
            "query-raw-non-ascii-bytes",
            lambda t: [t.raw(vendor, b"GET", raw_target, "raw bytes")],
            400,
            SERVER,
        ),
    ]


HEADERS_AND_QUERIES = [
    *HEADERS,
    *(each for vendor in ("dayzero", "count", "solvimon") for each in _queries(vendor)),
    *_kojo_queries(),
]


@pytest.mark.parametrize("hostile", params(HEADERS_AND_QUERIES))
def test_bad_header_values_and_query_strings_are_refused(target: Target, hostile: Case) -> None:
    run(target, hostile)


# 5. upload file names (COUNT) ----------------------------------------------------------------

UPLOADED = b"%PDF-1.4 hostile"
SAFE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")
STORE_FILE = re.compile(r"(_registry|[A-Za-z0-9_-]+)\.(json|log)")


@dataclass(frozen=True)
class Uploads:
    """A tenant of its own (uploads change data) with a COUNT invoice and its public link."""

    credentials: dict[str, str]
    invoice: str
    public_token: str

    def attachments(self, target: Target) -> int:
        """How many attachments the invoice has, read through its public view."""
        view = target.http.get(f"/count/public/{self.public_token}")
        assert view.status_code == 200, view.text
        return len(view.json()["attachments"])


@pytest.fixture(scope="module")
def uploads(target: Target) -> Uploads:
    tenant = target.http.post("/_sandbox/tenants", json={"name": "hostile uploads"})
    assert tenant.status_code == 201, tenant.text
    credentials = tenant.json()["credentials"]["count"]

    def ok(method: str, path: str, body: Any = None) -> Any:
        answer = target.call("count", method, path, path, json=body, credentials=credentials)
        assert answer.status in (200, 201), answer
        return answer.json()

    customer = ok("POST", "/customers", {"customer": "Uploads", "email": "ap@uploads.example"})[
        "id"
    ]
    product = ok("POST", "/products", {"name": "Hour", "unitPrice": 1})["id"]
    line = {"productUuid": product, "quantity": 1, "unitPrice": 1}
    invoice = ok(
        "POST", "/invoices", {"customerUuid": customer, "date": "2026-03-01", "products": [line]}
    )
    link = ok("GET", f"/invoices/{invoice['id']}/public-link")
    return Uploads(credentials, invoice["id"], link["publicToken"])


# str: sent by httpx (which writes ", CR and LF as %22, %0D, %0A); bytes: put in the part as is
UPLOAD_NAMES: list[tuple[str, str | bytes]] = [
    ("dot-dot-slash", "../../etc/passwd"),
    ("dot-dot-backslash", "..\\..\\boot.ini"),
    ("windows-absolute", "C:\\Windows\\win.ini"),
    ("absolute", "/etc/passwd"),
    ("10000-chars", "a" * 10_000),
    ("raw-nul", b"../..\x00/etc/passwd"),
    ("raw-newline", b"a\nb.txt"),
    ("raw-carriage-return", b"a\rb.txt"),
    ("escaped-nul-newline-cr", "a\x00b\nc\rd.txt"),
    ("raw-non-utf8", b"caf\xe9\xff.txt"),
    ("empty", ""),
    ("one-dot", "."),
    ("two-dots", ".."),
    ("only-dots", "....."),
    ("quote", 'a".txt'),
    ("emoji", "💥.txt"),
]


def _multipart(filename: bytes) -> tuple[bytes, str]:
    boundary = b"hostile0boundary"
    body = b"".join(
        [
            b"--" + boundary + b"\r\n",
            b'Content-Disposition: form-data; name="documents"; filename="' + filename + b'"\r\n',
            b"Content-Type: application/pdf\r\n\r\n",
            UPLOADED + b"\r\n--" + boundary + b"--\r\n",
        ]
    )
    return body, f"multipart/form-data; boundary={boundary.decode()}"


@pytest.mark.parametrize(
    ("name", "filename"), [pytest.param(name, filename, id=name) for name, filename in UPLOAD_NAMES]
)
def test_upload_file_names_are_refused_or_made_harmless(
    target: Target, uploads: Uploads, name: str, filename: str | bytes
) -> None:
    before = target.stored()
    attachments_before = uploads.attachments(target)
    route = f"/invoices/{uploads.invoice}/attachments/upload"
    if isinstance(filename, bytes):
        body, content_type = _multipart(filename)
        answer = target.call(
            "count",
            "POST",
            route,
            name,
            content=body,
            headers={"content-type": content_type},
            credentials=uploads.credentials,
        )
    else:
        files = [("documents", (filename, UPLOADED, "application/pdf"))]
        answer = target.call(
            "count", "POST", route, name, files=files, credentials=uploads.credentials
        )
    record("hostile_input", requests=1)
    assert answer.status in (201, 400), answer
    if answer.status == 400:
        _count(answer)
        assert uploads.attachments(target) == attachments_before, "a refused upload was stored"
    if answer.status == 201:
        stored = answer.json()["attachments"][-1]
        assert (stored["kind"], stored["size"]) == ("file", len(UPLOADED)), answer
        safe = stored["fileName"]
        assert SAFE_NAME.fullmatch(safe) and ".." not in safe, (filename, safe)
        assert uploads.attachments(target) == attachments_before + 1
        served = target.http.get(f"/count/public/{uploads.public_token}/attachments/{stored['id']}")
        assert served.status_code == 200, served.text
        assert served.content == UPLOADED
        assert served.headers["content-disposition"] == f'attachment; filename="{safe}"'
    for path in target.files():  # the store's own files, in its directory, and nothing else
        assert path.is_relative_to(target.data_dir) and STORE_FILE.fullmatch(path.name), path
    target.assert_up()
    assert target.stored() == before, "the demo tenant's stored data changed"


# 6. GraphQL (Kojo) ---------------------------------------------------------------------------


def _b36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


def _gql(name: str, body: Any, statuses: int, shape: str, message: str | None = None) -> Case:
    content = json.dumps(body).encode()
    return case("kojo", name, lambda t: [t.create("kojo", content, name)], statuses, shape, message)


_DEEP_ITEMS = "id"
for _ in range(5):
    _DEEP_ITEMS = f"creditMemoItems {{ creditMemo {{ {_DEEP_ITEMS} }} }}"
_ROOT_ALIASES = " ".join(f'a{_b36(n)}:creditMemo(id:"x"){{id}}' for n in range(3_000))
_ALIASES = " ".join(f"a{_b36(n)}:id" for n in range(10_000))

GRAPHQL = [
    _gql(
        "depth-over-limit",
        {"query": f"{{ creditMemos {{ {_DEEP_ITEMS} }} }}"},
        200,
        "graphql-refusal",
        "exceeds the limit of 8",
    ),
    _gql(
        "3000-fields-by-alias",
        {"query": f"{{ {_ROOT_ALIASES} }}"},
        200,
        "graphql-refusal",
        "more than 2904 fields",
    ),
    _gql(
        "query-200kb",
        {"query": "{ " + "__typename " * 20_000 + "}"},
        200,
        "kojo",
        "at most 100000 characters",
    ),
    _gql(
        "10000-aliases",
        {"query": f'{{ creditMemo(id: "x") {{ {_ALIASES} }} }}'},
        200,
        "graphql-null",
    ),
    _gql(
        "10000-identical-fields",
        {"query": "{ creditMemos(limit: 1) { " + "id " * 10_000 + "} }"},
        200,
        "graphql-refusal",
    ),
    _gql(
        "fragment-cycle",
        {
            "query": "{ creditMemos { ...A } }"
            " fragment A on CreditMemo { id ...B }"
            " fragment B on CreditMemo { invoiceId ...A }"
        },
        200,
        "graphql-refusal",
        "Cannot spread fragment",
    ),
    _gql(
        "selection-2000-deep",
        {"query": "{ creditMemos " + "{ creditMemoItems " * 2000 + "{ id }" + " }" * 2000 + " }"},
        200,
        "graphql-refusal",
        "nested too deeply",
    ),
    _gql(
        "argument-5000-deep",
        {"query": "{ creditMemos(limit: " + "[" * 5000 + "1" + "]" * 5000 + ") { id } }"},
        200,
        "graphql-refusal",
        "nested too deeply",
    ),
    _gql(
        "variables-500-deep",
        {"query": KOJO_BY_ID, "variables": {"id": json.loads("[" * 500 + "]" * 500)}},
        200,
        "kojo",
        "nested too deeply",
    ),
    _gql(
        "batched-array-body",
        [{"query": "{ __typename }"}, {"query": "{ __typename }"}],
        200,
        "kojo",
    ),
    _gql(
        "mutation",
        {"query": 'mutation { createCreditMemo(invoiceId: "x") { id } }'},
        200,
        "graphql-refusal",
        "mutation",
    ),
]


@pytest.mark.parametrize("hostile", params(GRAPHQL))
def test_hostile_graphql_is_refused(target: Target, hostile: Case) -> None:
    run(target, hostile)


# 7. methods and content types ----------------------------------------------------------------


def _typed(
    vendor: str,
    name: str,
    content_type: str | None,
    statuses: int | Iterable[int],
    body: bytes | None = None,
) -> Case:
    def send(t: Target) -> list[Answer]:
        content = json.dumps(t.valid_body(vendor)).encode() if body is None else body
        return [t.create(vendor, content, name, content_type=content_type)]

    return case(vendor, name, send, statuses)


_MULTIPART = (
    b'--b\r\nContent-Disposition: form-data; name="customer"\r\n\r\nAcme\r\n'
    b'--b\r\nContent-Disposition: form-data; name="amount_cents"\r\n\r\n500\r\n--b--\r\n'
)


def _methods(vendor: str) -> list[Case]:
    def unknown(t: Target) -> list[Answer]:
        path = t.create_path(vendor)
        return [t.call(vendor, verb, path, verb) for verb in ("PROPFIND", "TRACE", "PUT")]

    def malformed(t: Target) -> list[Answer]:
        target = (PREFIX[vendor] + t.create_path(vendor)).encode()
        return [t.raw(vendor, verb, target, repr(verb)) for verb in (b"FOO", b"P\x00ST")]

    return [
        case(vendor, "unknown-methods", unknown, 405),
        case(vendor, "malformed-methods", malformed, 400, SERVER),
    ]


CONTENT_TYPES = [
    each
    for vendor in VENDORS
    for each in (
        _typed(vendor, "unknown-content-type", "application/x-hostile", MEDIA_REFUSED[vendor]),
        _typed(vendor, "json-as-text-plain", "text/plain", MEDIA_REFUSED[vendor]),
        _typed(
            vendor,
            "multipart-to-json-route",
            "multipart/form-data; boundary=b",
            MEDIA_REFUSED[vendor],
            body=_MULTIPART,
        ),
        _typed(vendor, "empty-body-as-json", "application/json", BODY_REFUSED[vendor], body=b""),
        # without Content-Type a body is JSON, as FastAPI takes it: a broken one is refused so
        _typed(vendor, "no-content-type", None, BODY_REFUSED[vendor], body=b'{"broken": '),
        *_methods(vendor),
    )
]
CONTENT_TYPES.append(
    case(
        "kojo",
        "oauth-no-content-type",
        lambda t: [
            _answer(
                "token form without Content-Type",
                t.http.post(
                    "/kojo/oauth2/token",
                    content=(
                        "grant_type=client_credentials&client_id={client_id}&client_secret="
                        "{client_secret}".format(**KOJO_DEMO).encode()
                    ),
                ),
            )
        ],
        (400, 415),
        "kojo-oauth",
    )
)


@pytest.mark.parametrize("hostile", params(CONTENT_TYPES))
def test_wrong_methods_and_content_types_are_refused(target: Target, hostile: Case) -> None:
    run(target, hostile)
