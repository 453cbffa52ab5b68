"""COUNT's HMAC signature, checked on the exact bytes received, and the partner token."""

from __future__ import annotations

import hashlib
import hmac
import time

import pytest
from starlette.testclient import TestClient

from sandbox.vendors.count.signature import SignatureError, sign, verify
from tests.support.clients import COUNT_DEMO, count_client, new_tenant

SECRET = COUNT_DEMO["client_secret"]


def _headers(
    method: str, path: str, body: bytes, *, timestamp: str | None = None, secret: str = SECRET
) -> dict[str, str]:
    timestamp = timestamp or str(int(time.time()))
    return {
        "x-client-id": COUNT_DEMO["client_id"],
        "x-timestamp": timestamp,
        "x-signature": sign(secret, method, path, timestamp, body),
        "Authorization": f"Bearer {COUNT_DEMO['access_token']}",
        "content-type": "application/json",
    }


def test_the_signature_covers_method_path_timestamp_and_body_hash() -> None:
    body = b'{"customer": "Acme"}'
    message = f"POST:/customers:1700000000:{hashlib.sha256(body).hexdigest()}"
    expected = hmac.new(SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()
    assert sign(SECRET, "post", "/customers", "1700000000", body) == expected
    no_body = hmac.new(SECRET.encode(), b"GET:/customers:1700000000:", hashlib.sha256).hexdigest()
    assert sign(SECRET, "GET", "/customers", "1700000000", b"") == no_body


@pytest.mark.parametrize("timestamp", ["1700000000", "1700000000000"])
def test_seconds_and_milliseconds_are_both_accepted(timestamp: str) -> None:
    signature = sign(SECRET, "GET", "/customers", timestamp, b"")
    verify(SECRET, "GET", "/customers", timestamp, signature, b"", now=1700000100)


def test_an_empty_body_may_be_signed_as_the_hash_of_an_empty_object() -> None:
    hashed = hashlib.sha256(b"{}").hexdigest()
    message = f"DELETE:/products/x:1700000000:{hashed}".encode()
    signature = hmac.new(SECRET.encode(), message, hashlib.sha256).hexdigest()
    verify(SECRET, "DELETE", "/products/x", "1700000000", signature, b"", now=1700000000)


@pytest.mark.parametrize(
    ("timestamp", "now", "secret", "reason"),
    [
        ("1700000000", 1700000301, SECRET, "more than 300 seconds"),
        ("1700000000", 1699999699, SECRET, "more than 300 seconds"),
        ("yesterday", 1700000000, SECRET, "not a Unix timestamp"),
        ("1700000000", 1700000000, "another secret", "does not match"),
    ],
)
def test_refusals_say_why(timestamp: str, now: float, secret: str, reason: str) -> None:
    signature = sign(secret, "GET", "/customers", "1700000000", b"")
    with pytest.raises(SignatureError, match=reason):
        verify(SECRET, "GET", "/customers", timestamp, signature, b"", now=now)


def test_a_signed_client_is_served(client: TestClient) -> None:
    created = count_client(client).expect(
        "POST", "/customers", 201, json={"customer": "Acme", "email": "ap@acme.example"}
    )
    assert created["customer"] == "Acme"


def test_the_exact_bytes_are_signed_not_the_reserialised_json(client: TestClient) -> None:
    body = b'{ "customer" :   "Spaced\\u0020Out", "email": "ap@spaced.example" }'
    accepted = client.post(
        "/count/partners/customers", content=body, headers=_headers("POST", "/customers", body)
    )
    assert accepted.status_code == 201, accepted.text
    reserialised = b'{"customer": "Spaced Out", "email": "ap@spaced.example"}'
    refused = client.post(
        "/count/partners/customers",
        content=body,
        headers=_headers("POST", "/customers", reserialised),
    )
    assert (refused.status_code, refused.json()["message"]) == (
        401,
        "x-signature does not match the request",
    )


def test_missing_hmac_headers_are_401_in_counts_shape(client: TestClient) -> None:
    response = client.get(
        "/count/partners/customers",
        headers={"Authorization": f"Bearer {COUNT_DEMO['access_token']}"},
    )
    assert response.status_code == 401
    assert response.json() == {
        "message": "x-client-id, x-timestamp and x-signature are required",
        "statusCode": 401,
    }


def test_unknown_client_and_stale_timestamp_are_401(client: TestClient) -> None:
    unknown = _headers("GET", "/customers", b"")
    unknown["x-client-id"] = "cnt_nobody"
    stale = _headers("GET", "/customers", b"", timestamp=str(int(time.time()) - 3600))
    assert (
        client.get("/count/partners/customers", headers=unknown).json()["message"]
        == "Unknown client id"
    )
    response = client.get("/count/partners/customers", headers=stale)
    assert response.status_code == 401 and "300 seconds" in response.json()["message"]


def test_unknown_token_is_401_invalid_token(client: TestClient) -> None:
    headers = _headers("GET", "/customers", b"")
    headers["Authorization"] = "Bearer cpt_unknown"
    response = client.get("/count/partners/customers", headers=headers)
    assert response.status_code == 401
    assert (response.json()["statusCode"], response.json()["error"]) == (401, "invalid_token")


def test_another_workspaces_token_is_403(client: TestClient) -> None:
    other = new_tenant(client)["credentials"]["count"]
    headers = _headers("GET", "/customers", b"")
    headers["Authorization"] = f"Bearer {other['access_token']}"
    response = client.get("/count/partners/customers", headers=headers)
    assert response.status_code == 403
    assert response.json() == {
        "message": "Workspace not authorised for this client",
        "statusCode": 403,
    }
