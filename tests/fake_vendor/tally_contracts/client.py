"""Tally's API as a client calls it (its key in ``X-Tally-Key``), and the rules' session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from contracts.api_client import ApiClient, ClientCredentials
from contracts.http import Limits, Requester
from contracts.rules import RecordedSession


@dataclass(frozen=True)
class TallyCredentials(ClientCredentials):
    api_key: str


class TallyClient(ApiClient):
    vendor = "tally"
    tenant_field = "api_key"

    def __init__(self, http: Requester, credentials: TallyCredentials, **options: Any) -> None:
        super().__init__(http, **options)
        self.credentials = credentials

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Tally-Key": self.credentials.api_key}

    def issue(self, amount: int) -> dict[str, Any]:
        """A new note (notes cannot be deleted: a rule's notes stay, as on the real API)."""
        issued: dict[str, Any] = self.expect("POST", "/notes", 201, json={"amount": amount})
        return issued

    def use(self, note_id: str, amount: int) -> httpx.Response:
        return self.call("POST", f"/notes/{note_id}/use", json={"amount": amount})

    def note(self, note_id: str) -> dict[str, Any]:
        found: dict[str, Any] = self.expect("GET", f"/notes/{note_id}", 200)
        return found


class TallySession(RecordedSession):
    def __init__(
        self, base_url: str, credentials: TallyCredentials, limits: Limits, run_id: str
    ) -> None:
        super().__init__(base_url, limits, run_id, (credentials.api_key,))
        self.credentials = credentials

    def client(self, tag: str) -> TallyClient:
        return TallyClient(self.http, self.credentials, tag=tag, control=self.control_url)
