"""COUNT's request signing, for any httpx client: ``httpx.Client(auth=CountSigner(...))``.

Every request gets ``x-client-id``, ``x-timestamp`` (Unix seconds), ``x-signature`` (hex
HMAC-SHA256 keyed with the client secret over ``METHOD:path:timestamp:bodyHash``) and the Bearer
partner token. ``path`` drops ``/partners`` and anything before it in the base URL (a mount such
as ``/count``), and the query string; ``bodyHash`` is the hex SHA-256 of the exact body bytes
sent, or the empty string for no body. Written from COUNT's documentation, independently of the
sandbox's verifier, so each proves the other.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Generator
from urllib.parse import urlsplit

import httpx
import requests

PARTNERS = "/partners"


def signed_path(url_path: str) -> str:
    index = url_path.find(PARTNERS + "/")
    return url_path[index + len(PARTNERS) :] if index >= 0 else url_path


class CountSigner(httpx.Auth):
    requires_request_body = True

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        access_token: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.access_token = access_token
        self.clock = clock

    def signature(self, method: str, path: str, timestamp: str, body: bytes) -> str:
        body_hash = hashlib.sha256(body).hexdigest() if body else ""
        message = f"{method.upper()}:{path}:{timestamp}:{body_hash}"
        return hmac.new(self.client_secret.encode(), message.encode(), hashlib.sha256).hexdigest()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        timestamp = str(int(self.clock()))
        path = signed_path(request.url.path)
        request.headers["x-client-id"] = self.client_id
        request.headers["x-timestamp"] = timestamp
        request.headers["x-signature"] = self.signature(
            request.method, path, timestamp, request.content
        )
        request.headers["Authorization"] = f"Bearer {self.access_token}"
        yield request


class CountRequestsSigner(requests.auth.AuthBase):
    """The same signing for ``requests`` (which Schemathesis uses), over the prepared bytes."""

    def __init__(self, signer: CountSigner) -> None:
        self.signer = signer

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode()
        if not isinstance(body, bytes):  # a streamed body cannot be hashed up front
            raise TypeError("CountRequestsSigner needs the whole body in memory")
        timestamp = str(int(self.signer.clock()))
        path = signed_path(urlsplit(request.url or "").path)
        request.headers["x-client-id"] = self.signer.client_id
        request.headers["x-timestamp"] = timestamp
        request.headers["x-signature"] = self.signer.signature(
            request.method or "GET", path, timestamp, body
        )
        request.headers["Authorization"] = f"Bearer {self.signer.access_token}"
        return request
