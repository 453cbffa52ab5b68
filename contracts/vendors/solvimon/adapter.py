"""Solvimon's adapter: what the harness needs to check a Solvimon API (see contracts/adapter.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.adapter import Adapter, Credentials, SessionSetup
from contracts.options import Option, ids
from contracts.vendors.solvimon.client import SolvimonCredentials, SolvimonSession, Supplies

if TYPE_CHECKING:
    from contracts.config import Settings


class SolvimonAdapter(Adapter):
    name = "solvimon"
    title = "Solvimon"
    options = (
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
    probe_path = "/v1/invoices"

    def credentials(self, settings: Settings) -> dict[str, str]:
        return {"api_key": settings.api_key or "", "platform_id": settings.platform_id or ""}

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return SolvimonCredentials.of(credentials).headers()

    def session(self, setup: SessionSetup) -> SolvimonSession:
        settings = setup.settings
        own = SolvimonCredentials(
            setup.credentials["api_key"],
            setup.credentials.get("platform_id") or None,
            settings.other_platform_id if settings else None,
            settings.view_only_api_key if settings else None,
        )
        supplies = (
            Supplies(list(settings.final_invoices), settings.open_invoice)
            if settings
            else Supplies()
        )
        return SolvimonSession(setup.base_url, own, supplies, setup.limits, setup.run_id)
