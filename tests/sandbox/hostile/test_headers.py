"""Hostile header values are refused (``target.py`` says how): non-ASCII bytes and 64 KB values in
each vendor's credential headers, a NUL byte in one, a Kojo token whose signature is not ASCII,
and a non-ASCII secret at Kojo's token endpoint."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest

from tests.sandbox.hostile.target import SERVER, Answer, Case, Target, answer, case, params, run


def _with_header(
    vendor: str, name: str, value: str | bytes, label: str
) -> Callable[[Target], Answer]:
    """A valid write (Kojo: a valid query) carrying one hostile header value."""
    return lambda t: t.create(
        vendor, json.dumps(t.valid_body(vendor)).encode(), label, headers={name: value}
    )


# vendor, header, the status for a non-ASCII value and for a 64 KB one
HEADER_VALUES: list[tuple[str, str, int, int]] = [
    ("dayzero", "x-business-id", 403, 422),
    ("dayzero", "authorization", 401, 401),
    ("count", "x-client-id", 401, 401),
    ("count", "x-timestamp", 401, 401),
    ("count", "x-signature", 401, 401),
    ("count", "authorization", 401, 401),
    ("solvimon", "x-api-key", 401, 401),
    ("solvimon", "x-platform-id", 403, 400),
    ("kojo", "authorization", 200, 200),  # Kojo: errors, with HTTP 200
]


def _header_values(vendor: str, header: str, non_ascii: int, long: int) -> list[Case]:
    bearer = "Bearer " if header == "authorization" else ""
    odd = bearer.encode() + b"\xff\xfe"
    big = bearer + "a" * 65_536
    return [
        case(
            vendor,
            f"non-ascii-{header}",
            lambda t: [_with_header(vendor, header, odd, f"{header}: {odd!r}")(t)],
            non_ascii,
        ),
        case(
            vendor,
            f"64kb-{header}",
            lambda t: [_with_header(vendor, header, big, f"{header}: 64 KB")(t)],
            long,
        ),
    ]


def _nul_header(vendor: str, name: str) -> Case:
    """A NUL byte inside a credential header: only a raw socket sends it."""

    def send(t: Target) -> list[Answer]:
        body = json.dumps(t.valid_body(vendor)).encode()
        target = t.url(vendor, t.create_path(vendor))
        value = t.auth(vendor, "POST", target, body)[name].encode()
        nul = (name.encode(), value[:8] + b"\x00" + value[8:])
        return [t.raw(vendor, b"POST", target.encode(), f"NUL in {name}", body=body, headers=[nul])]

    return case(vendor, f"nul-in-{name}", send, 400, SERVER)


def _forged_kojo_signature(t: Target) -> list[Answer]:
    payload = t.clients["kojo"].credentials.access_token.rsplit(".", 1)[0]
    value = b"Bearer " + payload.encode() + b".\xff\xfe"
    return [_with_header("kojo", "authorization", value, "genuine payload, non-ASCII signature")(t)]


def _kojo_secret(t: Target) -> list[Answer]:
    kojo = t.clients["kojo"]
    basic = base64.b64encode(f"{kojo.credentials.client_id}:café".encode()).decode()
    grant = {"grant_type": "client_credentials"}
    basic_header = {"authorization": f"Basic {basic}"}
    return [
        answer(
            "Basic credentials, non-ASCII secret",
            t.http.post(t.url("kojo", "/oauth2/token"), data=grant, headers=basic_header),
        ),
        answer("form credentials, non-ASCII secret", kojo.request_token(client_secret="café")),
    ]


HEADERS = [
    *(each for row in HEADER_VALUES for each in _header_values(*row)),
    _nul_header("dayzero", "x-business-id"),
    _nul_header("count", "x-client-id"),
    _nul_header("solvimon", "x-api-key"),
    _nul_header("kojo", "authorization"),
    case("kojo", "non-ascii-token-signature", _forged_kojo_signature, 200),
    case("kojo", "oauth-non-ascii-secret", _kojo_secret, 401, "kojo-oauth"),
]


@pytest.mark.parametrize("hostile", params(HEADERS))
def test_bad_header_values_are_refused(target: Target, hostile: Case) -> None:
    run(target, hostile)
