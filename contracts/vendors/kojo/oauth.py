"""Kojo's OAuth 2 client-credentials step, as a client makes it."""

from __future__ import annotations

import httpx

from contracts.vendors.kojo.client import KojoClient, KojoCredentials


def fetch_token(base_url: str, client_id: str, client_secret: str) -> str:
    """An access token from ``POST {base_url}/oauth2/token``; ``PermissionError`` if refused."""
    with httpx.Client(base_url=base_url, timeout=15) as http:
        response = KojoClient(http, KojoCredentials(client_id, client_secret)).request_token()
    if response.status_code in (400, 401, 403):
        raise PermissionError(f"the token endpoint answered {response.status_code}")
    response.raise_for_status()
    return str(response.json()["access_token"])
