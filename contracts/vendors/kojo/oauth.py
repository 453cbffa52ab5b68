"""Kojo's OAuth 2 client-credentials step, as a client makes it."""

from __future__ import annotations

import httpx


def fetch_token(base_url: str, client_id: str, client_secret: str) -> str:
    """An access token from ``POST {base_url}/oauth2/token``; ``PermissionError`` if refused."""
    response = httpx.post(
        f"{base_url}/oauth2/token",
        data={
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
        },
        timeout=15,
    )
    if response.status_code in (400, 401, 403):
        raise PermissionError(f"the token endpoint answered {response.status_code}")
    response.raise_for_status()
    return str(response.json()["access_token"])
