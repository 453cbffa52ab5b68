"""COUNT's adapter: what the harness needs to check a COUNT API (see contracts/adapter.py)."""

from __future__ import annotations

import httpx

from contracts.adapter import Adapter, Credentials, SessionSetup
from contracts.checks import VENDOR_HOOKS_ENV
from contracts.options import Option, credential
from contracts.vendors.count.client import CountCredentials, CountSession
from contracts.vendors.count.signing import SECRET_ENV


class CountAdapter(Adapter):
    name = "count"
    title = "COUNT"
    probe_path = "/partners/invoices"
    documented_rate = 100 / 60  # 100 requests a minute per client id
    # COUNT signs every request: Schemathesis must not generate the signature headers itself.
    generation_toml = "with-security-parameters = false\n"

    options = (
        credential("client_id", "the partner client id (x-client-id)"),
        credential("client_secret", "the secret that signs requests"),
        credential("token", "the partner access token", key="access_token"),
        Option("ambiguous_uuid", str, None, "a UUID the target answers 409 for (legacy duplicate)"),
    )

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {credentials['access_token']}",
            "x-client-id": credentials["client_id"],
        }

    def probe_auth(self, credentials: Credentials) -> httpx.Auth | None:
        return CountCredentials.of(credentials).signer()

    def schema_env(self, credentials: Credentials) -> dict[str, str]:
        return {
            # named, not imported: the hooks module signs what Schemathesis sends once imported
            VENDOR_HOOKS_ENV: "contracts.vendors.count.schemathesis_signing",
            SECRET_ENV: credentials["client_secret"],
        }

    def session(self, setup: SessionSetup) -> CountSession:
        ambiguous = setup.settings.ambiguous_uuid if setup.settings else None
        own = CountCredentials.of(setup.credentials)
        return CountSession(
            setup.base_url, own, setup.limits, setup.run_id, ambiguous_uuid=ambiguous
        )
