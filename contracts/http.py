"""The harness's HTTP client: a request budget, a rate cap, and a record of every exchange.

Rules talk to the target only through :class:`RecordingClient`, so a failing rule can show the
requests and responses that prove it, and a run against a real deployment never sends more, or
faster, than it was allowed to.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit

import httpx

SECRET_HEADERS = frozenset({"authorization", "x-api-key", "x-signature"})
# where a creditbox sandbox serves its control API (contracts.sandbox_control)
CONTROL_PATH = "/_sandbox/"


class BudgetExhausted(RuntimeError):
    """The run's request budget is spent; remaining rules are skipped."""


@dataclass(frozen=True)
class Exchange:
    """One request and its response, as shown in a report (secrets masked)."""

    method: str
    url: str
    request_headers: dict[str, str]
    request_body: str | None
    status: int
    response_body: str
    elapsed_ms: float

    def secrets_hidden(self) -> Exchange:
        """This exchange with no part of a secret header's value (a report shows their start,
        to tell credentials apart; a file kept for long, such as a profile, shows none)."""
        headers = {
            name: "[secret]" if name.lower() in SECRET_HEADERS else value
            for name, value in self.request_headers.items()
        }
        return replace(self, request_headers=headers)

    def as_text(self) -> str:
        lines = [f"{self.method} {self.url}"]
        lines += [f"{name}: {value}" for name, value in self.request_headers.items()]
        if self.request_body:
            lines += ["", self.request_body]
        lines += ["", f"→ {self.status}  ({self.elapsed_ms:.0f} ms)", self.response_body]
        return "\n".join(lines)


def _masked(headers: httpx.Headers) -> dict[str, str]:
    shown = {}
    for name, value in headers.items():
        if name.lower() in SECRET_HEADERS:
            value = value[:10] + "…" if len(value) > 10 else "…"
        if name.lower() in {
            "authorization",
            "x-business-id",
            "content-type",
        } or name.lower().startswith("x-"):
            shown[name] = value
    return shown


def _text(content: bytes, limit: int = 4000) -> str:
    text = content.decode("utf-8", errors="replace")
    with contextlib.suppress(ValueError):
        text = json.dumps(json.loads(text), indent=2)
    return text if len(text) <= limit else text[:limit] + "\n…"


# Shown every response a run's clients receive, with its recorded (masked) exchange.
Observer = Callable[[httpx.Response, Exchange], None]


@dataclass
class Limits:
    """How much a run may send: ``max_requests`` in all, at most ``rate_per_second``; and, shared
    by every client of the run the same way, the admin token its requests to a creditbox
    sandbox's control API carry (``control_token``: needed only off loopback) and who watches
    the responses (``observe``: the invariants, ``contracts.traffic``)."""

    max_requests: int = 1000
    rate_per_second: float = 10.0
    control_token: str | None = None
    observe: Observer | None = None
    sent: int = 0
    _last: float = field(default=0.0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def acquire(self, budgeted: bool = True) -> None:
        """Wait for the rate cap; count against the budget unless ``budgeted`` is False."""
        with self._lock:
            if budgeted and self.sent >= self.max_requests:
                raise BudgetExhausted(f"request budget of {self.max_requests} spent")
            if self.rate_per_second > 0:
                wait = self._last + 1 / self.rate_per_second - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
            self._last = time.monotonic()
            if budgeted:
                self.sent += 1


class RecordingClient:
    """An httpx client bound to a base URL that counts, paces and records every request."""

    def __init__(
        self,
        base_url: str,
        limits: Limits,
        timeout: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), timeout=timeout, transport=transport
        )
        self.limits = limits
        self.exchanges: list[Exchange] = []
        self.secrets: set[str] = set()
        self.budgeted = True

    @contextlib.contextmanager
    def unbudgeted(self) -> Iterator[None]:
        """Requests that clean up after a rule: paced, but never refused for the budget."""
        self.budgeted = False
        try:
            yield
        finally:
            self.budgeted = True

    def mask(self, text: str) -> str:
        """``text`` with every known secret (tokens) replaced, for reports and messages."""
        for secret in self.secrets:
            if secret:
                text = text.replace(secret, "[secret]")
        return text

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self.limits.acquire(self.budgeted)
        token = self.limits.control_token
        if token and urlsplit(url).path.startswith(CONTROL_PATH):
            headers = kwargs.get("headers") or {}
            kwargs["headers"] = {**headers, "Authorization": f"Bearer {token}"}
        started = time.perf_counter()
        response = self._client.request(method, url, **kwargs)
        elapsed = (time.perf_counter() - started) * 1000
        body = response.request.content
        exchange = Exchange(
            method=method,
            url=str(response.request.url),
            request_headers=_masked(response.request.headers),
            request_body=self.mask(_text(body)) if body else None,
            status=response.status_code,
            response_body=self.mask(_text(response.content)),
            elapsed_ms=elapsed,
        )
        self.exchanges.append(exchange)
        if self.limits.observe is not None:
            self.limits.observe(response, exchange)
        return response

    def take_exchanges(self) -> list[Exchange]:
        """The exchanges since the last call (one rule's evidence)."""
        taken, self.exchanges = self.exchanges, []
        return taken

    def close(self) -> None:
        self._client.close()


# What the vendors' clients (contracts/vendors/<v>/client.py) send through: the harness's
# recording client, or any httpx client (Starlette's TestClient is one).
Requester = RecordingClient | httpx.Client
