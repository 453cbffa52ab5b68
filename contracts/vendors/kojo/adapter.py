"""Kojo's adapter: what the harness needs to check a Kojo API (see contracts/adapter.py)."""

from __future__ import annotations

import httpx

from contracts.adapter import Adapter, Credentials, SessionSetup
from contracts.options import Option, credential
from contracts.vendors.kojo.client import KojoCredentials, KojoSession


class KojoAdapter(Adapter):
    name = "kojo"
    title = "Kojo"
    spec = "kojo.graphql"
    probe_path = "/graphql"
    documented_rate = 20.0  # 20 requests a second per organisation
    schema_path = "/graphql"
    reads_only = True
    # limit must be 0..100, a rule GraphQL's types cannot say: keep generated limits in range
    # (the 100 limit itself is KJ-LIMIT-MAX-100's to check). Schemathesis' own "valid query
    # refused" check cannot know the entity, field and depth limits: the invariant
    # kojo_valid_queries_accepted takes its place.
    operations_toml = (
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

    options = (
        credential("client_id", "OAuth client"),
        credential("client_secret", "OAuth secret"),
        Option("api_key", str, None, "a legacy API key (optional)", header=True),
    )

    def login(self, base_url: str, credentials: Credentials) -> Credentials:
        """Kojo's OAuth 2 client-credentials step: a Bearer token for the run (valid an hour)."""
        from contracts.vendors.kojo.oauth import fetch_token

        token = fetch_token(base_url, credentials["client_id"], credentials["client_secret"])
        return {**credentials, "access_token": token}

    def headers(self, credentials: Credentials) -> dict[str, str]:
        return {"Authorization": f"Bearer {credentials.get('access_token', '')}"}

    def probe(self, url: str, credentials: Credentials) -> httpx.Response:
        return httpx.post(
            url, json={"query": "{ __typename }"}, headers=self.headers(credentials), timeout=15
        )

    def session(self, setup: SessionSetup) -> KojoSession:
        legacy = setup.settings.api_key if setup.settings else None
        own = KojoCredentials.of({**setup.credentials, "legacy_api_key": legacy})
        return KojoSession(setup.base_url, own, setup.limits, setup.run_id)
