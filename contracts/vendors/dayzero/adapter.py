"""DayZero's adapter: what the harness needs to check a DayZero API (see contracts/adapter.py)."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from contracts.adapter import Adapter, Credentials
from contracts.http import Limits
from contracts.options import Option
from contracts.vendors.dayzero import checks
from contracts.vendors.dayzero.client import DayZeroCredentials, DayZeroSession

if TYPE_CHECKING:
    from contracts.config import Settings


@dataclass(frozen=True)
class DayZeroAdapter(Adapter):
    name: str = "dayzero"
    title: str = "DayZero"
    rules: str = "contracts.vendors.dayzero.rules"
    options: tuple[Option, ...] = (
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
    spec: str = "dayzero.yaml"
    probe_path: str = "/api/v1/credit-memos"
    checks: ModuleType = checks
    # Schemathesis settings only this API needs (see schema_layer.CONFIG_TOML for the common ones):
    # DayZero documents 404 from unapply when the memo is not applied to that invoice, which says
    # nothing about whether the memo exists.
    generation_toml: str = ""
    operations_toml: str = (
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

    def session(
        self,
        settings: Settings | None,
        base_url: str,
        credentials: Credentials,
        other: Credentials | None,
        limits: Limits,
        run_id: str,
    ) -> DayZeroSession:
        second = DayZeroCredentials.of(other) if other else None
        own = DayZeroCredentials.of(credentials)
        return DayZeroSession(base_url, own, limits, run_id=run_id, other=second)
