"""A Tally client over the harness's recording HTTP client: one method per operation."""

from __future__ import annotations

from typing import Any

import httpx

from contracts.http import Limits, RecordingClient


class TallyApi:
    def __init__(self, base_url: str, api_key: str, limits: Limits) -> None:
        self.http = RecordingClient(base_url, limits)
        self.http.secrets.add(api_key)
        self.headers = {"X-Tally-Key": api_key}

    def issue(self, amount: int) -> dict[str, Any]:
        response = self.http.request(
            "POST", "/notes", json={"amount": amount}, headers=self.headers
        )
        assert response.status_code == 201, f"issuing a note answered {response.status_code}"
        issued: dict[str, Any] = response.json()
        return issued

    def use(self, note_id: str, amount: int) -> httpx.Response:
        path = f"/notes/{note_id}/use"
        return self.http.request("POST", path, json={"amount": amount}, headers=self.headers)

    def get(self, note_id: str) -> httpx.Response:
        return self.http.request("GET", f"/notes/{note_id}", headers=self.headers)
