"""A deployment that drifts the way a real one does: from outside.

:class:`DriftProxy` is a small reverse proxy in front of a faithful sandbox. It forwards every
request unchanged (COUNT's signatures stay valid, the control API stays reachable) and rewrites
the vendor's answers with one :class:`Drift`, which may also answer a request itself without
forwarding it: a deployment that says it did what it did not. No switch inside the sandbox is
involved, so what the harness reports against it is what it would report against a deployment
that drifted.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from tests.support.processes import free_port

# Headers that describe the upstream's bytes, not the ones the proxy sends on.
HOP_HEADERS = {"content-length", "transfer-encoding", "content-encoding", "connection"}


@dataclass
class Exchange:
    """What a drift sees of one exchange, and may change: ``status`` and ``body`` (the JSON
    answer, ``None`` when there is none)."""

    method: str
    path: str  # under the vendor's mount, e.g. /api/v1/credit-memos
    query: dict[str, str]
    request: Any  # the JSON request body, or None
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)  # the request's, names in lower case


@dataclass(frozen=True)
class Drift:
    """One way the vendor's answers drift: ``rewrite`` changes an exchange in place."""

    name: str
    vendor: str
    what: str
    rewrite: Callable[[Exchange], None]
    # the rule, invariant or Schemathesis check that must report it
    seen_by: str
    # requests the deployment answers without acting on them: given the request (status 0, body
    # None), it fills in the answer and returns True, and the request never reaches the upstream
    answers: Callable[[Exchange], bool] | None = None
    # what the deployment does with a request before answering it: the JSON request body in,
    # the one it answers out (an argument it ignores, say); None: it reads requests as sent
    rewrite_request: Callable[[Any], Any] | None = None
    # the rows of docs/traceability.md whose behaviour this drift breaks: each names seen_by
    rows: tuple[str, ...] = ()
    # whether the rule that must report it sees it when run alone (``--rules``): not when it reads
    # records the other rules make (a list long enough to page, amounts to sort)
    alone: bool = True
    # the harness's layers that must see it
    layers: str = "rules"
    # the readings of disputed points the deployment speaks and the run expects ((point,
    # reading), …): a drift of a reading other than the default is a drift under that reading
    readings: tuple[tuple[str, str], ...] = ()


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None


class DriftProxy:
    """Forwards to ``upstream``; rewrites the answers of ``drift.vendor``'s mount (and, for a
    drift that reads requests its own way, the requests to it)."""

    def __init__(self, upstream: str, drift: Drift | None) -> None:
        self.upstream = upstream.rstrip("/")
        self.drift = drift
        self.rewritten = 0
        self.client = httpx.AsyncClient(base_url=self.upstream, timeout=60)

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Every request, whatever its method and path: no router in between, which would
        answer some paths itself (one with an encoded newline, say) and so drift on its own."""
        response = await self.forward(Request(scope, receive))
        await response(scope, receive, send)

    async def forward(self, request: Request) -> Response:
        content = await request.body()
        exchange = self._exchange(request, content)
        answers = self.drift.answers if self.drift else None
        if exchange is not None and answers is not None and answers(exchange):
            self.rewritten += 1
            return Response(_bytes(exchange.body), exchange.status, media_type="application/json")
        headers = [(k, v) for k, v in request.headers.items() if k.lower() != "host"]
        # the raw bytes of path and query, as sent: a decoded path may not even be a valid URL
        target = request.scope["raw_path"].decode("latin-1")
        if request.scope.get("query_string"):
            target += "?" + request.scope["query_string"].decode("latin-1")
        sent = content
        if exchange is not None and self.drift and self.drift.rewrite_request:
            sent = self._rewritten_request(content, self.drift.rewrite_request)
            if sent != content:
                headers = [(k, v) for k, v in headers if k.lower() not in HOP_HEADERS]
        answer = await self.client.send(
            self.client.build_request(request.method, target, headers=headers, content=sent)
        )
        status, body = answer.status_code, answer.content
        if exchange is not None:
            assert self.drift is not None
            exchange.status, exchange.body = status, _json(body)
            before = (exchange.status, json.dumps(exchange.body))
            self.drift.rewrite(exchange)
            if (exchange.status, json.dumps(exchange.body)) != before:
                self.rewritten += 1
                status, body = exchange.status, _bytes(exchange.body)
        kept = {k: v for k, v in answer.headers.items() if k.lower() not in HOP_HEADERS}
        return Response(body, status_code=status, headers=kept)

    def _exchange(self, request: Request, content: bytes) -> Exchange | None:
        """The exchange a drift sees, for a request to the drifting vendor's mount (its answer
        not yet known: status 0, body None); None for any other request."""
        mount = f"/{self.drift.vendor}" if self.drift else None
        if not mount or not request.url.path.startswith(mount + "/"):
            return None
        path = request.url.path[len(mount) :]
        query, headers = dict(request.query_params), dict(request.headers)
        return Exchange(request.method, path, query, _json(content), 0, None, headers)

    def _rewritten_request(self, content: bytes, rewrite: Callable[[Any], Any]) -> bytes:
        """``content`` as the drift reads it (unchanged if it is not JSON or stays the same)."""
        request = _json(content)
        if request is None:
            return content
        before = json.dumps(request)
        changed = rewrite(request)
        if json.dumps(changed) == before:
            return content
        self.rewritten += 1
        return json.dumps(changed).encode()


def _bytes(body: Any) -> bytes:
    return b"" if body is None else json.dumps(body).encode()


@contextlib.contextmanager
def drifting(upstream: str, drift: Drift | None) -> Iterator[tuple[str, DriftProxy]]:
    """Serve a :class:`DriftProxy` to ``upstream`` on a free port; yield its base URL."""
    proxy = DriftProxy(upstream, drift)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            proxy.app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            http="httptools",
            lifespan="off",
            interface="asgi3",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the drift proxy did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", proxy
    finally:
        server.should_exit = True
        thread.join(timeout=10)
