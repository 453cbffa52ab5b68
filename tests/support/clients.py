"""The harness's vendor clients (``contracts/vendors/<v>/client.py``) as the tests use them: over
an HTTP client bound to a sandbox's root (Starlette's test client, or httpx against a served
sandbox), under the vendor's mount, as the demo tenant (``fixtures/demo.yaml``'s credentials)
unless given others; and the test data the tests build bodies from."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts.http import Requester
from contracts.vendors.count.client import CountClient, CountCredentials
from contracts.vendors.dayzero.client import DayZeroClient, DayZeroCredentials
from contracts.vendors.kojo.client import KojoClient, KojoCredentials
from contracts.vendors.solvimon.client import SolvimonClient, SolvimonCredentials

DEMO_TOKEN = "dz_demo_0123456789abcdef"
DEMO_BUSINESS_ID = "8f2b6d1e-3c4a-4e5f-9a7b-0c1d2e3f4a5b"
COUNT_DEMO = {
    "client_id": "cnt_demo_client",
    "client_secret": "cnt_demo_secret_0123456789abcdef",
    "access_token": "cpt_demo_0123456789abcdef",
}
SOLVIMON_KEY = "slv_demo_0123456789abcdef"
MAIN, SECOND = "plat_demo_main", "plat_demo_second"  # the demo tenant's Solvimon platforms
KOJO_DEMO = {"client_id": "kojo_demo_client", "client_secret": "kojo_demo_secret_0123456789abcdef"}


def new_tenant(http: Requester, **body: str) -> dict[str, Any]:
    """A new tenant made through the control API (with ``body``: its ``id``, ``name``), as the
    control API answers it: its id, name, clock and every vendor's credentials."""
    response = http.request("POST", "/_sandbox/tenants", **({"json": body} if body else {}))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def dayzero_client(
    http: Requester, token: str = DEMO_TOKEN, business_id: str = DEMO_BUSINESS_ID
) -> DayZeroClient:
    """DayZero under ``/dayzero``; what it creates is named ``Acme Corp``."""
    credentials = DayZeroCredentials(token, business_id)
    return DayZeroClient(http, credentials, prefix="/dayzero", tag="Acme Corp")


def dayzero_as(http: Requester, credentials: Mapping[str, Any]) -> DayZeroClient:
    """DayZero as the tenant whose ``credentials`` (every vendor's, as the control API gives
    them) these are."""
    own = credentials["dayzero"]
    return dayzero_client(http, own["token"], own["business_id"])


def dayzero_of_new_tenant(http: Requester, **body: str) -> DayZeroClient:
    """DayZero as a new tenant (made with ``body``, as :func:`new_tenant`)."""
    return dayzero_as(http, new_tenant(http, **body)["credentials"])


def count_client(http: Requester, credentials: Mapping[str, str] = COUNT_DEMO) -> CountClient:
    """COUNT under ``/count``, every request signed."""
    return CountClient(http, CountCredentials.of(credentials), prefix="/count")


def count_signer(credentials: Mapping[str, str] = COUNT_DEMO) -> Any:
    """COUNT's request signer for ``credentials``, as an httpx ``auth``."""
    return CountCredentials.of(credentials).signer()


def solvimon_client(
    http: Requester, key: str = SOLVIMON_KEY, platform: str | None = None, tenant: str = "demo"
) -> SolvimonClient:
    """Solvimon under ``/solvimon`` with ``key`` (on ``platform``, if given); seeding into
    ``tenant``."""
    credentials = SolvimonCredentials(key, platform)
    return SolvimonClient(http, credentials, prefix="/solvimon", tenant=tenant)


def kojo_client(
    http: Requester, credentials: Mapping[str, str] = KOJO_DEMO, tenant: str = "demo"
) -> KojoClient:
    """Kojo under ``/kojo``, with a token from its token step; seeding into ``tenant``."""
    return KojoClient(http, KojoCredentials.of(credentials), prefix="/kojo", tenant=tenant).login()


def kojo_token(http: Requester, credentials: Mapping[str, str] = KOJO_DEMO) -> str:
    return kojo_client(http, credentials).credentials.access_token


# COUNT records (invoices, estimates and credit memos: one record type) ---------------------


def count_record(
    customer: str,
    product: str,
    amount: float,
    kind: str | None = None,
    *,
    quantity: float = 1,
    **fields: Any,
) -> dict[str, Any]:
    """A COUNT create body in the client's reading (the default): one line of ``quantity`` of
    ``product`` at ``amount`` each for ``customer``, dated 2026-03-01, of ``kind`` (``invoice``,
    ``memo``, ``estimate``; none sent unless given), then ``fields`` (which may replace any of
    these)."""
    line = {"productUuid": product, "quantity": quantity, "unitPrice": amount}
    body: dict[str, Any] = {"customerUuid": customer, "date": "2026-03-01", "products": [line]}
    if kind is not None:
        body["invoiceType"] = kind
    return {**body, **fields}


# Solvimon invoices (seeded through the control API: they come from pricing plans) -----------


def lines(*amounts: str) -> list[dict[str, Any]]:
    return [{"description": f"line {n}", "amount": a} for n, a in enumerate(amounts, start=1)]


def one_period(*amounts: str) -> list[dict[str, Any]]:
    """One period with one group holding a line per amount."""
    return [{"groups": [{"description": "Subscription", "lines": lines(*amounts)}]}]


def eur(quantity: str) -> dict[str, str]:
    return {"quantity": quantity, "currency": "EUR"}
