"""COUNT's upload file names are refused or made harmless (``target.py`` says how): uploads named
``../../etc/passwd``, ``..\\..\\boot.ini``, 10,000 characters, with NUL, CR or LF, empty or only
dots get COUNT's 400 or are stored under a harmless name (one path component of
``[A-Za-z0-9._-]``, served back under that name), and no file is written anywhere but the
sandbox's own data files."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from contracts.vendors.count.client import CountClient
from tests.sandbox.hostile.target import Target, count_error
from tests.support.clients import count_client, count_record, new_tenant
from tests.support.figures import record

UPLOADED = b"%PDF-1.4 hostile"
SAFE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")
STORE_FILE = re.compile(r"(_registry|[A-Za-z0-9_-]+)\.(json|log)")


@dataclass(frozen=True)
class Uploads:
    """A tenant of its own (uploads change data) with a COUNT invoice and its public link."""

    client: CountClient
    invoice: str
    public_token: str

    def attachments(self, target: Target) -> int:
        """How many attachments the invoice has, read through its public view."""
        view = target.http.get(f"/count/public/{self.public_token}")
        assert view.status_code == 200, view.text
        return len(view.json()["attachments"])


@pytest.fixture(scope="module")
def uploads(target: Target) -> Uploads:
    tenant = new_tenant(target.http, name="hostile uploads")
    count = count_client(target.http, tenant["credentials"]["count"])
    customer = count.customer("Uploads", "ap@uploads.example")["id"]
    product = count.product("Hour", 1)["id"]
    body = count_record(customer, product, 1)
    invoice = count.expect("POST", "/invoices", 201, json=body)["id"]
    link = count.expect("GET", f"/invoices/{invoice}/public-link", 200)
    return Uploads(count, invoice, link["publicToken"])


# str: sent by httpx (which writes ", CR and LF as %22, %0D, %0A); bytes: put in the part as is
UPLOAD_NAMES: list[tuple[str, str | bytes]] = [
    ("dot-dot-slash", "../../etc/passwd"),
    ("dot-dot-backslash", "..\\..\\boot.ini"),
    ("windows-absolute", "C:\\Windows\\win.ini"),
    ("absolute", "/etc/passwd"),
    ("10000-chars", "a" * 10_000),
    ("raw-nul", b"../..\x00/etc/passwd"),
    ("raw-newline", b"a\nb.txt"),
    ("raw-carriage-return", b"a\rb.txt"),
    ("escaped-nul-newline-cr", "a\x00b\nc\rd.txt"),
    ("raw-non-utf8", b"caf\xe9\xff.txt"),
    ("empty", ""),
    ("one-dot", "."),
    ("two-dots", ".."),
    ("only-dots", "....."),
    ("quote", 'a".txt'),
    ("emoji", "💥.txt"),
]


def _multipart(filename: bytes) -> tuple[bytes, str]:
    boundary = b"hostile0boundary"
    body = b"".join(
        [
            b"--" + boundary + b"\r\n",
            b'Content-Disposition: form-data; name="documents"; filename="' + filename + b'"\r\n',
            b"Content-Type: application/pdf\r\n\r\n",
            UPLOADED + b"\r\n--" + boundary + b"--\r\n",
        ]
    )
    return body, f"multipart/form-data; boundary={boundary.decode()}"


@pytest.mark.parametrize(
    ("name", "filename"), [pytest.param(name, filename, id=name) for name, filename in UPLOAD_NAMES]
)
def test_upload_file_names_are_refused_or_made_harmless(
    target: Target, uploads: Uploads, name: str, filename: str | bytes
) -> None:
    before = target.stored()
    attachments_before = uploads.attachments(target)
    route = f"/invoices/{uploads.invoice}/attachments/upload"
    if isinstance(filename, bytes):
        body, content_type = _multipart(filename)
        answer = target.call(
            "count",
            "POST",
            route,
            name,
            content=body,
            headers={"content-type": content_type},
            client=uploads.client,
        )
    else:
        files = [("documents", (filename, UPLOADED, "application/pdf"))]
        answer = target.call("count", "POST", route, name, files=files, client=uploads.client)
    record("hostile_input", requests=1)
    assert answer.status in (201, 400), answer
    if answer.status == 400:
        count_error(answer)
        assert uploads.attachments(target) == attachments_before, "a refused upload was stored"
    if answer.status == 201:
        stored = answer.json()["attachments"][-1]
        assert (stored["kind"], stored["size"]) == ("file", len(UPLOADED)), answer
        safe = stored["fileName"]
        assert SAFE_NAME.fullmatch(safe) and ".." not in safe, (filename, safe)
        assert uploads.attachments(target) == attachments_before + 1
        served = target.http.get(f"/count/public/{uploads.public_token}/attachments/{stored['id']}")
        assert served.status_code == 200, served.text
        assert served.content == UPLOADED
        assert served.headers["content-disposition"] == f'attachment; filename="{safe}"'
    for path in target.files():  # the store's own files, in its directory, and nothing else
        assert path.is_relative_to(target.data_dir) and STORE_FILE.fullmatch(path.name), path
    target.assert_up()
    assert target.stored() == before, "the demo tenant's stored data changed"
