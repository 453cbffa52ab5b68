"""COUNT's partner OAuth flow, as an integrator's client walks it: authorize, follow the login
URL back to the redirect URI with a code, exchange it, call the API with the token, see the token
expire on the tenant's test clock, refresh it (the old refresh token then refused)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from starlette.testclient import TestClient

from contracts.vendors.count.client import CountClient

REDIRECT = "https://partner.example/callback"


def code_for(client: TestClient, count: CountClient, state: str = "s-1") -> str:
    """The code the redirect URI receives once the user has consented."""
    started = count.authorize(REDIRECT, state)
    assert started.status_code == 200, started.text
    login = started.json()["data"]["redirectUri"]
    assert started.json()["redirectUri"] == login
    back = client.get(login, follow_redirects=False)
    assert back.status_code == 302
    location = urlsplit(back.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    query = parse_qs(location.query)
    assert query["state"] == [state]
    return query["code"][0]


def tokens_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "success" and isinstance(body["message"], str)
    result: dict[str, Any] = body["data"]["result"]
    return result


def advance(client: TestClient, **by: float) -> None:
    assert client.post("/_sandbox/tenants/demo/clock/advance", json=by).status_code == 200


def test_a_client_obtains_a_token_sees_it_expire_on_the_test_clock_and_refreshes_it(
    client: TestClient, count: CountClient
) -> None:
    code = code_for(client, count)
    grant = {"grantType": "authorization_code", "code": code, "state": "s-1"}
    tokens = tokens_of(count.grant(grant))
    assert tokens["workspaceId"] == "5d1c2b3a-4e5f-4a6b-9c7d-8e9f0a1b2c3d"
    assert tokens["accessTokenExpiresAt"] < tokens["refreshTokenExpiresAt"]
    user = count.with_token(tokens["accessToken"])
    assert user.call("GET", "/invoices").status_code == 200

    advance(client, minutes=61)
    expired = user.call("GET", "/invoices")
    assert expired.status_code == 401
    assert expired.json()["error"] == "invalid_token"
    assert expired.json()["error_description"] == "The access token expired"

    refresh = {"grantType": "refresh_token", "refreshToken": tokens["refreshToken"]}
    renewed = tokens_of(count.grant(refresh, "/refresh-user-access-token"))
    assert renewed["accessToken"] != tokens["accessToken"]
    assert count.with_token(renewed["accessToken"]).call("GET", "/invoices").status_code == 200
    # refresh tokens rotate: the old one is refused once used
    again = count.grant(refresh, "/refresh-user-access-token")
    assert again.status_code == 400
    # the older reference's snake_case body refreshes too
    snake = {"grant_type": "refresh_token", "refresh_token": renewed["refreshToken"]}
    assert tokens_of(count.grant(snake, "/refresh-user-access-token"))["accessToken"]


def test_an_expired_token_is_token_expired_in_the_reference_reading(
    client: TestClient, count: CountClient
) -> None:
    chosen = client.put(
        "/_sandbox/tenants/demo/profile", json={"readings": {"count.error-body": "reference"}}
    )
    assert chosen.status_code == 200, chosen.text
    code = code_for(client, count)
    tokens = tokens_of(count.grant({"grantType": "authorization_code", "code": code}))
    advance(client, hours=2)
    expired = count.with_token(tokens["accessToken"]).call("GET", "/invoices")
    assert expired.status_code == 401
    body = expired.json()
    assert (body["status"], body["code"]) == ("error", "token_expired")


def test_a_code_is_used_once_and_only_with_its_state(
    client: TestClient, count: CountClient
) -> None:
    code = code_for(client, count, state="mine")
    wrong_state = count.grant({"grantType": "authorization_code", "code": code, "state": "other"})
    assert wrong_state.status_code == 400
    # a refused exchange changes nothing: the code is still good, once
    right = {"grantType": "authorization_code", "code": code, "state": "mine"}
    assert tokens_of(count.grant(right))["accessToken"]
    assert count.grant(right).status_code == 400
    fresh = code_for(client, count)
    advance(client, minutes=11)
    late = count.grant({"grantType": "authorization_code", "code": fresh})
    assert late.status_code == 400 and "expired" in late.json()["message"]
    unknown = count.grant({"grantType": "authorization_code", "code": "made-up"})
    assert unknown.status_code == 400


def test_the_token_routes_are_signed_and_authorize_checks_its_inputs(
    client: TestClient, count: CountClient
) -> None:
    unsigned = client.post(
        "/count/partners/grant-access-token",
        json={"grantType": "authorization_code", "code": "x"},
    )
    assert unsigned.status_code == 401
    with_query = count.authorize(f"{REDIRECT}?next=1", "s")
    assert with_query.status_code == 400
    relative = count.authorize("/callback", "s")
    assert relative.status_code == 400
    params = {"clientId": "cnt_nobody", "redirectUri": REDIRECT, "state": "s"}
    stranger = client.get("/count/auth2/authorize-intiate", params=params)
    assert stranger.status_code == 401
    # the prose's spelling is served too
    params["clientId"] = count.credentials.client_id
    assert client.get("/count/auth2/authorize-initiate", params=params).status_code == 200
    missing = client.get("/count/auth2/consent", params={**params, "authorization": "nope"})
    assert missing.status_code == 404


def test_the_tenants_own_token_never_expires(client: TestClient, count: CountClient) -> None:
    advance(client, days=400)
    assert count.call("GET", "/invoices").status_code == 200
