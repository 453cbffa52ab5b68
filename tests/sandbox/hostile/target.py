"""Hostile input against a served sandbox: every vendor refuses it cleanly and stores nothing.

One ``creditbox serve`` process (real sockets, the demo fixture, its data on disk in a temporary
directory; ``conftest.py``) takes what a careless or malicious client could send: through httpx,
and as raw HTTP/1.1 bytes on a socket where httpx refuses to send something malformed. Each file
of this package proves one concern for each of the four vendors (DayZero, COUNT, Solvimon, Kojo):
bodies (``test_bodies.py``), ids in paths and GraphQL variables (``test_ids.py``), header values
(``test_headers.py``), query strings (``test_query_strings.py``), COUNT's upload file names
(``test_uploads.py``), Kojo's GraphQL (``test_graphql.py``), and methods and content types
(``test_methods_and_content_types.py``).

Every request gets its answer within a few seconds: a 4xx, in the vendor's own error shape
(``sandbox/vendors/<vendor>/errors.py``) whenever the request reached the application, or from
the HTTP server itself (uvicorn: ``400 Invalid HTTP request received.``, or a closed connection)
for requests too malformed to parse. Kojo answers what it refuses the GraphQL way, HTTP 200 with
``errors`` (``sandbox/vendors/kojo/errors.py``), but for a body too large or too slow. Never a
5xx, never a hang. After every test the server still answers its health check, and the demo
tenant's stored data is byte-for-byte what it was before (its snapshot, but for
``exported_at``). Hostile requests are write attempts with the demo tenant's valid credentials
(each vendor's harness client's, ``contracts/vendors/<v>/client.py``) wherever the route allows,
so that a bug would store something.

This module holds what the files share: the served sandbox as a :class:`Target`, the answers,
the vendors' error shapes, and a :class:`Case` of hostile requests with what each must get.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from contracts.api_client import ApiClient
from tests.support.clients import count_client, dayzero_client, kojo_client, solvimon_client
from tests.support.figures import record

TIMEOUT = 5.0  # seconds any one request may take: longer is a hang
VENDORS = ("dayzero", "count", "solvimon", "kojo")
REST_VENDORS = ("dayzero", "count", "solvimon")
# the status each vendor refuses a body with when its validator cannot use it
# Kojo answers a body that is not a GraphQL request as a GraphQL result: HTTP 200, ``errors``
BODY_REFUSED = {"dayzero": 422, "count": 400, "solvimon": 400, "kojo": 200}
MEDIA_REFUSED = {"dayzero": 415, "count": 415, "solvimon": 415, "kojo": 200}
KB_200 = "x" * 200_000
KOJO_BY_ID = "query($id: ID!) { creditMemo(id: $id) { id } }"
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


def answer(label: str, response: httpx.Response) -> Answer:
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


# the served sandbox --------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoIds:
    dayzero_customer: str
    solvimon_invoice: str  # FINAL, so a valid credit body would credit it


class Target:
    """The served sandbox, with a client of every vendor as the demo tenant."""

    def __init__(self, base_url: str, http: httpx.Client, root: Path, data_dir: Path) -> None:
        self.base_url = base_url
        self.http = http
        self.root = root
        self.data_dir = data_dir
        snapshot = self.snapshot()["data"]
        self.clients: dict[str, ApiClient] = {
            "dayzero": dayzero_client(http),
            "count": count_client(http),
            "solvimon": solvimon_client(http),
            "kojo": kojo_client(http),
        }
        self.ids = DemoIds(
            dayzero_customer=next(iter(snapshot["dayzero_customers"].values()))["id"],
            solvimon_invoice=next(
                doc["id"]
                for doc in snapshot["solvimon_invoices"].values()
                if doc["status"] == "FINAL"
            ),
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

    def url(self, vendor: str, path: str) -> str:
        """``path`` under the vendor's API (``/dayzero/api/v1`` + ``path``)."""
        return self.clients[vendor].url(path)

    def auth(
        self, vendor: str, method: str, target: str, body: bytes, client: ApiClient | None = None
    ) -> dict[str, str]:
        """The demo tenant's credentials (or ``client``'s) for one request of exactly ``body``
        to ``target``, header names in lower case, as the hostile cases name those they
        replace."""
        chosen = client or self.clients[vendor]
        return {
            name.lower(): value for name, value in chosen.auth_headers(method, target, body).items()
        }

    def call(
        self,
        vendor: str,
        method: str,
        path: str,
        label: str,
        *,
        headers: Headers | None = None,
        client: ApiClient | None = None,
        **body: Any,
    ) -> Answer:
        """``method`` on ``path`` under the vendor's API with the demo tenant's credentials (or
        ``client``'s), then ``headers`` on top (their values may be bytes). ``body``: httpx's
        ``json``, ``content``, ``files``, ``data`` or ``params``."""
        draft = self.http.build_request(method, self.url(vendor, path), **body)
        content = draft.read()
        target = draft.url.raw_path.split(b"?", 1)[0].decode("ascii")
        sent: dict[str, str | bytes] = dict(self.auth(vendor, method, target, content, client))
        if "content-type" in draft.headers:
            sent["content-type"] = draft.headers["content-type"]
        sent.update({name.lower(): value for name, value in (headers or {}).items()})
        pairs = [
            (name.encode(), value if isinstance(value, bytes) else value.encode())
            for name, value in sent.items()
        ]
        request = self.http.build_request(method, draft.url, content=content or None, headers=pairs)
        return answer(label, self.http.send(request))

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
        """The vendor's main create (write) endpoint, under its API."""
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


def count_error(answer: Answer) -> None:
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
    "count": count_error,
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


def with_body(
    vendor: str, name: str, body: Callable[[Target], bytes], statuses: int, **options: Any
) -> Case:
    """``body`` (made for the target) sent to the vendor's create endpoint."""
    return case(vendor, name, lambda t: [t.create(vendor, body(t), name)], statuses, **options)
