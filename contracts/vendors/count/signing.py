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

# where the Schemathesis process finds the client secret that signs what it sends
SECRET_ENV = "CREDITBOX_COUNT_CLIENT_SECRET"


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

    def headers(
        self, method: str, path: str, body: bytes, timestamp: str | None = None
    ) -> dict[str, str]:
        """Every header of a signed request of ``body``: ``path`` as signed (under
        ``/partners``, without the query), ``timestamp`` now unless given."""
        stamp = str(int(self.clock())) if timestamp is None else timestamp
        return {
            "x-client-id": self.client_id,
            "x-timestamp": stamp,
            "x-signature": self.signature(method, path, stamp, body),
            "Authorization": f"Bearer {self.access_token}",
        }

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        path = signed_path(request.url.path)
        request.headers.update(self.headers(request.method, path, request.content))
        if not self.access_token:
            del request.headers["Authorization"]
        yield request

    def without_token(self) -> CountSigner:
        """This signer without a bearer token: the token routes are signed only."""
        return CountSigner(self.client_id, self.client_secret, "", self.clock)


class CountRequestsSigner(requests.auth.AuthBase):
    """The same signing for ``requests`` (which Schemathesis uses), over the prepared bytes."""

    def __init__(self, signer: CountSigner) -> None:
        self.signer = signer

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = prepared_bytes(request)
        if body is None:  # a streamed body cannot be hashed up front
            raise TypeError("CountRequestsSigner needs the whole body in memory")
        path = signed_path(urlsplit(request.url or "").path)
        request.headers.update(self.signer.headers(request.method or "GET", path, body))
        return request


def prepared_bytes(request: requests.PreparedRequest) -> bytes | None:
    """The exact bytes a prepared request sends, or None for a streamed body."""
    body = request.body or b""
    body = body.encode() if isinstance(body, str) else body
    return body if isinstance(body, bytes) else None
