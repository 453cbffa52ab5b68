"""The base of every error the sandbox answers a client with, and how vendors shape them.

Each vendor subclasses :class:`VendorError` in its own ``errors.py`` so that the body is always in
that vendor's shape, and gives an :class:`ErrorShape` that turns the framework's own refusals
(unknown route, wrong method, invalid request, missing credentials) into the same shape. The app
turns any raised ``VendorError`` into its response in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from specs.readings import Profile


class VendorError(Exception):
    """An error a client can trigger: carries the HTTP status and the vendor-shaped JSON body."""

    status_code: int = 400
    # seconds a client should wait before retrying (a 429 or a 503): sent as ``Retry-After``
    retry_after: int | None = None

    def __init__(self, message: str, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code

    def body(self) -> Any:
        raise NotImplementedError

    def body_in(self, profile: Profile) -> Any:
        """The body in the readings of ``profile`` (``specs/readings.py``), for a vendor whose
        sources disagree on the error shape; the one shape otherwise."""
        return self.body()

    def headers(self) -> dict[str, str]:
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}

    def retrying_after(self, seconds: int) -> VendorError:
        self.retry_after = seconds
        return self


# codes for the sandbox's own refusals of a body (``sandbox.body_limits``), for a vendor that
# documents none; the message given with them says what the limit was
BODY_LIMIT_CODES = {408: "REQUEST_TIMEOUT", 413: "PAYLOAD_TOO_LARGE"}


def framework_refusal(
    status: int, detail: str | None, worded: Mapping[int, tuple[str, str]]
) -> tuple[str, str]:
    """The code and message of a refusal by ``status`` made before a vendor's handlers run: the
    vendor's own (``worded``, by status) where it has them; else the body limits' code, or
    ``BAD_REQUEST``, with the framework's ``detail``."""
    fallback = (BODY_LIMIT_CODES.get(status, "BAD_REQUEST"), detail or "Bad request")
    return worded.get(status, fallback)


class ErrorShape(Protocol):
    """How one mounted API words the refusals that happen before its handlers run."""

    def invalid_request(self, issues: list[dict[str, Any]]) -> VendorError:
        """The request breaks the operation's schema; ``issues`` lists every violation."""
        ...

    def http_error(self, status: int, detail: str | None) -> VendorError:
        """Any other refusal by status: 401, 403, 404, 405, 415, and 500 for a sandbox bug."""
        ...

    def rate_limited(self, retry_after: int) -> VendorError:
        """429: the client sent more requests than its rate limit allows."""
        ...
