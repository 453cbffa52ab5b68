"""Solvimon's adapter: what the harness needs to check a Solvimon API (see contracts/adapter.py)."""

from __future__ import annotations

from contracts.adapter import Adapter, Credentials, SessionSetup
from contracts.options import Option, credential, ids
from contracts.vendors.solvimon.client import SolvimonCredentials, SolvimonSession, Supplies


class SolvimonAdapter(Adapter):
    name = "solvimon"
    title = "Solvimon"
    probe_path = "/v1/invoices"
    options = (
        credential("api_key", "the API key (X-API-KEY)"),
        credential("platform_id", "the platform to act on (x-platform-id)", required=False),
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
