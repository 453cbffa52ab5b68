"""Missing, wrong and stale credentials are refused, as a client would see it over HTTP.

For each vendor, every way a request can arrive without the right to act is answered with the
vendor's documented status and error body (exactly: shape, code and message), always a 4xx and
never a 5xx, and a refused write stores nothing, neither for the caller's tenant nor for the
tenant whose credential or scope it borrowed (read back as the legitimate owner):

- COUNT: no HMAC headers, a bad signature, a stale or future timestamp, a body changed after
  signing, an unknown client id or partner token, and another workspace's token or client (403).
- Solvimon: no key, a wrong key, a key without the permission the call needs, and a platform the
  key cannot reach (its own tenant's, or another tenant's).
- DayZero: no token, a wrong token, a business id that is not the token's own (another tenant's,
  or made up), and a missing or malformed business id (422).
- Kojo: no token, forged or tampered tokens (claims rewritten under a genuine signature), an
  expired token (after the tenant's test clock passes 3600 s), and the token endpoint refusing a
  wrong secret in OAuth 2's words.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from contracts.vendors.count.signing import CountSigner
from contracts.vendors.dayzero.client import DayZeroClient
from contracts.vendors.solvimon.client import SolvimonClient, line_credit
from tests.support.clients import (
    COUNT_DEMO,
    DEMO_BUSINESS_ID,
    DEMO_TOKEN,
    KOJO_DEMO,
    MAIN,
    SECOND,
    count_client,
    dayzero_as,
    dayzero_client,
    kojo_token,
    new_tenant,
    solvimon_client,
)
from tests.support.figures import record

Credentials = dict[str, Any]


def _refused(response: httpx.Response, status: int) -> Any:
    """The refusal's JSON body, once its status is exactly ``status`` (a 4xx, never a 5xx; or
    Kojo's 200 with ``errors``)."""
    assert response.status_code == status, (response.status_code, response.text)
    assert 400 <= response.status_code < 500 or "errors" in response.json()
    record("auth", refusals_checked=1)
    return response.json()


# COUNT ----------------------------------------------------------------------------------------

COUNT_CUSTOMERS = "/count/partners/customers"
INTRUDER = b'{"customer": "Intruder", "email": "intruder@example.com"}'
SIGNATURE_WINDOW = 300
MISSING_HMAC = "x-client-id, x-timestamp and x-signature are required"
SIGNATURE_MISMATCH = "x-signature does not match the request"
STALE = f"x-timestamp is more than {SIGNATURE_WINDOW} seconds from now"
OUTSIDE_THE_WINDOW = SIGNATURE_WINDOW + 60


def _count_headers(
    credentials: Credentials,
    *,
    signed_body: bytes = INTRUDER,
    timestamp: str | None = None,
    client_id: str | None = None,
    secret: str | None = None,
    token: str | None = None,
) -> dict[str, str]:
    """COUNT's headers for ``POST /customers``, each part overridable to go wrong."""
    signer = CountSigner(
        client_id or credentials["client_id"],
        secret or credentials["client_secret"],
        token or credentials["access_token"],
    )
    signed = signer.headers("POST", "/customers", signed_body, timestamp)
    return {**signed, "content-type": "application/json"}


def _stamped(seconds_from_now: int, unit: int = 1) -> str:
    """An x-timestamp ``seconds_from_now``, in seconds (``unit=1000``: in milliseconds)."""
    return str((int(time.time()) + seconds_from_now) * unit)


def _count_customers(client: TestClient, credentials: Credentials) -> int:
    """How many customers the workspace of ``credentials`` holds, read as its owner."""
    return int(count_client(client, credentials).customers()["totalRecords"])


HeadersFor = Callable[[Credentials, Credentials], dict[str, str]]

JSON = {"content-type": "application/json"}
# each refusal: the headers sent, made of the demo tenant's and another tenant's credentials;
# the status and message it gets
COUNT_REFUSALS: dict[str, tuple[HeadersFor, int, str]] = {
    "no_credentials_at_all": (lambda demo, other: JSON, 401, MISSING_HMAC),
    "a_partner_token_without_hmac_headers": (
        lambda demo, other: {"Authorization": f"Bearer {demo['access_token']}", **JSON},
        401,
        MISSING_HMAC,
    ),
    "a_signature_made_with_the_wrong_secret": (
        lambda demo, other: _count_headers(demo, secret="not-the-client-secret"),
        401,
        SIGNATURE_MISMATCH,
    ),
    "a_made_up_signature": (
        lambda demo, other: {**_count_headers(demo), "x-signature": "0" * 64},
        401,
        SIGNATURE_MISMATCH,
    ),
    "a_timestamp_too_old": (
        lambda demo, other: _count_headers(demo, timestamp=_stamped(-OUTSIDE_THE_WINDOW)),
        401,
        STALE,
    ),
    "a_timestamp_too_far_in_the_future": (
        lambda demo, other: _count_headers(demo, timestamp=_stamped(OUTSIDE_THE_WINDOW)),
        401,
        STALE,
    ),
    "a_timestamp_too_old_in_milliseconds": (
        lambda demo, other: _count_headers(
            demo, timestamp=_stamped(-OUTSIDE_THE_WINDOW, unit=1000)
        ),
        401,
        STALE,
    ),
    "an_unknown_client_id": (
        lambda demo, other: _count_headers(demo, client_id="cnt_nobody"),
        401,
        "Unknown client id",
    ),
    "another_workspaces_token_with_our_signature": (
        lambda demo, other: _count_headers(demo, token=other["access_token"]),
        403,
        "Workspace not authorised for this client",
    ),
    "our_token_with_another_workspaces_signature": (
        lambda demo, other: _count_headers(other, token=demo["access_token"]),
        403,
        "Workspace not authorised for this client",
    ),
}


@pytest.mark.parametrize(
    ("headers_for", "status", "message"), COUNT_REFUSALS.values(), ids=COUNT_REFUSALS
)
def test_count_refuses_a_write_without_valid_credentials_and_stores_nothing(
    client: TestClient, headers_for: HeadersFor, status: int, message: str
) -> None:
    other = new_tenant(client, name="other")["credentials"]["count"]
    before = (_count_customers(client, COUNT_DEMO), _count_customers(client, other))

    response = client.post(
        COUNT_CUSTOMERS, content=INTRUDER, headers=headers_for(COUNT_DEMO, other)
    )

    assert _refused(response, status) == {"message": message, "statusCode": status}
    after = (_count_customers(client, COUNT_DEMO), _count_customers(client, other))
    assert after == before


def test_count_refuses_a_body_changed_after_signing_with_401(client: TestClient) -> None:
    before = _count_customers(client, COUNT_DEMO)
    signed_body = b'{"customer": "Acme", "email": "ap@acme.example"}'
    headers = _count_headers(COUNT_DEMO, signed_body=signed_body)

    response = client.post(COUNT_CUSTOMERS, content=INTRUDER, headers=headers)

    assert _refused(response, 401) == {"message": SIGNATURE_MISMATCH, "statusCode": 401}
    assert _count_customers(client, COUNT_DEMO) == before
    # the same headers with the body they signed pass: only the changed body was refused
    signed = client.post(COUNT_CUSTOMERS, content=signed_body, headers=headers)
    assert signed.status_code == 201, signed.text
    assert _count_customers(client, COUNT_DEMO) == before + 1


COUNT_TOKEN_REFUSALS = [
    pytest.param(
        lambda demo: _count_headers(demo, token="cpt_nobody_0123456789abcdef"),
        "Invalid or expired partner access token",
        id="an_unknown_partner_token",
    ),
    pytest.param(
        lambda demo: {
            key: value for key, value in _count_headers(demo).items() if key != "Authorization"
        },
        "A partner access token is required: Authorization: Bearer <token>",
        id="a_signed_request_without_a_partner_token",
    ),
]


@pytest.mark.parametrize(("headers_for", "message"), COUNT_TOKEN_REFUSALS)
def test_count_refuses_a_write_without_a_known_partner_token_with_401_invalid_token(
    client: TestClient, headers_for: Callable[[Credentials], dict[str, str]], message: str
) -> None:
    before = _count_customers(client, COUNT_DEMO)

    response = client.post(COUNT_CUSTOMERS, content=INTRUDER, headers=headers_for(COUNT_DEMO))

    body = _refused(response, 401)
    assert body == {"message": message, "statusCode": 401, "error": "invalid_token"}
    assert _count_customers(client, COUNT_DEMO) == before


# Solvimon -------------------------------------------------------------------------------------

UNAUTHORISED = "UNAUTHORISED"
NOT_ALLOWED = "USER_NOT_ALLOWED"


def _solvimon_error(code: str, message: str, **extra: str) -> dict[str, str]:
    return {"type": "INVALID_REQUEST", "code": code, "message": message, **extra}


def _platform_refusal(platform: str) -> dict[str, str]:
    return _solvimon_error(
        NOT_ALLOWED,
        f"This API key cannot act on platform {platform}",
        resource_id=platform,
        resource_type="PLATFORM",
    )


def _solvimon_credits(owner: SolvimonClient, invoice_id: str) -> tuple[int, int]:
    """How many invoices the owner's platform lists, and how many credits name this invoice."""
    return owner.count(), len(owner.invoice(invoice_id)["linked_invoices"])


@dataclass(frozen=True)
class SolvimonWorld:
    """Demo with an invoice on each of its platforms; another tenant with one of its own."""

    demo: SolvimonClient
    invoices: dict[str, str]
    other: SolvimonClient
    other_platform: str
    other_invoice: str

    @classmethod
    def build(cls, client: TestClient) -> SolvimonWorld:
        demo = solvimon_client(client)
        invoices = {
            MAIN: demo.seed_invoice()["id"],
            SECOND: demo.seed_invoice(platform_id=SECOND)["id"],
        }
        tenant = new_tenant(client, name="other")
        theirs = tenant["credentials"]["solvimon"]
        other = solvimon_client(
            client, theirs["api_key"], platform=theirs["platform_id"], tenant=tenant["id"]
        )
        other_invoice = other.seed_invoice(platform_id=theirs["platform_id"])["id"]
        return cls(demo, invoices, other, theirs["platform_id"], other_invoice)


@dataclass(frozen=True)
class Attempt:
    """A credit attempt: the auth headers, the invoice it targets, and who may read it back."""

    headers: dict[str, str]
    invoice_id: str
    owner: SolvimonClient


SOLVIMON_WRITE_REFUSALS = [
    pytest.param(
        lambda w: Attempt({}, w.invoices[MAIN], w.demo),
        401,
        lambda w: _solvimon_error(
            UNAUTHORISED, "Provide an API key in X-API-KEY or a token in Authorization: Bearer"
        ),
        id="no_key",
    ),
    pytest.param(
        lambda w: Attempt({"X-API-KEY": "slv_wrong_0123456789abcdef"}, w.invoices[MAIN], w.demo),
        401,
        lambda w: _solvimon_error(UNAUTHORISED, "The API key or token is not valid"),
        id="a_wrong_key",
    ),
    pytest.param(
        lambda w: Attempt(
            {"Authorization": "Bearer slv_wrong_0123456789abcdef"}, w.invoices[MAIN], w.demo
        ),
        401,
        lambda w: _solvimon_error(UNAUTHORISED, "The API key or token is not valid"),
        id="a_wrong_bearer_token",
    ),
    pytest.param(
        lambda w: Attempt(
            {"X-API-KEY": w.demo.create_key(["INVOICE.VIEW"])}, w.invoices[MAIN], w.demo
        ),
        403,
        lambda w: _solvimon_error(
            NOT_ALLOWED, "This API key lacks the INVOICE.CREDIT.CREATE permission"
        ),
        id="a_view_only_key",
    ),
    pytest.param(
        lambda w: Attempt(
            {
                "X-API-KEY": w.demo.create_key(["INVOICE.VIEW", "INVOICE.CREDIT.CREATE"], [MAIN]),
                "x-platform-id": SECOND,
            },
            w.invoices[SECOND],
            solvimon_client(w.demo.http, platform=SECOND),
        ),
        403,
        lambda w: _platform_refusal(SECOND),
        id="a_platform_of_ours_the_key_cannot_reach",
    ),
    pytest.param(
        lambda w: Attempt(
            {**w.demo.headers, "x-platform-id": w.other_platform}, w.other_invoice, w.other
        ),
        403,
        lambda w: _platform_refusal(w.other_platform),
        id="another_tenants_platform",
    ),
]


@pytest.mark.parametrize(("attempt_in", "status", "expected_in"), SOLVIMON_WRITE_REFUSALS)
def test_solvimon_refuses_a_credit_without_the_right_key_and_credits_nothing(
    client: TestClient,
    attempt_in: Callable[[SolvimonWorld], Attempt],
    status: int,
    expected_in: Callable[[SolvimonWorld], dict[str, str]],
) -> None:
    world = SolvimonWorld.build(client)
    attempt = attempt_in(world)
    before = _solvimon_credits(attempt.owner, attempt.invoice_id)

    response = client.post(
        f"/solvimon/v1/invoices/{attempt.invoice_id}/credit",
        json=line_credit(1, 1, 1, "1.00"),
        headers=attempt.headers,
    )

    assert _refused(response, status) == expected_in(world)
    assert re.fullmatch(r"reqr_[A-Za-z0-9]{20}", response.headers["X-REQUEST-ID"])
    assert _solvimon_credits(attempt.owner, attempt.invoice_id) == before == (1, 0)


@pytest.mark.parametrize("path", ["/invoices/{id}", "/invoices"], ids=["one_invoice", "the_list"])
def test_solvimon_refuses_a_read_by_a_key_without_view_with_403(
    client: TestClient, path: str
) -> None:
    demo = solvimon_client(client)
    invoice = demo.seed_invoice()
    creditor = solvimon_client(client, demo.create_key(["INVOICE.CREDIT.CREATE"]))

    response = creditor.call("GET", path.format(id=invoice["id"]))

    assert _refused(response, 403) == _solvimon_error(
        NOT_ALLOWED, "This API key lacks the INVOICE.VIEW permission"
    )


# DayZero --------------------------------------------------------------------------------------

MADE_UP_BUSINESS = "00000000-0000-4000-8000-000000000000"

NOT_AUTHENTICATED = "Not authenticated"
NOT_PERMITTED = "Not enough permissions"
OUR_BEARER = f"Bearer {DEMO_TOKEN}"


def _dayzero_headers(authorization: str | None, business_id: str) -> dict[str, str]:
    """DayZero's two auth headers (no Authorization header where ``authorization`` is None)."""
    headers = {"x-business-id": business_id}
    if authorization is not None:
        headers["Authorization"] = authorization
    return headers


# each case: the other tenant's DayZero credentials -> the request's headers
DayZeroHeaders = Callable[[Credentials], dict[str, str]]

DAYZERO_REFUSALS = [
    pytest.param(
        lambda other: _dayzero_headers(None, DEMO_BUSINESS_ID),
        401,
        NOT_AUTHENTICATED,
        id="no_token",
    ),
    pytest.param(
        lambda other: _dayzero_headers("Bearer dz_wrong_0123456789abcdef", DEMO_BUSINESS_ID),
        401,
        NOT_AUTHENTICATED,
        id="a_wrong_token",
    ),
    pytest.param(
        lambda other: _dayzero_headers(f"Basic {DEMO_TOKEN}", DEMO_BUSINESS_ID),
        401,
        NOT_AUTHENTICATED,
        id="our_token_not_as_a_bearer_token",
    ),
    pytest.param(
        lambda other: _dayzero_headers(OUR_BEARER, other["business_id"]),
        403,
        NOT_PERMITTED,
        id="another_tenants_business_id",
    ),
    pytest.param(
        lambda other: _dayzero_headers(OUR_BEARER, MADE_UP_BUSINESS),
        403,
        NOT_PERMITTED,
        id="a_made_up_business_id",
    ),
    pytest.param(
        lambda other: _dayzero_headers(f"Bearer {other['token']}", DEMO_BUSINESS_ID),
        403,
        NOT_PERMITTED,
        id="another_tenants_token_with_our_business_id",
    ),
]


def _dayzero_memos(dayzero: DayZeroClient) -> int:
    return len(dayzero.memos(limit=1000)["items"])


def _dayzero_memo_stores_nothing(client: TestClient, headers_for: DayZeroHeaders) -> httpx.Response:
    """A memo for a demo customer, posted with the headers ``headers_for`` makes of another
    tenant's credentials; neither tenant's memos change. Each tenant has one memo first (so
    'nothing stored' compares non-empty lists)."""
    demo = dayzero_client(client)
    every = new_tenant(client, name="other")["credentials"]
    credentials, other = every["dayzero"], dayzero_as(client, every)
    customer = demo.customer()["id"]
    demo.memo(customer)
    other.memo(other.customer()["id"])
    before = (_dayzero_memos(demo), _dayzero_memos(other))

    response = client.post(
        "/dayzero/api/v1/credit-memos",
        json={"customer_id": customer, "amount_cents": 100},
        headers=headers_for(credentials),
    )

    assert (_dayzero_memos(demo), _dayzero_memos(other)) == before == (1, 1)
    return response


@pytest.mark.parametrize(("headers_for", "status", "detail"), DAYZERO_REFUSALS)
def test_dayzero_refuses_a_memo_without_the_tokens_own_business_and_stores_nothing(
    client: TestClient, headers_for: DayZeroHeaders, status: int, detail: str
) -> None:
    response = _dayzero_memo_stores_nothing(client, headers_for)

    assert _refused(response, status) == {"detail": detail}
    if status == 401:
        assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("business_id", "status", "detail"),
    [
        # DayZero's OpenAPI slices declare x-business-id a plain string: a value that is no UUID
        # is just not the token's business
        pytest.param("not-a-uuid", 403, NOT_PERMITTED, id="no_uuid"),
        # at most 100 characters (ours): longer is FastAPI's validation error
        pytest.param("a" * 101, 422, "string_too_long", id="over_long"),
    ],
)
def test_dayzero_refuses_an_odd_business_id_and_stores_nothing(
    client: TestClient, business_id: str, status: int, detail: str
) -> None:
    response = _dayzero_memo_stores_nothing(
        client, lambda other: _dayzero_headers(OUR_BEARER, business_id)
    )

    body = _refused(response, status)
    if status == 422:
        [issue] = body["detail"]
        assert (issue["loc"], issue["type"]) == (["header", "x-business-id"], detail)
    else:
        assert body == {"detail": detail}


# Kojo -----------------------------------------------------------------------------------------

KOJO_QUERY = {"query": "{ creditMemos { id } invoices { id } }"}
MISSING_TOKEN = "Send a token: Authorization: Bearer <access_token> (from POST /oauth2/token)"
INVALID_TOKEN = "The access token is not valid"
EXPIRED_TOKEN = "The access token has expired; request a new one from POST /oauth2/token"
TOKEN_SECONDS = 3600


def _claims(token: str) -> tuple[dict[str, Any], str]:
    """A Kojo token's claims and signature (``kj_<base64url claims>.<signature>``)."""
    assert token.startswith("kj_"), token
    payload, signature = token[len("kj_") :].rsplit(".", 1)
    padded = payload + "=" * (-len(payload) % 4)
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(padded))
    return claims, signature


def _payload(claims: dict[str, Any]) -> str:
    text = json.dumps(claims, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


def _token(claims: dict[str, Any], signature: str) -> str:
    return f"kj_{_payload(claims)}.{signature}"


def _kojo_query(client: TestClient, headers: dict[str, str]) -> httpx.Response:
    return client.post("/kojo/graphql", json=KOJO_QUERY, headers=headers)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _assert_kojo_refusal(response: httpx.Response, message: str) -> None:
    """Kojo answers every GraphQL result with HTTP 200, a refused token included
    (https://docs.kojo.tech/docs/standards/errors): the ``errors`` key says it."""
    body = _refused(response, 200)
    assert set(body) == {"errors"}  # no data, not even null: nothing was resolved
    [error] = body["errors"]
    assert re.fullmatch(r"req_[a-z0-9]+", error.pop("requestId"))
    assert error == {"message": message, "extensions": {"code": "UNAUTHENTICATED"}}


@dataclass(frozen=True)
class KojoWorld:
    """Demo's genuine token and another tenant's, each checked to answer with its own data."""

    demo_token: str
    other_token: str
    other_tenant: str

    @classmethod
    def build(cls, client: TestClient) -> KojoWorld:
        seeded = client.post(
            "/_sandbox/tenants/demo/kojo/invoices",
            json={"items": [{"description": "x", "quantity": 1, "unitPrice": 1.0}]},
        )
        assert seeded.status_code == 201, seeded.text
        demo_token = kojo_token(client)
        served = _kojo_query(client, _bearer(demo_token))
        assert served.status_code == 200, served.text
        assert len(served.json()["data"]["invoices"]) == 1
        tenant = new_tenant(client, name="other")
        theirs = tenant["credentials"]["kojo"]
        other_token = kojo_token(
            client, {"client_id": theirs["client_id"], "client_secret": theirs["client_secret"]}
        )
        served = _kojo_query(client, _bearer(other_token))
        assert served.status_code == 200, served.text
        assert served.json()["data"] == {"creditMemos": [], "invoices": []}
        return cls(demo_token, other_token, tenant["id"])

    def forged_for_demo(self) -> str:
        """Demo's claims, signed the way the sandbox signs but with a secret that is not demo's."""
        claims, _ = _claims(self.demo_token)
        payload = _payload(claims)
        guessed = hmac.new(b"guessed-secret", payload.encode(), hashlib.sha256).hexdigest()[:40]
        return _token(claims, guessed)

    def other_tenants_token_reclaimed_as_demo(self) -> str:
        """Another tenant's genuine token, its tenant claim rewritten to demo's."""
        claims, signature = _claims(self.other_token)
        assert claims["t"] == self.other_tenant
        return _token({**claims, "t": "demo"}, signature)

    def demo_token_with_a_later_expiry(self) -> str:
        claims, signature = _claims(self.demo_token)
        return _token({**claims, "e": claims["e"] + 10 * TOKEN_SECONDS}, signature)


KOJO_REFUSALS = [
    pytest.param(lambda w: {}, MISSING_TOKEN, id="no_token"),
    pytest.param(
        lambda w: {"Authorization": f"Basic {w.demo_token}"},
        MISSING_TOKEN,
        id="our_token_not_as_a_bearer_token",
    ),
    pytest.param(lambda w: _bearer("kj_forged.0000"), INVALID_TOKEN, id="a_forged_token"),
    pytest.param(lambda w: _bearer("not-a-kojo-token"), INVALID_TOKEN, id="a_wrong_token"),
    pytest.param(
        lambda w: _bearer(w.forged_for_demo()),
        INVALID_TOKEN,
        id="our_claims_signed_with_a_guessed_secret",
    ),
    pytest.param(
        lambda w: _bearer(w.other_tenants_token_reclaimed_as_demo()),
        INVALID_TOKEN,
        id="another_tenants_token_with_its_tenant_claim_tampered",
    ),
    pytest.param(
        lambda w: _bearer(w.demo_token_with_a_later_expiry()),
        INVALID_TOKEN,
        id="our_token_with_its_expiry_claim_tampered",
    ),
]


@pytest.mark.parametrize(("headers_in", "message"), KOJO_REFUSALS)
def test_kojo_refuses_a_query_without_a_genuine_token_with_200_unauthenticated(
    client: TestClient, headers_in: Callable[[KojoWorld], dict[str, str]], message: str
) -> None:
    world = KojoWorld.build(client)

    response = _kojo_query(client, headers_in(world))

    _assert_kojo_refusal(response, message)


def test_kojo_refuses_a_token_once_the_tenants_clock_passes_3600_seconds(
    client: TestClient,
) -> None:
    world = KojoWorld.build(client)
    advanced = client.post("/_sandbox/tenants/demo/clock/advance", json={"seconds": 3601})
    assert advanced.status_code == 200, advanced.text

    response = _kojo_query(client, _bearer(world.demo_token))

    _assert_kojo_refusal(response, EXPIRED_TOKEN)
    fresh = _kojo_query(client, _bearer(kojo_token(client)))
    assert fresh.status_code == 200, fresh.text  # only the old token was refused


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": f"Basic {base64.b64encode(f'{user}:{password}'.encode()).decode()}"}


# each case: the other tenant's Kojo credentials -> (form fields, headers) of the token request
KOJO_TOKEN_REFUSALS = [
    pytest.param(
        lambda theirs: ({"client_id": KOJO_DEMO["client_id"], "client_secret": "wrong"}, {}),
        id="a_wrong_secret",
    ),
    pytest.param(
        lambda theirs: (
            {"client_id": "kojo_nobody", "client_secret": KOJO_DEMO["client_secret"]},
            {},
        ),
        id="an_unknown_client_id",
    ),
    pytest.param(
        lambda theirs: (
            {"client_id": KOJO_DEMO["client_id"], "client_secret": theirs["client_secret"]},
            {},
        ),
        id="our_client_id_with_another_tenants_secret",
    ),
    pytest.param(
        lambda theirs: ({}, _basic(KOJO_DEMO["client_id"], "wrong")),
        id="a_wrong_secret_in_basic_credentials",
    ),
]


@pytest.mark.parametrize("request_for", KOJO_TOKEN_REFUSALS)
def test_kojo_token_endpoint_refuses_wrong_client_credentials_with_401_invalid_client(
    client: TestClient,
    request_for: Callable[[Credentials], tuple[dict[str, str], dict[str, str]]],
) -> None:
    form, headers = request_for(new_tenant(client, name="other")["credentials"]["kojo"])

    response = client.post(
        "/kojo/oauth2/token", data={"grant_type": "client_credentials", **form}, headers=headers
    )

    assert _refused(response, 401) == {
        "error": "invalid_client",
        "error_description": "Unknown client or wrong secret",
    }
    assert response.headers["WWW-Authenticate"] == "Basic"
