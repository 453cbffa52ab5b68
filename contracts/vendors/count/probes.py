"""How to tell which reading of each of COUNT's disputed points a deployment speaks
(``contracts/calibration.py``; the points in ``specs/disputed-points.yaml``).

Declared in the order they run: the reads first; then how records are created
(``count.create``), which the probes after it create records by."""

from __future__ import annotations

import uuid
from functools import partial
from typing import Any

from contracts.calibration import probe
from contracts.vendors.count.checks import is_envelope
from contracts.vendors.count.client import CountClient

count_probe = partial(probe, "count")
# what creating a record relies on: how its answers come, and which create body it takes
RECORDS = ("count.envelope", "count.create")


def _invoice_page(api: CountClient) -> Any:
    """The raw JSON of the first page (of one row) of the record list."""
    response = api.call("GET", "/invoices", params={"limit": 1})
    assert response.status_code == 200, (
        f"the record list answered {response.status_code}: {response.text[:200]}"
    )
    return response.json()


@count_probe("count.envelope")
def envelope(api: CountClient) -> str:
    """A page of the record list: the page itself (bare), or {status: success, message, data}
    with the page under `data` (wrapped)."""
    page = _invoice_page(api)
    if is_envelope(page):
        return "wrapped"
    assert isinstance(page, dict) and "totalRecords" in page, f"a list page: {str(page)[:200]}"
    return "bare"


@count_probe("count.list-rows")
def list_rows(api: CountClient) -> str:
    """A page of the record list, out of its envelope if it has one: its rows under `invoices`
    (client) or under `records` (reference)."""
    page = _invoice_page(api)
    page = page["data"] if is_envelope(page) else page
    assert isinstance(page, dict), f"a list page: {str(page)[:200]}"
    if isinstance(page.get("records"), list):
        return "reference"
    assert isinstance(page.get("invoices"), list), f"a page with no rows: {str(page)[:200]}"
    return "client"


@count_probe("count.error-body")
def error_body(api: CountClient) -> str:
    """A record that does not exist (a new UUID): its 404 body is {message, statusCode}
    (client) or {status: error, message, code} (reference)."""
    response = api.call("GET", f"/invoices/{uuid.uuid4()}")
    assert response.status_code == 404, f"an unknown record answered {response.status_code}"
    body = response.json()
    assert isinstance(body, dict), f"the 404 body is {str(body)[:200]}"
    if body.get("status") == "error" and isinstance(body.get("code"), str):
        return "reference"
    assert body.get("statusCode") == 404, f"the 404 body is {str(body)[:200]}"
    return "client"


@count_probe("count.create", writes=True, needs=("count.envelope",))
def create(api: CountClient) -> str:
    """A draft invoice created with the body COUNT's client sends: 201 (client); refused with
    400, then created with the reference page's body, price lines and every field it marks
    required: 200 (reference)."""
    customer, product = api.basics()
    line = {"productUuid": product, "quantity": 1, "unitPrice": 5}
    body = {"invoiceType": "invoice", "customerUuid": customer, "date": "2026-01-15"}
    sent = api.create({**body, "notes": api.tag, "isDraft": True, "products": [line]})
    if sent.status_code == 201:
        return "client"
    assert sent.status_code == 400, f"the client's create body answered {sent.status_code}"
    reference = {
        **body,
        "notes": api.tag,
        "invoiceNumber": f"CBX-{uuid.uuid4().hex[:12]}",
        "dueDate": "2026-02-14",
        "isDraft": True,
        "products": [{"productUuid": product, "description": api.tag, "quantity": 1, "price": 5}],
    }
    again = api.create(reference)
    assert again.status_code == 200, f"the reference's create body answered {again.status_code}"
    return "reference"


@count_probe("count.memo-draft-approve", writes=True, needs=RECORDS)
def memo_draft_approve(api: CountClient) -> str:
    """A credit memo draft approved: 200 (reference) or refused with 400 (client)."""
    memo = api.record("memo", 5, approve=False)
    approve = api.approve(memo["id"])
    answers = {200: "reference", 400: "client"}
    assert approve.status_code in answers, f"approving a memo draft answered {approve.status_code}"
    return answers[approve.status_code]


@count_probe("count.approve-again", writes=True, needs=RECORDS)
def approve_again(api: CountClient) -> str:
    """An approved invoice approved again: refused with 400 (refused) or any 2xx (no-op)."""
    approved = api.record("invoice", 5)
    again = api.approve(approved["id"])
    if again.is_success:
        return "no-op"
    assert again.status_code == 400, f"approving an approved invoice answered {again.status_code}"
    return "refused"
