"""wrk sends an operation's variants in turn: the Lua script it is given, and a one-second run
of it against a small local server that notes what it is sent."""

from __future__ import annotations

import itertools
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load
from bench.load import Request, Variant

VARIANTS = [
    Variant("http://127.0.0.1:9/m/1/apply", {"invoice_id": "i-1", "amount_cents": 1}),
    Variant("http://127.0.0.1:9/m/2/apply", {"invoice_id": "i-2", "note": 'a "quoted" é'}),
    Variant("http://127.0.0.1:9/m/3/apply?x=1", {"invoice_id": "i-3", "amount_cents": 1}),
]


class Noted(BaseHTTPRequestHandler):
    """Answers ``{}`` to every POST, keeping the connection, and notes its path and body."""

    protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects
    seen: list[tuple[str, object]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.seen.append((self.path, json.loads(body)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def noting_server() -> Iterator[tuple[str, list[tuple[str, object]]]]:
    """A local server on a free port, and the (path, body) of each request it answers."""
    seen: list[tuple[str, object]] = []
    handler = type("NotedHere", (Noted,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def _cycling(origin: str) -> Request:
    moved = [Variant(v.url.replace("http://127.0.0.1:9", origin), v.body) for v in VARIANTS]
    return Request.cycling("POST", {"Authorization": "Bearer t"}, moved)


def test_a_request_with_variants_has_a_script_that_goes_round_them() -> None:
    script = load._lua(_cycling("http://127.0.0.1:9"))
    assert "function request()" in script
    assert "turn = turn % #variants + 1" in script
    for path in ('"/m/1/apply"', '"/m/2/apply"', '"/m/3/apply?x=1"'):
        assert script.count(path) == 1
    # the body is JSON text in a Lua string: its quotes escaped, its \u escape kept as text
    assert r'\"note\": \"a \\\"quoted\\\" \\u00e9\"}"}' in script


def test_a_single_request_sends_the_same_request_every_time() -> None:
    script = load._lua(Request("POST", "http://x/y", {}, {"a": 1}))
    assert "request" not in script and "variants" not in script


def test_a_request_starts_with_its_first_variant() -> None:
    request = _cycling("http://127.0.0.1:9")
    assert (request.url, request.body) == (VARIANTS[0].url, VARIANTS[0].body)
    assert request.sent == tuple(VARIANTS)
    assert Request("GET", "http://x/y", {}).sent == (Variant("http://x/y"),)


def test_variants_must_share_a_server_and_all_have_a_body_or_none() -> None:
    with pytest.raises(ValueError, match="more than one server"):
        Request.cycling("GET", {}, [Variant("http://a:1/x"), Variant("http://b:1/x")])
    with pytest.raises(ValueError, match="some variants have a body"):
        Request.cycling("POST", {}, [Variant("http://a:1/x", {}), Variant("http://a:1/y")])
    with pytest.raises(ValueError, match="the first variant's"):
        Request("GET", "http://a:1/y", {}, None, (Variant("http://a:1/x"),))


def test_repointing_moves_every_variant_and_keeps_the_headers() -> None:
    request = _cycling("http://127.0.0.1:9")
    moved = request.repointed(lambda url: url.replace("127.0.0.1:9", "prism:4010"))
    assert [v.url for v in moved.sent] == [
        "http://prism:4010/m/1/apply",
        "http://prism:4010/m/2/apply",
        "http://prism:4010/m/3/apply?x=1",
    ]
    assert [v.body for v in moved.sent] == [v.body for v in VARIANTS]
    assert moved.headers == request.headers and moved.url == moved.sent[0].url


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_wrk_sends_every_variant_in_turn(
    noting_server: tuple[str, list[tuple[str, object]]],
) -> None:
    origin, seen = noting_server
    measured = load.run(_cycling(origin), seconds=1, connections=1)
    expected = [(v.url.removeprefix(origin), v.body) for v in _cycling(origin).sent]
    assert measured.requests >= 6 and measured.failures == 0
    # one thread, one connection: each request the variant after the one before, round after
    # round (wrk calls request() once before the run, so the first sent may be any)
    turns = [expected.index(request) for request in seen]
    assert all(after == (before + 1) % 3 for before, after in itertools.pairwise(turns))
    counts = [seen.count(variant) for variant in expected]
    assert max(counts) - min(counts) <= 1 and sum(counts) == len(seen)


def test_headers_that_expire_are_made_afresh_for_every_run() -> None:
    made = iter(["first", "second"])
    request = Request(
        "GET",
        "http://x/y",
        {"x-signature": "at prepare"},
        fresh_headers=lambda: {"x-signature": next(made)},
    )
    assert 'wrk.headers["x-signature"] = "first"' in load._lua(request)
    assert 'wrk.headers["x-signature"] = "second"' in load._lua(request)
