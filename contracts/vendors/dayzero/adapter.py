"""DayZero's adapter: what the harness needs to check a DayZero API (see contracts/adapter.py)."""

from __future__ import annotations

from contracts.adapter import Adapter, Credentials, SessionSetup
from contracts.options import credential, other_credential
from contracts.vendors.dayzero.client import DayZeroCredentials, DayZeroSession


class DayZeroAdapter(Adapter):
    name = "dayzero"
    title = "DayZero"
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

    options = (
        credential("token", "the API token"),
        credential("business_id", "the business UUID (x-business-id)"),
        other_credential(
            "other_token", "a second business's token, for isolation rules", key="token"
        ),
        other_credential("other_business_id", "the second business's UUID", key="business_id"),
    )

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return DayZeroCredentials.of(credentials).headers()

    def session(self, setup: SessionSetup) -> DayZeroSession:
        second = DayZeroCredentials.of(setup.other) if setup.other else None
        own = DayZeroCredentials.of(setup.credentials)
        return DayZeroSession(setup.base_url, own, setup.limits, setup.run_id, other=second)
