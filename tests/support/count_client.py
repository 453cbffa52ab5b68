"""A signed COUNT client for the tests, as an integrator's code would build it."""

from __future__ import annotations

from typing import Any

import httpx

from contracts.auth.count import CountSigner

DEMO = {
    "client_id": "cnt_demo_client",
    "client_secret": "cnt_demo_secret_0123456789abcdef",
    "access_token": "cpt_demo_0123456789abcdef",
}


def signer(credentials: dict[str, str] | None = None) -> CountSigner:
    values = credentials or DEMO
    return CountSigner(values["client_id"], values["client_secret"], values["access_token"])


class Count:
    """Signed calls to COUNT's Partner API under ``/count/partners``."""

    def __init__(self, http: Any, credentials: dict[str, str] | None = None) -> None:
        self.http = http
        self.auth = signer(credentials)

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("auth", self.auth)
        response: httpx.Response = self.http.request(method, f"/count/partners{path}", **kwargs)
        return response

    def ok(self, method: str, path: str, status: int, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response.json()
