"""Request bodies over their limit get 413, bodies sent too slowly get 408, each in the vendor's
shape, on a served sandbox: the server answers without reading an oversized body whole, keeps
serving other clients meanwhile, and stores nothing.

The sandbox runs with small limits (``--max-body-bytes``, ``--max-upload-bytes``,
``--body-timeout``) so the tests stay fast; the defaults are the same code with larger numbers.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from contracts.vendors.count.signing import signed_path
from contracts.vendors.dayzero.client import DayZeroCredentials
from tests.support.clients import (
    DEMO_BUSINESS_ID,
    DEMO_TOKEN,
    SOLVIMON_KEY,
    count_client,
    count_record,
    count_signer,
)
from tests.support.figures import record
from tests.support.processes import serving

JSON_LIMIT = 4_000
UPLOAD_LIMIT = 60_000
BODY_SECONDS = 1.5
ARGS = (
    *("--in-memory", "--max-body-bytes", str(JSON_LIMIT)),
    *("--max-upload-bytes", str(UPLOAD_LIMIT), "--body-timeout", str(BODY_SECONDS)),
)
TOO_LARGE = f"Request body too large: at most {JSON_LIMIT} bytes here"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving(ARGS) as url:
        yield url


def dayzero_headers() -> dict[str, str]:
    return DayZeroCredentials(DEMO_TOKEN, DEMO_BUSINESS_ID).headers()


# Each vendor: a write route, the headers it needs (COUNT's are signed over the body, so they are
# made per body), and how its refusal body says what happened.
def count_headers(path: str) -> Callable[[bytes], dict[str, str]]:
    return lambda body: count_signer().headers("POST", signed_path(path), body)


VENDORS: dict[str, tuple[str, Callable[[bytes], dict[str, str]], Callable[[Any], str]]] = {
    "dayzero": (
        "/dayzero/api/v1/customers",
        lambda body: dayzero_headers(),
        lambda answer: answer["detail"],
    ),
    "count": (
        "/count/partners/customers",
        count_headers("/count/partners/customers"),
        lambda answer: f"{answer['statusCode']} {answer['message']}",
    ),
    "solvimon": (
        "/solvimon/v1/invoices/inv_none/credit",
        lambda body: {"X-API-KEY": SOLVIMON_KEY},
        lambda answer: f"{answer['code']} {answer['message']}",
    ),
    "kojo": (
        "/kojo/graphql",
        lambda body: {},
        lambda answer: (
            f"{answer['errors'][0]['extensions']['code']} {answer['errors'][0]['message']}"
        ),
    ),
}
EXPECTED_413 = {
    "dayzero": TOO_LARGE,
    "count": f"413 {TOO_LARGE}",
    "solvimon": f"PAYLOAD_TOO_LARGE {TOO_LARGE}",
    "kojo": f"PAYLOAD_TOO_LARGE {TOO_LARGE}",
}


def snapshot(base_url: str) -> Any:
    return httpx.get(f"{base_url}/_sandbox/tenants/demo/snapshot", timeout=30).json()["data"]


def raw_exchange(base_url: str, head: bytes, body_parts: list[bytes], pause: float = 0) -> bytes:
    """Send ``head`` and then each of ``body_parts`` (``pause`` seconds apart) on one socket, and
    read the answer until the server closes or a whole response has come."""
    host, port = urlsplit(base_url).hostname, urlsplit(base_url).port
    assert host and port
    with socket.create_connection((host, port), timeout=15) as sock:
        sock.sendall(head)
        for part in body_parts:
            if pause:
                time.sleep(pause)
            try:
                sock.sendall(part)
            except OSError:
                break  # the server answered and closed: it stopped reading
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            received += chunk
            if b"\r\n\r\n" in received:
                head_part, _, rest = received.partition(b"\r\n\r\n")
                length = [
                    int(line.split(b":", 1)[1])
                    for line in head_part.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ]
                if length and len(rest) >= length[0]:
                    break
    return received


def request_head(path: str, headers: dict[str, str], extra: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: sandbox", "Content-Type: application/json"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join([*lines, extra]) + "\r\n\r\n").encode()


def assert_raw_413(base_url: str, vendor: str, framing: str, parts: list[bytes]) -> None:
    """An empty JSON body's headers with ``framing``, then ``parts``, on a socket: a 413 in
    the vendor's shape."""
    path, headers_for, say = VENDORS[vendor]
    head = request_head(path, headers_for(b"{}"), framing)
    status, answer = status_and_body(raw_exchange(base_url, head, parts))
    assert status == 413
    assert say(answer) == EXPECTED_413[vendor]
    record("hostile_input", requests=1)


def status_and_body(raw: bytes) -> tuple[int, Any]:
    head, _, body = raw.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), json.loads(body) if body else None


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_body_over_the_limit_is_413_in_the_vendors_shape(base_url: str, vendor: str) -> None:
    path, headers_for, say = VENDORS[vendor]
    before = snapshot(base_url)
    body = json.dumps({"name": "x" * JSON_LIMIT}).encode()
    answer = httpx.post(
        base_url + path,
        content=body,
        headers={**headers_for(body), "content-type": "application/json"},
    )
    assert answer.status_code == 413, answer.text
    assert say(answer.json()) == EXPECTED_413[vendor]
    assert snapshot(base_url) == before
    record("hostile_input", requests=1)


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_declared_huge_body_is_refused_before_it_is_sent(base_url: str, vendor: str) -> None:
    """``Content-Length: 1 GB`` and a few bytes: the 413 comes back without the rest."""
    started = time.monotonic()
    assert_raw_413(base_url, vendor, "Content-Length: 1000000000", [b'{"name": "'])
    assert time.monotonic() - started < BODY_SECONDS  # not a timeout: refused at once


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_chunked_body_is_refused_as_soon_as_it_passes_the_limit(
    base_url: str, vendor: str
) -> None:
    chunk = b"x" * 1000
    parts = [f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n" for _ in range(200)]  # 200 kB
    assert_raw_413(base_url, vendor, "Transfer-Encoding: chunked", parts)


@pytest.mark.parametrize("vendor", VENDORS)
def test_a_body_sent_too_slowly_is_408_and_others_are_served_meanwhile(
    base_url: str, vendor: str
) -> None:
    path, headers_for, say = VENDORS[vendor]
    before = snapshot(base_url)
    body = b'{"name": "slow"}'
    head = request_head(path, headers_for(body), f"Content-Length: {len(body)}")
    parts = [bytes([byte]) for byte in body]
    started = time.monotonic()
    served_meanwhile: list[float] = []

    def other_client() -> None:
        time.sleep(0.3)
        asked = time.monotonic()
        assert httpx.get(f"{base_url}/_sandbox/health", timeout=5).status_code == 200
        served_meanwhile.append(time.monotonic() - asked)

    other = threading.Thread(target=other_client)
    other.start()
    status, answer = status_and_body(raw_exchange(base_url, head, parts, pause=0.2))
    other.join()
    waited = time.monotonic() - started
    assert status == 408
    assert say(answer).endswith(f"Request body not received within {BODY_SECONDS:g} seconds")
    assert BODY_SECONDS <= waited < BODY_SECONDS + 2
    assert served_meanwhile and served_meanwhile[0] < 1, "the slow client held up another"
    assert snapshot(base_url) == before
    record("hostile_input", requests=2)


def test_an_upload_has_its_own_larger_limit(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as http:
        count = count_client(http)
        customer = count.customer("Uploads", "ap@uploads.example")["id"]
        product = count.product("Hour", 1)["id"]
        body = count_record(customer, product, 1)
        invoice = count.expect("POST", "/invoices", 201, json=body)["id"]
        route = f"/invoices/{invoice}/attachments/upload"
        under = ("documents", ("a.pdf", b"%PDF" + b"x" * (JSON_LIMIT * 2), "application/pdf"))
        assert count.call("POST", route, files=[under]).status_code == 201
        over = ("documents", ("b.pdf", b"%PDF" + b"x" * UPLOAD_LIMIT, "application/pdf"))
        refused = count.call("POST", route, files=[over])
        assert refused.status_code == 413
        limit = f"Request body too large: at most {UPLOAD_LIMIT} bytes here"
        assert refused.json() == {"message": limit, "statusCode": 413}
        files = count.get(invoice).get("attachments") or []
        assert [f.get("name") or f.get("title") for f in files if "b.pdf" in json.dumps(f)] == []
    record("hostile_input", requests=2)


def test_the_control_api_takes_a_snapshot_larger_than_the_json_limit(base_url: str) -> None:
    with httpx.Client(base_url=f"{base_url}/dayzero/api/v1", headers=dayzero_headers()) as http:
        for number in range(40):
            assert http.post("/customers", json={"name": f"Customer {number:03}"}).is_success
    exported = httpx.get(f"{base_url}/_sandbox/tenants/demo/snapshot").json()
    body = json.dumps(exported).encode()
    assert len(body) > JSON_LIMIT
    imported = httpx.put(
        f"{base_url}/_sandbox/tenants/restored/snapshot",
        content=body,
        headers={"content-type": "application/json"},
    )
    assert imported.status_code == 201, imported.text
    restored = httpx.get(f"{base_url}/_sandbox/tenants/restored/snapshot").json()
    assert restored["data"] == exported["data"]
