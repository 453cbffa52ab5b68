"""Solvimon's adapter: what the harness needs to check a Solvimon API (see contracts/adapter.py)."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from contracts.adapter import Adapter, Credentials
from contracts.http import Limits
from contracts.options import Option, ids
from contracts.vendors.solvimon import checks
from contracts.vendors.solvimon.client import SolvimonCredentials, SolvimonSession, Supplies

if TYPE_CHECKING:
    from contracts.config import Settings


@dataclass(frozen=True)
class SolvimonAdapter(Adapter):
    name: str = "solvimon"
    title: str = "Solvimon"
    rules: str = "contracts.vendors.solvimon.rules"
    options: tuple[Option, ...] = (
        Option("api_key", str, None, "the API key (X-API-KEY)", header=True, required=True),
        Option("platform_id", str, None, "the platform to act on (x-platform-id)", header=True),
        Option(
            "other_platform_id",
            str,
            None,
            "a second platform the key reaches (isolation)",
            header=True,
        ),
        Option(
            "view_only_api_key",
            str,
            None,
            "a key without INVOICE.CREDIT.CREATE, for the permission rule",
            header=True,
        ),
        Option(
            "final_invoices",
            ids,
            (),
            "comma-separated FINAL invoices the rules may credit (one used up per rule)",
            takes_list=True,
        ),
        Option("open_invoice", str, None, "an invoice that is not FINAL yet"),
    )
    spec: str = "solvimon.yaml"
    probe_path: str = "/v1/invoices"
    checks: ModuleType = checks
    generation_toml: str = ""
    operations_toml: str = ""

    def credentials(self, settings: Settings) -> dict[str, str]:
        return {"api_key": settings.api_key or "", "platform_id": settings.platform_id or ""}

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return SolvimonCredentials.of(credentials).headers()

    def session(
        self,
        settings: Settings | None,
        base_url: str,
        credentials: Credentials,
        other: Credentials | None,
        limits: Limits,
        run_id: str,
    ) -> SolvimonSession:
        own = SolvimonCredentials(
            credentials["api_key"],
            credentials.get("platform_id") or None,
            settings.other_platform_id if settings else None,
            settings.view_only_api_key if settings else None,
        )
        supplies = (
            Supplies(list(settings.final_invoices), settings.open_invoice)
            if settings
            else Supplies()
        )
        return SolvimonSession(base_url, own, supplies, limits, run_id)
