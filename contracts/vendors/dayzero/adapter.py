"""DayZero's adapter: what the harness needs to check a DayZero API (see contracts/adapter.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from contracts.adapter import Adapter, Credentials, SessionSetup
from contracts.options import Option
from contracts.vendors.dayzero.client import DayZeroCredentials, DayZeroSession

if TYPE_CHECKING:
    from contracts.config import Settings


class DayZeroAdapter(Adapter):
    name = "dayzero"
    title = "DayZero"
    options = (
        Option("token", str, None, "the API token", header=True, required=True),
        Option(
            "business_id",
            str,
            None,
            "the business UUID (x-business-id)",
            header=True,
            required=True,
        ),
        Option(
            "other_token", str, None, "a second business's token, for isolation rules", header=True
        ),
        Option("other_business_id", str, None, "the second business's UUID", header=True),
    )
    probe_path = "/api/v1/credit-memos"
    # Schemathesis settings only this API needs (see schema_layer.CONFIG_TOML for the common ones):
    # DayZero documents 404 from unapply when the memo is not applied to that invoice, which says
    # nothing about whether the memo exists.
    operations_toml = (
        "[[operations]]\n"
        'include-operation-id = "'
        'unapply_credit_memo_api_v1_credit_memos__credit_memo_id__unapply_post"\n'
        "checks.ensure_resource_availability.enabled = false\n"
    )

    def credentials(self, settings: Settings) -> dict[str, str]:
        return {"token": settings.token or "", "business_id": settings.business_id or ""}

    def other(self, settings: Settings) -> dict[str, str] | None:
        if settings.other_token and settings.other_business_id:
            return {"token": settings.other_token, "business_id": settings.other_business_id}
        return None

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return DayZeroCredentials.of(credentials).headers()

    def session(self, setup: SessionSetup) -> DayZeroSession:
        second = DayZeroCredentials.of(setup.other) if setup.other else None
        own = DayZeroCredentials.of(setup.credentials)
        return DayZeroSession(setup.base_url, own, setup.limits, setup.run_id, other=second)
