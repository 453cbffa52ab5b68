"""Tally's adapter: what the harness needs to check a Tally API (see contracts/adapter.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from contracts.adapter import Adapter, Credentials, SessionSetup
from contracts.options import Option
from tests.fake_vendor.tally_contracts.client import TallyCredentials, TallySession

if TYPE_CHECKING:
    from contracts.config import Settings


class TallyAdapter(Adapter):
    name = "tally"
    title = "Tally"
    spec = str(Path(__file__).resolve().parents[1] / "tally.yaml")
    probe_path = "/notes"
    options = (
        Option(
            "tally_key", str, None, "the account's key (X-Tally-Key)", header=True, required=True
        ),
    )

    def credentials(self, settings: Settings) -> dict[str, str]:
        return {"api_key": settings.tally_key or ""}

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return {"X-Tally-Key": credentials["api_key"]}

    def session(self, setup: SessionSetup) -> TallySession:
        own = TallyCredentials.of(setup.credentials)
        return TallySession(setup.base_url, own, setup.limits, setup.run_id)


ADAPTER = TallyAdapter()
