"""What the harness needs to know about a vendor's API, as one object: its spec, the settings it
takes, how a client authenticates, how to tell a wrong target early, its rules and invariants,
and what Schemathesis needs to test it. Each vendor's adapter lives in its package
(``contracts/vendors/<v>/adapter.py``) and is listed once in ``contracts/vendors/__init__.py``;
the runner, the settings and the Schemathesis hooks read only this interface."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from contracts.http import Limits
from contracts.options import Option

if TYPE_CHECKING:
    from contracts.checks import Invariants
    from contracts.config import Settings
    from contracts.rules import RuleSession

Credentials = Mapping[str, str]


@dataclass(frozen=True)
class SessionSetup:
    """What an adapter builds the rules' session from: the target, its credentials (and a
    second tenant's, for the isolation rules), the run's limits and id, and the settings (none
    when ``prepare`` seeds the schema layer's examples)."""

    base_url: str
    credentials: Credentials
    limits: Limits
    run_id: str
    other: Credentials | None = None
    settings: Settings | None = None


class Adapter:
    """What every vendor's adapter does unless it says otherwise. An adapter lives in its
    vendor's package, beside that package's ``rules`` and ``checks`` modules."""

    name: str  # the --api value and the sandbox mount
    title: str  # the vendor's name as people write it, for help texts
    # the credentials and test data the API takes: flags, environment variables, config keys
    # (the credentials' keys, and a second tenant's, are the options' to name)
    options: tuple[Option, ...] = ()
    # where the schema layer sends requests, under the base URL (GraphQL: the endpoint)
    schema_path: str = ""
    # every operation only reads: a read-only run need not be narrowed to GET
    reads_only: bool = False
    probe_path: str = ""
    # the vendor's documented rate limit in requests per second: a URL target is paced to it
    documented_rate: float | None = None
    # Schemathesis settings only this API needs (see schema_layer.CONFIG_TOML for the common ones)
    generation_toml: str = ""
    operations_toml: str = ""

    @property
    def spec(self) -> str:
        """The spec file in specs/ (or an absolute path)."""
        return f"{self.name}.yaml"

    @property
    def rules(self) -> str:
        """The module whose import registers the vendor's rules."""
        return f"{self._package}.rules"

    @property
    def probes(self) -> str:
        """The module whose import registers the probes of the vendor's disputed points
        (``contracts/calibration.py``); a vendor without disputed points need not have one."""
        return f"{self._package}.probes"

    @property
    def checks(self) -> Invariants:
        """The vendor's invariants: its ``checks`` module's ``INVARIANTS``."""
        invariants: Invariants = importlib.import_module(f"{self._package}.checks").INVARIANTS
        return invariants

    @property
    def _package(self) -> str:
        return type(self).__module__.rpartition(".")[0]

    def credentials(self, settings: Settings) -> dict[str, str]:
        """What the options that are credentials were set to, each under its ``credential`` key
        ("" when not set)."""
        return {
            option.credential: getattr(settings, option.name) or ""
            for option in self.options
            if option.credential
        }

    def headers(self, credentials: Credentials) -> dict[str, str]:
        raise NotImplementedError

    def probe_auth(self, credentials: Credentials) -> httpx.Auth | None:
        return None

    def login(self, base_url: str, credentials: Credentials) -> Credentials:
        """Credentials to use from here on; an API with a login step adds its token."""
        return credentials

    def probe(self, url: str, credentials: Credentials) -> httpx.Response:
        """One cheap authenticated read, to tell an unreachable or wrong target early. It sends no
        query: the plainest request a target can refuse only for its credentials, so a target
        that reads or signs queries its own way is found by the rules that send them (COUNT's
        signature over the path without its query), not turned away as refusing the
        credentials."""
        return httpx.get(
            url, headers=self.headers(credentials), auth=self.probe_auth(credentials), timeout=15
        )

    def schema_env(self, credentials: Credentials) -> dict[str, str]:
        """Environment for the Schemathesis process (e.g. a hooks module that signs requests)."""
        return {}

    def other(self, settings: Settings) -> dict[str, str] | None:
        """A second tenant's credentials, for the isolation rules: the options with an
        ``other_credential`` key, each under it, when the settings give every one."""
        other = {
            option.other_credential: getattr(settings, option.name)
            for option in self.options
            if option.other_credential
        }
        return other if other and all(other.values()) else None

    def prepare(self, base_url: str, credentials: Credentials, limits: Limits) -> None:
        """Objects for Schemathesis to read, made through the API before the schema layer runs:
        what the rules' session seeds (nothing by default; Schemathesis creates what it needs)."""
        session = self.session(SessionSetup(base_url, credentials, limits, "schema"))
        try:
            session.seed_examples()
        finally:
            session.close()

    def session(self, setup: SessionSetup) -> RuleSession | Any:
        """What the rules get: a client of the target, with cleanup after each rule."""
        raise NotImplementedError
