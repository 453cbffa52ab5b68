"""How to tell which reading of each of DayZero's disputed points a deployment speaks
(``contracts/calibration.py``; the points in ``specs/disputed-points.yaml``)."""

from __future__ import annotations

import uuid
from functools import partial

import httpx

from contracts.calibration import probe
from contracts.vendors.dayzero.checks import ENVELOPE_KEYS
from contracts.vendors.dayzero.client import DayZeroClient

dayzero_probe = partial(probe, "dayzero")


def _memo_page(response: httpx.Response) -> dict[str, object]:
    """The raw JSON of a list of credit memos that answered 200."""
    assert response.status_code == 200, (
        f"the memo list answered {response.status_code}: {response.text[:200]}"
    )
    page = response.json()
    assert isinstance(page, dict), f"the memo list answered {str(page)[:200]}"
    return page


@dayzero_probe("dayzero.envelope")
def envelope(api: DayZeroClient) -> str:
    """A page of the credit memo list: its items at the top level (bare), or under `data` in
    {success, message, code, data} (wrapped)."""
    page = _memo_page(api.call("GET", "/credit-memos", params={"limit": 1}))
    if page.keys() >= ENVELOPE_KEYS and isinstance(page["data"], dict) and "items" in page["data"]:
        return "wrapped"
    assert isinstance(page.get("items"), list), f"a list page with no items: {str(page)[:200]}"
    return "bare"


@dayzero_probe("dayzero.business-header")
def business_header(api: DayZeroClient) -> str:
    """The credit memo list asked for with the token alone, without x-business-id: served
    (optional) or refused with 422 (required)."""
    alone = {"Authorization": f"Bearer {api.credentials.token}"}
    response = api.http.request("GET", api.url("/credit-memos"), params={"limit": 1}, headers=alone)
    if response.status_code == 422:
        return "required"
    _memo_page(response)
    return "optional"


@dayzero_probe("dayzero.invoice-void-method")
def invoice_void_method(api: DayZeroClient) -> str:
    """Voiding an invoice that does not exist (a new UUID), with PUT, then with POST: the method
    the route takes answers 404 (the invoice is not found), the other 405."""
    answers = {
        method: api.call(method, f"/invoices/{uuid.uuid4()}/void").status_code
        for method in ("PUT", "POST")
    }
    served = [method for method, status in answers.items() if status == 404]
    assert len(served) == 1 and 405 in answers.values(), f"void answered {answers}"
    return served[0].lower()


@dayzero_probe("dayzero.conflict-status", writes=True, needs=("dayzero.envelope",))
def conflict_status(api: DayZeroClient) -> str:
    """A draft memo issued, then issued again (its status no longer allows it): 400
    (bad-request) or 409 (conflict), with DayZero's {detail} body either way."""
    memo = api.issued_memo(api.customer()["id"], 100)
    again = api.issue(memo["id"])
    answers = {400: "bad-request", 409: "conflict"}
    body = again.json() if again.content else None
    assert again.status_code in answers and isinstance(body, dict), (
        f"issuing an issued memo answered {again.status_code}: {again.text[:200]}"
    )
    assert isinstance(body.get("detail"), str), f"a refusal without its detail: {body}"
    return answers[again.status_code]
