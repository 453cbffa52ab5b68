"""What the harness needs to know about each vendor API: its spec, credentials, probe, rules,
invariants and how Schemathesis authenticates. One adapter per vendor; the runner is generic."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx

from contracts.checks import COUNT_SECRET_ENV
from contracts.checks import count as count_checks
from contracts.checks import dayzero as dayzero_checks
from contracts.checks import kojo as kojo_checks
from contracts.checks import solvimon as solvimon_checks
from contracts.config import Settings
from contracts.http import Limits
from contracts.rules import RuleSession

Credentials = Mapping[str, str]


class Adapter:
    """What every vendor's adapter does unless it says otherwise."""

    # where the schema layer sends requests, under the base URL (GraphQL: the endpoint)
    schema_path: str = ""
    # every operation only reads: a read-only run need not be narrowed to GET
    reads_only: bool = False
    probe_path: str = ""
    # the vendor's documented rate limit in requests per second: a URL target is paced to it
    documented_rate: float | None = None

    def headers(self, credentials: Credentials) -> dict[str, str]:
        raise NotImplementedError

    def probe_auth(self, credentials: Credentials) -> httpx.Auth | None:
        return None

    def login(self, base_url: str, credentials: Credentials) -> Credentials:
        """Credentials to use from here on; an API with a login step adds its token."""
        return credentials

    def probe(self, url: str, credentials: Credentials) -> httpx.Response:
        """One cheap authenticated read, to tell an unreachable or wrong target early."""
        return httpx.get(
            url,
            headers=self.headers(credentials),
            params={"limit": 1},
            auth=self.probe_auth(credentials),
            timeout=15,
        )

    def schema_env(self, credentials: Credentials) -> dict[str, str]:
        return {}

    def other(self, settings: Settings) -> dict[str, str] | None:
        return None

    def prepare(self, base_url: str, credentials: Credentials, limits: Limits) -> None:
        """Nothing to prepare: Schemathesis creates what it needs through the API."""


@dataclass(frozen=True)
class DayZeroAdapter(Adapter):
    name: str = "dayzero"
    spec: str = "dayzero.yaml"
    probe_path: str = "/api/v1/credit-memos"
    checks: ModuleType = dayzero_checks
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
        return {
            "Authorization": f"Bearer {credentials['token']}",
            "x-business-id": credentials["business_id"],
        }

    def prepare(self, base_url: str, credentials: Credentials, limits: Limits) -> None:
        """Memos in each state, made through DayZero's own API, for Schemathesis to read."""
        from contracts.rules.dayzero import Credentials as DzCredentials
        from contracts.rules.dayzero import DayZeroApi, DayZeroSession

        own = DzCredentials(credentials["token"], credentials["business_id"])
        session = DayZeroSession(base_url, own, limits, run_id="schema")
        try:
            DayZeroApi(session.http, own, "creditbox-contracts schema layer").seed_examples()
        finally:
            session.close()

    def session(
        self,
        settings: Settings,
        base_url: str,
        credentials: Credentials,
        other: Credentials | None,
        limits: Limits,
        run_id: str,
    ) -> RuleSession:
        from contracts.rules.dayzero import Credentials as DzCredentials
        from contracts.rules.dayzero import DayZeroSession

        second = DzCredentials(other["token"], other["business_id"]) if other else None
        own = DzCredentials(credentials["token"], credentials["business_id"])
        return DayZeroSession(base_url, own, limits, run_id=run_id, other=second)


@dataclass(frozen=True)
class CountAdapter(Adapter):
    name: str = "count"
    spec: str = "count.yaml"
    probe_path: str = "/partners/invoices"
    documented_rate: float | None = 100 / 60  # 100 requests a minute per client id
    checks: ModuleType = count_checks
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
        from contracts.auth.count import CountSigner

        return CountSigner(
            credentials["client_id"], credentials["client_secret"], credentials["access_token"]
        )

    def schema_env(self, credentials: Credentials) -> dict[str, str]:
        return {COUNT_SECRET_ENV: credentials["client_secret"]}

    def prepare(self, base_url: str, credentials: Credentials, limits: Limits) -> None:
        """An invoice and a memo applied to it, made through COUNT's own API, for Schemathesis
        to read."""
        from contracts.rules.count import CountApi, CountCredentials, CountSession

        own = CountCredentials(
            credentials["client_id"], credentials["client_secret"], credentials["access_token"]
        )
        session = CountSession(base_url, own, limits, run_id="schema")
        try:
            CountApi(session.http, own, "creditbox-contracts schema layer").seed_examples()
        finally:
            session.close()

    def session(
        self,
        settings: Settings,
        base_url: str,
        credentials: Credentials,
        other: Credentials | None,
        limits: Limits,
        run_id: str,
    ) -> RuleSession:
        from contracts.rules.count import CountCredentials, CountSession

        own = CountCredentials(
            credentials["client_id"], credentials["client_secret"], credentials["access_token"]
        )
        return CountSession(base_url, own, limits, run_id, ambiguous_uuid=settings.ambiguous_uuid)


@dataclass(frozen=True)
class SolvimonAdapter(Adapter):
    name: str = "solvimon"
    spec: str = "solvimon.yaml"
    probe_path: str = "/v1/invoices"
    checks: ModuleType = solvimon_checks
    generation_toml: str = ""
    operations_toml: str = ""
    # invoices seeded on a sandbox target so that Schemathesis' links have something to credit
    seeded_invoices: int = 6

    def credentials(self, settings: Settings) -> dict[str, str]:
        return {"api_key": settings.api_key or "", "platform_id": settings.platform_id or ""}

    def headers(self, credentials: Credentials) -> dict[str, str]:
        headers = {"X-API-KEY": credentials["api_key"]}
        if credentials.get("platform_id"):
            headers["x-platform-id"] = credentials["platform_id"]
        return headers

    def prepare(self, base_url: str, credentials: Credentials, limits: Limits) -> None:
        """On a creditbox sandbox, seed FINAL invoices (Solvimon's API cannot create them) and
        credit one through Solvimon's own API, so that credit invoices and their links exist."""
        from contracts.rules.solvimon import SolvimonCredentials, SolvimonSession, Supplies

        session = SolvimonSession(
            base_url,
            SolvimonCredentials(credentials["api_key"], credentials.get("platform_id") or None),
            Supplies(),
            limits,
            "schema",
        )
        try:
            api = session.api("creditbox-contracts schema layer")
            if api.on_sandbox():
                seeded = [api.final_invoice() for _ in range(self.seeded_invoices + 1)]
                credited = api.credit(seeded[0]["id"], {"note": api.tag})
                assert credited.status_code == 200, f"crediting answered {credited.status_code}"
        finally:
            session.close()

    def session(
        self,
        settings: Settings,
        base_url: str,
        credentials: Credentials,
        other: Credentials | None,
        limits: Limits,
        run_id: str,
    ) -> RuleSession:
        from contracts.rules.solvimon import SolvimonCredentials, SolvimonSession, Supplies

        own = SolvimonCredentials(
            credentials["api_key"],
            credentials.get("platform_id") or None,
            settings.other_platform_id,
            settings.view_only_api_key,
        )
        supplies = Supplies(list(settings.final_invoices), settings.open_invoice)
        return SolvimonSession(base_url, own, supplies, limits, run_id)


@dataclass(frozen=True)
class KojoAdapter(Adapter):
    name: str = "kojo"
    spec: str = "kojo.graphql"
    probe_path: str = "/graphql"
    documented_rate: float | None = 20.0  # 20 requests a second per organisation
    schema_path: str = "/graphql"
    reads_only: bool = True
    checks: ModuleType = kojo_checks
    # limit must be 0..100, a rule GraphQL's types cannot say: keep generated limits in range
    # (the 100 limit itself is KJ-LIMIT-MAX-100's to check). Schemathesis' own "valid query
    # refused" check cannot know the entity, field and depth limits: the invariant
    # kojo_valid_queries_accepted takes its place.
    generation_toml: str = ""
    operations_toml: str = (
        "[[operations]]\n"
        'include-name-regex = "^Query\\\\."\n'
        "checks.positive_data_acceptance.enabled = false\n"
        "[dictionaries.kojo_limits]\n"
        "values = [0, 1, 2, 50, 100]\n"
        '[parameters."Query.*.limit"]\n'
        'dictionary = "kojo_limits"\n'
        "probability = 1.0\n"
        "[dictionaries.kojo_offsets]\n"
        "values = [0, 1, 5]\n"
        '[parameters."Query.*.offset"]\n'
        'dictionary = "kojo_offsets"\n'
        "probability = 1.0\n"
    )

    def credentials(self, settings: Settings) -> dict[str, str]:
        return {
            "client_id": settings.client_id or "",
            "client_secret": settings.client_secret or "",
        }

    def login(self, base_url: str, credentials: Credentials) -> Credentials:
        """Kojo's OAuth 2 client-credentials step: a Bearer token for the run (valid an hour)."""
        from contracts.auth.kojo import fetch_token

        token = fetch_token(base_url, credentials["client_id"], credentials["client_secret"])
        return {**credentials, "access_token": token}

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return {"Authorization": f"Bearer {credentials.get('access_token', '')}"}

    def prepare(self, base_url: str, credentials: Credentials, limits: Limits) -> None:
        """On a creditbox sandbox, seed invoices and credit memos for Schemathesis to read."""
        session = self.session(None, base_url, credentials, None, limits, "schema")
        try:
            api = session.begin_examples()
            api.seed_examples()
        finally:
            session.close()

    def probe(self, url: str, credentials: Credentials) -> httpx.Response:
        return httpx.post(
            url, json={"query": "{ __typename }"}, headers=self.headers(credentials), timeout=15
        )

    def session(
        self,
        settings: Settings | None,
        base_url: str,
        credentials: Credentials,
        other: Credentials | None,
        limits: Limits,
        run_id: str,
    ) -> Any:
        from contracts.rules.kojo import KojoCredentials, KojoSession

        own = KojoCredentials(
            credentials["client_id"],
            credentials["client_secret"],
            credentials["access_token"],
            legacy_api_key=settings.api_key if settings else None,
        )
        return KojoSession(base_url, own, limits, run_id)


ADAPTERS: dict[str, Any] = {
    "dayzero": DayZeroAdapter(),
    "count": CountAdapter(),
    "solvimon": SolvimonAdapter(),
    "kojo": KojoAdapter(),
}
