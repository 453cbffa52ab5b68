"""COUNT's request signature: hex HMAC-SHA256, keyed with the client secret, over
``METHOD:path:timestamp:bodyHash``.

``path`` is the route without the ``/partners`` prefix and without the query string
(``/invoices/{uuid}/approve``); ``bodyHash`` is the hex SHA-256 of the body bytes, or the empty
string when there is no body. The colons are always there.

Where COUNT's public sources disagree the sandbox accepts both readings (**ours**, stated in
specs/count.yaml): ``x-timestamp`` in Unix seconds or milliseconds, and for an empty body either
the empty string or the hash of ``{}``. The signature is checked over the exact bytes received,
never over re-serialised JSON.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping, Sequence

EMPTY_OBJECT_HASH = hashlib.sha256(b"{}").hexdigest()
DEFAULT_WINDOW_SECONDS = 300


class SignatureError(ValueError):
    """Why a request's signature is refused; the message is safe to show the client."""


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest() if body else ""


def string_to_sign(method: str, path: str, timestamp: str, hashed_body: str) -> str:
    return f"{method.upper()}:{path}:{timestamp}:{hashed_body}"


def sign(secret: str, method: str, path: str, timestamp: str, body: bytes) -> str:
    """The signature a client sends in ``x-signature``."""
    message = string_to_sign(method, path, timestamp, body_hash(body))
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def signed_headers(
    credentials: Mapping[str, str], method: str, path: str, body: bytes
) -> dict[str, str]:
    """Every header a partner's request carries, signed now with the client's secret: what
    COUNT's client sends, and what the sandbox's own requests (fixtures, console) send."""
    stamp = str(int(time.time()))
    return {
        "x-client-id": credentials["client_id"],
        "x-timestamp": stamp,
        "x-signature": sign(credentials["client_secret"], method, path, stamp, body),
        "Authorization": f"Bearer {credentials['access_token']}",
    }


def timestamp_seconds(value: str) -> float:
    """``x-timestamp`` as Unix seconds; values past year 5138 in seconds are read as ms."""
    try:
        number = float(value)
    except ValueError:
        raise SignatureError("x-timestamp is not a Unix timestamp") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise SignatureError("x-timestamp is not a Unix timestamp")
    return number / 1000 if number > 1e11 else number


def verify(
    secret: str,
    method: str,
    path: str | Sequence[str],
    timestamp: str,
    signature: str,
    body: bytes,
    now: float,
    window: float = DEFAULT_WINDOW_SECONDS,
) -> None:
    """Raise :class:`SignatureError` unless ``signature`` signs this exact request, in time.

    ``path`` may name several spellings of the same path (as sent, percent-encoded; and decoded):
    a client may sign either.
    """
    if abs(now - timestamp_seconds(timestamp)) > window:
        raise SignatureError(f"x-timestamp is more than {int(window)} seconds from now")
    hashes = [body_hash(body)] if body else ["", EMPTY_OBJECT_HASH]
    paths = [path] if isinstance(path, str) else list(dict.fromkeys(path))
    for candidate in paths:
        for hashed in hashes:
            message = string_to_sign(method, candidate, timestamp, hashed)
            expected = hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()
            if hmac.compare_digest(expected.encode(), signature.strip().lower().encode()):
                return
    raise SignatureError("x-signature does not match the request")
