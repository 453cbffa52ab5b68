"""COUNT's adapter: what the harness needs to check a COUNT API (see contracts/adapter.py)."""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

import httpx

from contracts.adapter import Adapter, Credentials
from contracts.checks import VENDOR_HOOKS_ENV
from contracts.http import Limits
from contracts.options import Option
from contracts.vendors.count import checks, schemathesis_signing
from contracts.vendors.count.client import CountCredentials, CountSession

if TYPE_CHECKING:
    from contracts.config import Settings


@dataclass(frozen=True)
class CountAdapter(Adapter):
    name: str = "count"
    title: str = "COUNT"
    rules: str = "contracts.vendors.count.rules"
    options: tuple[Option, ...] = (
        Option(
            "client_id",
            str,
            None,
            "the partner client id (x-client-id)",
            header=True,
            required=True,
        ),
        Option(
            "client_secret",
            str,
            None,
            "the secret that signs requests",
            header=True,
            required=True,
        ),
        Option("token", str, None, "the partner access token", header=True, required=True),
        Option("ambiguous_uuid", str, None, "a UUID the target answers 409 for (legacy duplicate)"),
    )
    spec: str = "count.yaml"
    probe_path: str = "/partners/invoices"
    documented_rate: float | None = 100 / 60  # 100 requests a minute per client id
    checks: ModuleType = checks
    # COUNT signs every request: Schemathesis must not generate the signature headers itself.
    generation_toml: str = "with-security-parameters = false\n"
    operations_toml: str = ""

    def credentials(self, settings: Settings) -> dict[str, str]:
        return {
            "client_id": settings.client_id or "",
            "client_secret": settings.client_secret or "",
            "access_token": settings.token or "",
        }

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {credentials['access_token']}",
            "x-client-id": credentials["client_id"],
        }

    def probe_auth(self, credentials: Credentials) -> httpx.Auth | None:
        return CountCredentials.of(credentials).signer()

    def schema_env(self, credentials: Credentials) -> dict[str, str]:
        return {
            VENDOR_HOOKS_ENV: schemathesis_signing.__name__,
            schemathesis_signing.SECRET_ENV: credentials["client_secret"],
        }

    def session(
        self,
        settings: Settings | None,
        base_url: str,
        credentials: Credentials,
        other: Credentials | None,
        limits: Limits,
        run_id: str,
    ) -> CountSession:
        ambiguous = settings.ambiguous_uuid if settings else None
        own = CountCredentials.of(credentials)
        return CountSession(base_url, own, limits, run_id, ambiguous_uuid=ambiguous)
