"""Tally's adapter: what the harness needs to check a Tally API (see contracts/adapter.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from contracts.adapter import Adapter, Credentials
from contracts.http import Limits
from contracts.options import Option
from tests.fake_vendor.tally_contracts import checks
from tests.fake_vendor.tally_contracts.client import TallyCredentials, TallySession

if TYPE_CHECKING:
    from contracts.config import Settings


@dataclass(frozen=True)
class TallyAdapter(Adapter):
    name: str = "tally"
    title: str = "Tally"
    spec: str = str(Path(__file__).resolve().parents[1] / "tally.yaml")
    rules: str = "tests.fake_vendor.tally_contracts.rules"
    checks: ModuleType = checks
    probe_path: str = "/notes"
    options: tuple[Option, ...] = (
        Option(
            "tally_key", str, None, "the account's key (X-Tally-Key)", header=True, required=True
        ),
    )

    def credentials(self, settings: Settings) -> dict[str, str]:
        return {"api_key": settings.tally_key or ""}

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return {"X-Tally-Key": credentials["api_key"]}

    def session(
        self,
        settings: Settings | None,
        base_url: str,
        credentials: Credentials,
        other: Credentials | None,
        limits: Limits,
        run_id: str,
    ) -> TallySession:
        return TallySession(base_url, TallyCredentials.of(credentials), limits, run_id)


ADAPTER = TallyAdapter()
