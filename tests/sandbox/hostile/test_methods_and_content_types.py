"""Wrong methods and content types are refused (``target.py`` says how): an unknown content type,
JSON sent as ``text/plain``, multipart sent to a JSON route, an empty JSON body, a body without
any content type, and unknown or malformed methods."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest

from tests.sandbox.hostile.target import (
    BODY_REFUSED,
    MEDIA_REFUSED,
    SERVER,
    VENDORS,
    Answer,
    Case,
    Target,
    answer,
    case,
    params,
    run,
)
from tests.support.clients import KOJO_DEMO


def _typed(
    vendor: str,
    name: str,
    content_type: str | None,
    statuses: int | Iterable[int],
    body: bytes | None = None,
) -> Case:
    def send(t: Target) -> list[Answer]:
        content = json.dumps(t.valid_body(vendor)).encode() if body is None else body
        return [t.create(vendor, content, name, content_type=content_type)]

    return case(vendor, name, send, statuses)


_MULTIPART = (
    b'--b\r\nContent-Disposition: form-data; name="customer"\r\n\r\nAcme\r\n'
    b'--b\r\nContent-Disposition: form-data; name="amount_cents"\r\n\r\n500\r\n--b--\r\n'
)


def _methods(vendor: str) -> list[Case]:
    def unknown(t: Target) -> list[Answer]:
        path = t.create_path(vendor)
        return [t.call(vendor, verb, path, verb) for verb in ("PROPFIND", "TRACE", "PUT")]

    def malformed(t: Target) -> list[Answer]:
        target = t.url(vendor, t.create_path(vendor)).encode()
        return [t.raw(vendor, verb, target, repr(verb)) for verb in (b"FOO", b"P\x00ST")]

    return [
        case(vendor, "unknown-methods", unknown, 405),
        case(vendor, "malformed-methods", malformed, 400, SERVER),
    ]


CONTENT_TYPES = [
    each
    for vendor in VENDORS
    for each in (
        _typed(vendor, "unknown-content-type", "application/x-hostile", MEDIA_REFUSED[vendor]),
        _typed(vendor, "json-as-text-plain", "text/plain", MEDIA_REFUSED[vendor]),
        _typed(
            vendor,
            "multipart-to-json-route",
            "multipart/form-data; boundary=b",
            MEDIA_REFUSED[vendor],
            body=_MULTIPART,
        ),
        _typed(vendor, "empty-body-as-json", "application/json", BODY_REFUSED[vendor], body=b""),
        # without Content-Type a body is JSON, as FastAPI takes it: a broken one is refused so
        _typed(vendor, "no-content-type", None, BODY_REFUSED[vendor], body=b'{"broken": '),
        *_methods(vendor),
    )
]
CONTENT_TYPES.append(
    case(
        "kojo",
        "oauth-no-content-type",
        lambda t: [
            answer(
                "token form without Content-Type",
                t.http.post(
                    t.url("kojo", "/oauth2/token"),
                    content=(
                        "grant_type=client_credentials&client_id={client_id}&client_secret="
                        "{client_secret}".format(**KOJO_DEMO).encode()
                    ),
                ),
            )
        ],
        (400, 415),
        "kojo-oauth",
    )
)


@pytest.mark.parametrize("hostile", params(CONTENT_TYPES))
def test_wrong_methods_and_content_types_are_refused(target: Target, hostile: Case) -> None:
    run(target, hostile)
