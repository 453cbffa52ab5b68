"""Schemathesis hooks for COUNT: sign every request the Schemathesis process sends, as COUNT's
client does. A hooks module of its own (``SCHEMATHESIS_HOOKS``, as the README's ``st run`` for
COUNT gives it), also imported by ``contracts/st_hooks.py`` when the adapter's ``schema_env``
names it; the client secret comes in ``SECRET_ENV``. Importing it patches Schemathesis' session
factory, so nothing else imports it."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import requests

from contracts.vendors.count.signing import SECRET_ENV, CountSigner, prepared_bytes, signed_path


class SigningAuth(requests.auth.AuthBase):
    """Signs the prepared bytes of every request that carries ``x-client-id``.

    The client id and the partner token come as plain headers; Schemathesis drops them when it
    tests a request without credentials, and then nothing is signed, as a client that forgot
    its credentials would send it.
    """

    def __init__(self, secret: str) -> None:
        self.signer = CountSigner("", secret, "")

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        if "x-client-id" not in request.headers:
            return request
        body = prepared_bytes(request)
        if body is None:
            return request
        timestamp = str(int(self.signer.clock()))
        path = signed_path(urlsplit(request.url or "").path)
        request.headers["x-timestamp"] = timestamp
        request.headers["x-signature"] = self.signer.signature(
            request.method or "GET", path, timestamp, body
        )
        return request


def sign_requests(secret: str) -> None:
    from schemathesis.engine import context

    make_session = context.make_session

    def signed_session(*args: Any, **kwargs: Any) -> requests.Session:
        session = make_session(*args, **kwargs)
        session.auth = SigningAuth(secret)
        return session

    context.make_session = signed_session


if os.environ.get(SECRET_ENV):
    sign_requests(os.environ[SECRET_ENV])
