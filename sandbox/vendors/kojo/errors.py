"""Kojo's errors: ``{"errors": [{"message", "requestId", "extensions": {"code"}}]}`` with HTTP 200.

Kojo's errors page (https://docs.kojo.tech/docs/standards/errors): "GraphQL APIs will always
return HTTP code 200. Check for the existence of the errors key in each response." So a missing
or expired token and a body that is not a GraphQL request are answered 200 with ``errors``; the
documented exception is the rate limit's 429 (its own body,
https://docs.kojo.tech/docs/getting-started/api-limits). What never reaches the GraphQL server
keeps its HTTP status (ours: Kojo's pages say nothing of them): a body too large (413) or too
slow (408), a path that is not Kojo's (404), a method ``/graphql`` does not take (405), and the
server's own failures (5xx, as a fault injected in front of Kojo gives them).

``extensions.code`` says whose fault it is (``BAD_USER_INPUT``, ``UNAUTHENTICATED``,
``INTERNAL_SERVER_ERROR``, ...), as GraphQL servers commonly do; Kojo's documentation shows
``message`` and ``requestId``; ``formatter`` gives a GraphQL result's errors (the query's and
the resolvers') that shape. The token endpoint is not GraphQL and answers OAuth 2's own error
body and statuses instead (RFC 6749 §5.2): ``{"error", "error_description"}``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from graphql import GraphQLError

from sandbox import clock
from sandbox.errors import VendorError, framework_refusal
from sandbox.vendors.kojo.ids import cuid

MISSING_TOKEN = "Send a token: Authorization: Bearer <access_token> (from POST /oauth2/token)"
INVALID_TOKEN = "The access token is not valid"
EXPIRED_TOKEN = "The access token has expired; request a new one from POST /oauth2/token"
LIMIT_RANGE = "limit must be between 0 and {maximum}; got {limit}"
OFFSET_RANGE = "offset must be 0 or more; got {offset}"
TOO_DEEP = "Query depth {depth} exceeds the limit of {limit}"
TOO_MANY_FIELDS = (
    "The query returns more than {limit} fields (aliases included): ask for each field once, "
    "or page with limit and offset"
)
TOO_MANY_ENTITIES = (
    "The query returns more than {limit} entities (anything with an id); the maximum is {limit} "
    "at a time: page with limit and offset"
)
INTERNAL = "Internal server error"
RATE_LIMIT = "Rate limit exceeded; retry in {seconds} s"

log = logging.getLogger("creditbox.kojo")

_FRAMEWORK = {
    400: ("BAD_REQUEST", "Bad request"),
    401: ("UNAUTHENTICATED", MISSING_TOKEN),
    403: ("FORBIDDEN", "Forbidden"),
    404: ("NOT_FOUND", "Not found: the API is at POST /graphql"),
    405: ("METHOD_NOT_ALLOWED", "Method not allowed"),
    415: ("BAD_REQUEST", "Send the query as application/json"),
}


# refusals Kojo answers as a GraphQL result, with HTTP 200 and ``errors``
_GRAPHQL_RESULTS = {400, 401, 403, 415, 422}


def request_id() -> str:
    return f"req_{cuid()}"


class KojoError(VendorError):
    """``status_code``: what the refusal is (401: no valid token, ...); the HTTP status sent is
    200 for those Kojo answers as a GraphQL result."""

    code = "BAD_REQUEST"

    def __init__(self, message: str, status_code: int | None = None, code: str | None = None):
        super().__init__(message, status_code)
        self.code = code or self.code
        if self.status_code in _GRAPHQL_RESULTS:
            self.status_code = 200

    def body(self) -> Any:
        return {
            "errors": [
                {
                    "message": self.message,
                    "requestId": request_id(),
                    "extensions": {"code": self.code},
                }
            ]
        }


def formatter(request_id: str) -> Callable[[GraphQLError, bool], dict[str, Any]]:
    """Kojo's error entry: ``message`` and ``requestId``, with the GraphQL ``path`` and an
    ``extensions.code`` saying whose fault it is (a sandbox bug never shows its internals)."""

    def format_error(error: GraphQLError, debug: bool = False) -> dict[str, Any]:
        code = (error.extensions or {}).get("code")
        message = error.message
        if error.original_error is not None and not isinstance(error.original_error, GraphQLError):
            if isinstance(error.original_error, ValueError) and error.path is None:
                code = code or "BAD_USER_INPUT"
            else:
                log.error(
                    "kojo resolver failed: %s", error.original_error, exc_info=error.original_error
                )
                code, message = "INTERNAL_SERVER_ERROR", INTERNAL
        if code is None:
            code = "GRAPHQL_VALIDATION_FAILED" if error.path is None else "BAD_USER_INPUT"
        entry: dict[str, Any] = {"message": message.split("\n\nGraphQL request:")[0]}
        entry["requestId"] = request_id
        if error.path:
            entry["path"] = list(error.path)
        if error.locations:
            entry["locations"] = [
                {"line": loc.line, "column": loc.column} for loc in error.locations
            ]
        entry["extensions"] = {"code": code}
        return entry

    return format_error


class Unauthenticated(KojoError):
    status_code = 401
    code = "UNAUTHENTICATED"


class OAuthError(VendorError):
    """RFC 6749 §5.2: ``invalid_client`` (401), ``unsupported_grant_type`` / ``invalid_request``
    (400)."""

    def __init__(self, error: str, description: str, status_code: int = 400) -> None:
        super().__init__(description, status_code)
        self.error = error

    def body(self) -> Any:
        return {"error": self.error, "error_description": self.message}

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Basic"} if self.status_code == 401 else {}


class RateLimited(VendorError):
    """Kojo's 429: ``{code: RATE_LIMIT_EXCEEDED, error, message, retryAfter, resetAt}``."""

    status_code = 429

    def __init__(self, retry_after: int, reset_at: str) -> None:
        super().__init__(RATE_LIMIT.format(seconds=retry_after))
        self.retry_after = retry_after
        self.reset_at = reset_at

    def body(self) -> Any:
        return {
            "code": "RATE_LIMIT_EXCEEDED",
            "error": "Too Many Requests",
            "message": self.message,
            "retryAfter": self.retry_after,
            "resetAt": self.reset_at,
        }


def rate_limited(retry_after: int) -> VendorError:
    reset = clock.real_now() + timedelta(seconds=retry_after)
    return RateLimited(retry_after, clock.timestamp(reset))


class KojoShape:
    """:class:`sandbox.errors.ErrorShape` for ``/kojo``."""

    def invalid_request(self, issues: list[dict[str, Any]]) -> VendorError:
        first = issues[0] if issues else {"loc": ["body"], "msg": "invalid"}
        where = ".".join(str(step) for step in first["loc"][1:]) or str(first["loc"][0])
        return KojoError(f"{where}: {first['msg']}", 400)

    def http_error(self, status: int, detail: str | None) -> VendorError:
        if status >= 500:
            return KojoError(INTERNAL, status, "INTERNAL_SERVER_ERROR")
        if status == 401 and detail and "not valid" in detail:
            return Unauthenticated(INVALID_TOKEN)
        code, message = framework_refusal(status, detail, _FRAMEWORK)
        return KojoError(message, status, code)

    def rate_limited(self, retry_after: int) -> VendorError:
        return rate_limited(retry_after)


class OAuthShape:
    """:class:`sandbox.errors.ErrorShape` for ``/kojo/oauth2``: OAuth 2's error body."""

    def invalid_request(self, issues: list[dict[str, Any]]) -> VendorError:
        names = ", ".join(str(issue["loc"][-1]) for issue in issues) or "the form"
        return OAuthError("invalid_request", f"Missing or invalid: {names}")

    def http_error(self, status: int, detail: str | None) -> VendorError:
        if status >= 500:
            return OAuthError("server_error", INTERNAL, status)
        return OAuthError("invalid_request", detail or "Bad request", status)

    def rate_limited(self, retry_after: int) -> VendorError:
        return rate_limited(retry_after)


SHAPE = KojoShape()
OAUTH_SHAPE = OAuthShape()
