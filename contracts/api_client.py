"""What the vendors' API clients share (``contracts/vendors/<v>/client.py``).

A client sends a vendor's documented operations through any HTTP client with httpx's
``request(method, url, **kwargs)``: the harness's :class:`~contracts.http.RecordingClient` (bound
to the vendor's base URL) in a contract run, or an ``httpx.Client`` or Starlette's test client
(bound to a sandbox's root, with the vendor's mount as ``prefix``) in the tests. A status other
than the one an operation expects is an ``AssertionError`` naming the request and the answer.

On a creditbox sandbox, the control API seeds what a vendor's API cannot create; ``control`` is
its URL and ``tenant`` the tenant whose data a client seeds (found from the client's credentials
when not given; ``None`` on any other target).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import fields
from typing import Any, ClassVar, Generic, Self, TypeVar

import httpx

from contracts.http import RecordingClient, Requester
from contracts.sandbox_control import CONTROL_ROOT, sandbox_tenant

# what an unexpected answer shows of its body
SHOWN = 300


class ClientCredentials:
    """A vendor's credentials (a frozen dataclass of them)."""

    # the fields that hold secrets (keys, tokens): a rule session masks them in its reports
    secret_fields: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Self:
        """From a mapping with (at least) the credentials' fields: an adapter's credentials, the
        control API's ``credentials`` of a tenant."""
        names = {field.name for field in fields(cls)}  # type: ignore[arg-type]
        return cls(**{name: value for name, value in values.items() if name in names})

    def secrets(self) -> tuple[str, ...]:
        """The values of the secret fields that are set."""
        return tuple(str(value) for name in self.secret_fields if (value := getattr(self, name)))


CredentialsT = TypeVar("CredentialsT", bound=ClientCredentials)


def expect_status(response: httpx.Response, status: int, what: str) -> None:
    """``response`` has ``status``; else an ``AssertionError`` naming ``what`` was sent."""
    assert response.status_code == status, (
        f"{what} answered {response.status_code}, expected {status}: {response.text[:SHOWN]}"
    )


def attempt(step: Callable[[], Any], trouble: list[str], what: str) -> None:
    """One best-effort cleanup step: a failure is added to ``trouble`` (the report says what is
    left) instead of raised."""
    try:
        step()
    except Exception as error:
        trouble.append(f"{what} not cleaned up: {type(error).__name__}: {error}")


class ApiClient(Generic[CredentialsT]):
    """One vendor's API, as ``credentials`` call it, under ``prefix`` (the vendor's mount, when
    ``http`` is bound to the host) and the API's own ``root``."""

    vendor: str = ""  # the vendor's name on the control API
    root: str = ""  # the API's path under its mount (``/api/v1``)
    # the credential field that names the client's tenant on a sandbox, and its value
    tenant_field: str = ""

    def __init__(
        self,
        http: Requester,
        credentials: CredentialsT,
        *,
        prefix: str = "",
        tag: str = "creditbox",
        control: str = CONTROL_ROOT,
        tenant: str | None = None,
    ) -> None:
        self.http = http
        self.credentials = credentials
        self.prefix = prefix
        self.tag = tag  # what the records the client creates are named or noted with
        self.control = control
        self._tenant = tenant
        # on a sandbox, what the control API lists of the tenant's credentials, once looked up
        self.sandbox_credentials: dict[str, Any] = {}
        self.writes_allowed = False  # whether a rule may add test data (set by its session)

    @property
    def headers(self) -> dict[str, str]:
        """The credentials' headers on every call."""
        return {}

    def auth_headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        """The headers that authenticate one request of exactly ``body`` to ``path`` (the URL's
        path, as sent), for a request sent some other way than :meth:`call`."""
        return self.headers

    def read(self, body: Any) -> Any:
        """What a 2xx body carries (an API with an envelope point: in the expected reading)."""
        return body

    def tenant_value(self) -> str:
        """The value of ``tenant_field`` in this client's credentials."""
        return str(getattr(self.credentials, self.tenant_field, "")) if self.tenant_field else ""

    def keep_secret(self, secret: str) -> str:
        """``secret`` (a key or token the client was given) masked in the harness's reports."""
        if isinstance(self.http, RecordingClient):
            self.http.secrets.add(secret)
        return secret

    def url(self, path: str) -> str:
        return f"{self.prefix}{self.root}{path}"

    def call(
        self, method: str, path: str, headers: dict[str, Any] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """``method`` on ``path`` under the API's root, with the credentials, then ``headers``."""
        merged = {**self.headers, **(headers or {})}
        return self.http.request(method, self.url(path), headers=merged, **kwargs)

    def expect(self, method: str, path: str, status: int, **kwargs: Any) -> Any:
        """The body of ``method`` on ``path`` (a 2xx read through ``read``; ``None`` if empty),
        once its status is ``status``."""
        return self.answer(self.call(method, path, **kwargs), status, f"{method} {path}")

    def answer(self, response: httpx.Response, status: int, what: str) -> Any:
        """The body of ``response`` (what ``what`` sent), once its status is ``status``."""
        expect_status(response, status, what)
        return self.body(response)

    def body(self, response: httpx.Response) -> Any:
        if not response.content:
            return None
        body = response.json()
        return self.read(body) if response.is_success else body

    def seed_examples(self) -> Any:
        """Objects for the schema layer to read, made through the API; none by default."""

    def clean_up(self) -> list[str]:
        """Undo what this client created, where the API allows; what it could not, in words."""
        return []

    # a creditbox sandbox's control API ------------------------------------------------------

    def sandbox_tenant(self) -> tuple[str, dict[str, Any]] | None:
        """The tenant whose credentials these are, and those credentials (of this vendor), on a
        creditbox sandbox; ``None`` elsewhere."""
        return sandbox_tenant(
            self.http, self.control, self.vendor, self.tenant_field, self.tenant_value()
        )

    def tenant(self) -> str | None:
        """The tenant this client's seeding goes to: the one given, else the credentials' (whose
        listing on the control API is kept as ``sandbox_credentials``); ``None`` elsewhere."""
        if self._tenant is None:
            found = self.sandbox_tenant()
            if found is not None:
                self._tenant, self.sandbox_credentials = found
        return self._tenant

    @contextlib.contextmanager
    def throwaway_tenant(self) -> Iterator[Self]:
        """On a creditbox sandbox, a client of a new tenant of its own (through the same HTTP
        client, so its calls go where this client's go), for a rule that changes what cannot be
        changed back (the tenant's test clock); the tenant speaks the readings this client's
        tenant chose, and is deleted afterwards, whatever the rule found."""
        chosen = self.http.request("GET", f"{self.control}/tenants/{self.tenant()}/profile")
        expect_status(chosen, 200, "reading the tenant's profile on the control API")
        made = self.http.request("POST", f"{self.control}/tenants", json={"name": self.tag[:200]})
        expect_status(made, 201, "creating a tenant on the control API")
        tenant = made.json()
        url = f"{self.control}/tenants/{tenant['id']}"
        try:
            readings = {"readings": chosen.json().get("chosen") or {}}
            expect_status(
                self.http.request("PUT", f"{url}/profile", json=readings),
                200,
                "giving the new tenant the same readings",
            )
            credentials = type(self.credentials).of(tenant["credentials"][self.vendor])
            for secret in credentials.secrets():
                self.keep_secret(secret)
            other = type(self)(
                self.http,
                credentials,
                prefix=self.prefix,
                tag=self.tag,
                control=self.control,
                tenant=str(tenant["id"]),
            )
            other.writes_allowed = self.writes_allowed
            yield other
        except BaseException as error:
            trouble = self._delete_tenant(url)
            if trouble:
                error.add_note(trouble)
            raise
        trouble = self._delete_tenant(url)
        assert not trouble, trouble

    def _delete_tenant(self, url: str) -> str:
        """Deletes the tenant at ``url`` (never refused for the budget); what went wrong, if
        anything, in words."""
        unbudgeted = (
            self.http.unbudgeted()
            if isinstance(self.http, RecordingClient)
            else contextlib.nullcontext()
        )
        left = f"the throwaway tenant {url} was not deleted"
        try:
            with unbudgeted:
                response = self.http.request("DELETE", url)
        except httpx.HTTPError as error:
            return f"{left}: {type(error).__name__}: {error}"
        if response.status_code != 204:
            return f"{left}: DELETE answered {response.status_code}"
        return ""

    @contextlib.contextmanager
    def fault_settings(self, changes: Mapping[str, Any]) -> Iterator[None]:
        """While the block runs, the sandbox tenant's fault settings have ``changes`` over them;
        its own settings are put back afterwards. Only on a creditbox sandbox (``tenant()`` is
        not None): the caller skips elsewhere."""
        url = f"{self.control}/tenants/{self.tenant()}/faults"
        before = self.http.request("GET", url)
        expect_status(before, 200, f"GET {url}")
        changed = self.http.request("PUT", url, json={**before.json(), **changes})
        expect_status(changed, 200, f"PUT {url}")
        try:
            yield
        finally:
            expect_status(self.http.request("PUT", url, json=before.json()), 200, f"PUT {url} back")

    def seed(self, what: str, body: Any, status: int = 201) -> Any:
        """``body`` posted to the vendor's seeding route ``what`` of the control API."""
        return self.control_call("POST", what, status, json=body)

    def control_url(self, what: str) -> str:
        """The URL of the vendor's route ``what`` on the control API, for this tenant."""
        return f"{self.control}/tenants/{self.tenant()}/{self.vendor}/{what}"

    def control_call(self, method: str, what: str, status: int, **kwargs: Any) -> Any:
        url = self.control_url(what)
        response = self.http.request(method, url, **kwargs)
        expect_status(response, status, f"{method} {url}")
        return response.json() if response.content else None
