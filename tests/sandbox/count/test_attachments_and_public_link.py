"""Attachments (links and uploads), public links, and the whole signed-client walk-through."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from contracts.vendors.count.client import CountClient
from tests.support.clients import count_record


def _new(count: CountClient, customer: str, product: str, kind: str, amount: float) -> Any:
    body = count_record(customer, product, amount, kind)
    return count.expect("POST", "/invoices", 201, json=body)


@pytest.fixture
def invoice(count: CountClient) -> str:
    """A draft invoice of one line of 1, for a new customer."""
    customer = count.customer("Acme", "ap@acme.example")["id"]
    return str(_new(count, customer, count.product("Hour", 1)["id"], "invoice", 1)["id"])


def test_signed_client_walk_through_with_audit_log(client: TestClient, count: CountClient) -> None:
    customer = count.customer("Acme", "ap@acme.example")["id"]
    product = count.product("Hour", 100)["id"]
    invoice = _new(count, customer, product, "invoice", 100)["id"]
    memo = _new(count, customer, product, "memo", 30)["id"]
    count.expect("PATCH", f"/invoices/{invoice}/approve", 200)
    count.expect("POST", f"/invoices/{invoice}/send", 200)
    count.expect("PATCH", f"/invoices/{memo}/approve", 200)
    count.expect(
        "PATCH",
        f"/invoices/{invoice}/apply-multiple-credit-to-invoice",
        200,
        json={"creditMemos": [{"id": memo, "amount": 10}]},
    )
    count.expect(
        "PATCH",
        f"/invoices/{memo}/apply-credit-to-multiple-invoices",
        200,
        json={"invoices": [{"id": invoice, "amount": 5}]},
    )
    count.expect("PATCH", f"/invoices/{invoice}/remove-credit", 200, json={"memoId": memo})
    count.expect(
        "POST",
        f"/invoices/{invoice}/attachments",
        201,
        json={"attachments": [{"url": "https://files.example/po.pdf", "title": "PO"}]},
    )
    uploaded = count.expect(
        "POST",
        f"/invoices/{invoice}/attachments/upload",
        201,
        files=[("documents", ("../../etc/report 1.pdf", b"%PDF-1.4 body", "application/pdf"))],
    )
    file_entry = uploaded["attachments"][-1]
    assert (file_entry["fileName"], file_entry["contentType"], file_entry["size"]) == (
        "report_1.pdf",
        "application/pdf",
        13,
    )

    link = count.expect("GET", f"/invoices/{invoice}/public-link", 200)
    assert count.expect("GET", f"/invoices/{invoice}/public-link", 200) == link
    public = client.get(link["publicUrl"].split("testserver", 1)[-1])
    assert public.status_code == 200, public.text
    view = public.json()
    assert (view["customer"], view["openBalance"], view["status"]) == ("Acme", 100.0, "sent")
    assert [a["kind"] for a in view["attachments"]] == ["url", "file"]
    download = client.get(f"/count/public/{link['publicToken']}/attachments/{file_entry['id']}")
    assert (download.content, download.headers["content-type"]) == (
        b"%PDF-1.4 body",
        "application/pdf",
    )

    log = count.audit_log(invoice)["auditLog"]
    assert [entry["action"] for entry in log] == [
        "create",
        "approve",
        "send",
        "apply_credit",
        "apply_credit",
        "remove_credit",
        "attach",
        "attach",
    ]
    assert log[3]["changes"] == {"memoId": memo, "invoiceId": invoice, "amount": 10.0}


def test_public_link_needs_no_partner_auth_but_a_real_token(client: TestClient) -> None:
    assert client.get("/count/public/demo~not-a-token").status_code == 404
    response = client.get("/count/public/garbage")
    assert (response.status_code, response.json()["statusCode"]) == (404, 404)


@pytest.mark.parametrize("declared", ["text/plain\x01", "text/plain\x7f", "not a type", ""])
def test_an_upload_whose_type_no_header_can_carry_is_kept_as_octet_stream(
    client: TestClient, count: CountClient, invoice: str, declared: str
) -> None:
    """The download sends the stored type back as its Content-Type: a type with control
    characters would break the response (the server dropped the connection)."""
    path = f"/invoices/{invoice}/attachments/upload"
    uploaded = count.expect("POST", path, 201, files=[("documents", ("a.txt", b"x", declared))])
    stored = uploaded["attachments"][-1]
    assert stored["contentType"] == "application/octet-stream"
    token = count.expect("GET", f"/invoices/{invoice}/public-link", 200)["publicToken"]
    download = client.get(f"/count/public/{token}/attachments/{stored['id']}")
    assert download.headers["content-type"] == "application/octet-stream"


def test_upload_limits(count: CountClient, invoice: str) -> None:
    big = count.call(
        "POST",
        f"/invoices/{invoice}/attachments/upload",
        files=[
            ("documents", ("big.bin", b"x" * (2 * 1024 * 1024 + 1), "application/octet-stream"))
        ],
    )
    assert (big.status_code, big.json()["statusCode"]) == (400, 400)
    many = count.call(
        "POST",
        f"/invoices/{invoice}/attachments/upload",
        files=[("documents", (f"f{n}.txt", b"x", "text/plain")) for n in range(11)],
    )
    assert many.status_code == 400
    assert count.audit_log(invoice)["auditLog"][-1]["action"] == "create"


def test_attachment_urls_must_be_http(count: CountClient, invoice: str) -> None:
    refused = count.call(
        "POST",
        f"/invoices/{invoice}/attachments",
        json={"attachments": [{"url": "javascript:alert(1)"}]},
    )
    assert refused.status_code == 400


def test_broken_multipart_is_a_400_not_a_500(count: CountClient, invoice: str) -> None:
    broken_header = b"--b\r\nContent-Dispos\xc2ition: form-data\r\n\r\nx\r\n--b--\r\n"
    cut_short = b"--b\r\nContent-Disposition: form-d"
    for content in (broken_header, cut_short):
        response = count.call(
            "POST",
            f"/invoices/{invoice}/attachments/upload",
            content=content,
            headers={"content-type": "multipart/form-data; boundary=b"},
        )
        assert response.status_code == 400, response.text
        assert response.json()["statusCode"] == 400
