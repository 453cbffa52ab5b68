"""COUNT's partner OAuth flow: a workspace's user authorises a partner's client, the partner
exchanges the code for an access token and a refresh token, and refreshes the pair before the
access token expires (developers.getcount.com authorization pages; COUNT's client
getcount/count-cli, ``oauthLogin.service.ts`` and ``partnerApiClient.ts``).

1. ``GET /auth2/authorize-intiate?clientId&redirectUri&state`` (the spelling COUNT's client and
   endpoint list use; the prose's ``authorize-initiate`` is served too) answers the URL the user
   logs in at;
2. there, COUNT's user logs in, consents and picks a workspace; **the sandbox's login page
   consents at once** for the tenant's one workspace and redirects to
   ``redirectUri?code&state``;
3. ``POST /partners/grant-access-token`` (signed, no bearer) exchanges the code, once;
4. ``POST /partners/refresh-user-access-token`` (signed) exchanges a refresh token, once: refresh
   tokens rotate, the old one is refused after use.

Lifetimes are ours (no COUNT page states them): a code 10 minutes, an access token an hour, a
refresh token 30 days, all on the tenant's test clock, so that an integrator's refresh logic is
tested by advancing the clock. The tenant's own ``access_token`` (its credentials) never
expires, as before; the tokens issued here do.

Grants live in the tenant's store partition (``count_oauth_grants``): a code, an access token or
a refresh token each, with when it expires and whether it was used.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from tinydb import Query

from sandbox import clock
from sandbox.store import Database, Document, Store
from sandbox.vendors.count import errors

GRANTS = "count_oauth_grants"
T = TypeVar("T")
CODE_LIFETIME = timedelta(minutes=10)
ACCESS_LIFETIME = timedelta(hours=1)
REFRESH_LIFETIME = timedelta(days=30)

INVALID_REDIRECT = "redirectUri must be an absolute http(s) URL without a query string"
UNKNOWN_CONSENT = "This authorization request does not exist"
INVALID_CODE = "The authorization code is invalid, expired or already used"
STATE_MISMATCH = "state does not match the authorization request"
INVALID_REFRESH = "The refresh token is invalid, expired or already used"
TOKEN_EXPIRED = "The access token expired"


@dataclass(frozen=True)
class Workspace:
    """What a token set names: the tenant's workspace."""

    workspace_id: str
    name: str


def check_redirect(redirect_uri: str) -> None:
    """COUNT's authorization page: the redirect URI carries no query (context goes in state)."""
    parts = urlsplit(redirect_uri)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query:
        raise errors.BadRequest(INVALID_REDIRECT)


def callback_url(redirect_uri: str, code: str, state: str) -> str:
    return f"{redirect_uri}?{urlencode({'code': code, 'state': state})}"


class OAuthBackend:
    """One tenant's grants. Raises :mod:`errors` types; never shapes HTTP. A grant is used up
    in the same store transaction that writes what replaces it, so a failure between the two
    loses neither."""

    def __init__(self, store: Store, tenant_id: str) -> None:
        self._store = store
        self._tenant_id = tenant_id

    def authorize(self, redirect_uri: str, state: str) -> str:
        """A pending authorization request (the user has not consented yet); its id."""
        check_redirect(redirect_uri)
        request_id = secrets.token_urlsafe(16)
        with self._store.transaction(self._tenant_id) as db:
            _insert(
                db, "request", request_id, CODE_LIFETIME, redirect_uri=redirect_uri, state=state
            )
        return request_id

    def consent(self, request_id: str) -> str:
        """The user consents: the request becomes a code; the URL to send the browser back to."""

        def code_for(db: Database, request: Document) -> str:
            code = secrets.token_urlsafe(24)
            back = {"redirect_uri": request["redirect_uri"], "state": request["state"]}
            _insert(db, "code", code, CODE_LIFETIME, **back)
            return callback_url(str(request["redirect_uri"]), code, str(request["state"]))

        return self._use("request", request_id, errors.NotFound(UNKNOWN_CONSENT), code_for)

    def exchange(self, code: str, state: str | None, workspace: Workspace) -> dict[str, Any]:
        """The token set for an unused, unexpired code (and the request's state, if sent)."""

        def tokens_for(db: Database, grant: Document) -> dict[str, Any]:
            if state is not None and state != grant["state"]:
                raise errors.BadRequest(STATE_MISMATCH)
            return _token_set(db, workspace)

        return self._use("code", code, errors.BadRequest(INVALID_CODE), tokens_for)

    def refresh(self, refresh_token: str, workspace: Workspace) -> dict[str, Any]:
        """A new token set for an unused, unexpired refresh token, which is used up."""
        refusal = errors.BadRequest(INVALID_REFRESH)
        return self._use("refresh", refresh_token, refusal, lambda db, _: _token_set(db, workspace))

    def access(self, token: str) -> bool | None:
        """Whether an issued access token is still valid; None if it was never issued."""
        with self._store.transaction(self._tenant_id) as db:
            found = _grant(db, "access", token)
        return None if found is None else not _expired(found)

    def _use(
        self,
        kind: str,
        token: str,
        refusal: errors.CountError,
        then: Callable[[Database, Document], T],
    ) -> T:
        """``then`` on the grant, which is used up with it; ``refusal`` if the grant is unknown,
        used or expired. A grant ``then`` refuses stays as it was."""
        with self._store.transaction(self._tenant_id) as db:
            found = _grant(db, kind, token)
            if found is None or found["used"] or _expired(found):
                raise refusal
            answer = then(db, found)
            db.table(GRANTS).update({"used": True}, doc_ids=[found.doc_id])
            return answer


def _grant(db: Database, kind: str, token: str) -> Document | None:
    found = db.table(GRANTS).get((Query().kind == kind) & (Query().token == token))
    return found if isinstance(found, Document) else None


def _token_set(db: Database, workspace: Workspace) -> dict[str, Any]:
    access, refresh = f"cpa_{secrets.token_hex(16)}", f"cpr_{secrets.token_hex(24)}"
    access_expires = _insert(db, "access", access, ACCESS_LIFETIME)
    refresh_expires = _insert(db, "refresh", refresh, REFRESH_LIFETIME)
    return {
        "accessToken": access,
        "refreshToken": refresh,
        "accessTokenExpiresAt": clock.timestamp(access_expires),
        "refreshTokenExpiresAt": clock.timestamp(refresh_expires),
        "workspaceId": workspace.workspace_id,
        "workspaceName": workspace.name,
    }


def _insert(db: Database, kind: str, token: str, lifetime: timedelta, **extra: Any) -> datetime:
    expires = clock.now() + lifetime
    record = {"kind": kind, "token": token, "expires_at": clock.timestamp(expires)}
    db.table(GRANTS).insert({**record, "used": False, **extra})
    return expires


def _expired(grant: Document) -> bool:
    return clock.timestamp() >= str(grant["expires_at"])
