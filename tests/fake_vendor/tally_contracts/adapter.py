"""Tally's adapter: what the harness needs to check a Tally API (see contracts/adapter.py)."""

from __future__ import annotations

from pathlib import Path

from contracts.adapter import Adapter, Credentials, SessionSetup
from contracts.options import credential
from tests.fake_vendor.tally_contracts.client import TallyCredentials, TallySession


class TallyAdapter(Adapter):
    name = "tally"
    title = "Tally"
    spec = str(Path(__file__).resolve().parents[1] / "tally.yaml")
    probe_path = "/notes"
    options = (credential("tally_key", "the account's key (X-Tally-Key)", key="api_key"),)

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return {"X-Tally-Key": credentials["api_key"]}

    def session(self, setup: SessionSetup) -> TallySession:
        own = TallyCredentials.of(setup.credentials)
        return TallySession(setup.base_url, own, setup.limits, setup.run_id)


ADAPTER = TallyAdapter()
