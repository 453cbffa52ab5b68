"""Tally's API as a client calls it (its key in ``X-Tally-Key``), and the rules' session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from contracts.api_client import ApiClient, ClientCredentials
from contracts.rules import RecordedSession


@dataclass(frozen=True)
class TallyCredentials(ClientCredentials):
    api_key: str
    secret_fields = ("api_key",)


class TallyClient(ApiClient[TallyCredentials]):
    vendor = "tally"
    tenant_field = "api_key"

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


class TallySession(RecordedSession[TallyCredentials]):
    def client(self, tag: str) -> TallyClient:
        return TallyClient(self.http, self.credentials, tag=tag, control=self.control_url)
