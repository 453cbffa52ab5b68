"""COUNT's documented behaviour as rules (seed 000 and COUNT's public pages).

Every request is signed as COUNT's clients sign them. Records a rule creates carry the run's tag
in ``notes`` (customers in their name); drafts are deleted afterwards and credit a rule applied is
removed. COUNT cannot delete an approved record, so those stay, tagged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from contracts.checks import expected
from contracts.http import Exchange, Limits, RecordingClient
from contracts.rules import Rule, RuleSession, Skipped, rule
from contracts.rules.paging import MAX_PAGES, assert_each_once, walk_numbered_pages
from contracts.sandbox_control import control_url, sandbox_tenant
from contracts.vendors.count.checks import resource, rows
from contracts.vendors.count.signing import CountSigner

SEED = "seeds/000_f1d53964939ff4ee.txt (Credit memo)"
FACTS = "vendor-facts.md, COUNT"


@dataclass(frozen=True)
class CountCredentials:
    client_id: str
    client_secret: str
    access_token: str


class CountApi:
    """Signed COUNT calls as a rule makes them; an unexpected status is an ``AssertionError``."""

    def __init__(self, http: RecordingClient, credentials: CountCredentials, tag: str) -> None:
        self.http = http
        self.credentials = credentials
        self.signer = CountSigner(
            credentials.client_id, credentials.client_secret, credentials.access_token
        )
        self.tag = tag
        self.writes_allowed = False
        self.drafts: list[str] = []
        self.credit: list[tuple[str, str]] = []  # (invoice, memo) pairs to remove afterwards
        self.ambiguous_uuid: str | None = None
        self.control_url: str | None = None

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("auth", self.signer)
        return self.http.request(method, f"/partners{path}", **kwargs)

    def expect(self, method: str, path: str, status: int, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, (
            f"{method} {path} answered {response.status_code}, expected {status}: "
            f"{response.text[:300]}"
        )
        body = response.json()
        return resource(body) if response.is_success else body

    def basics(self) -> tuple[str, str]:
        """A tagged customer and product to put on records."""
        email = f"{uuid.uuid4().hex}@creditbox-contracts.example"
        customer = self.expect(
            "POST", "/customers", 201, json={"customer": self.tag, "email": email}
        )
        product = self.expect("POST", "/products", 201, json={"name": self.tag, "unitPrice": 1})
        return customer["id"], product["id"]

    def create_body(
        self, kind: str, customer: str, product: str, amount: float
    ) -> tuple[dict[str, Any], int]:
        """A create body in the expected reading of ``count.create``, and the status it gets."""
        body: dict[str, Any] = {
            "invoiceType": kind,
            "customerUuid": customer,
            "date": "2026-01-15",
            "notes": self.tag,
        }
        if expected("count.create") == "reference":
            line = {"productUuid": product, "description": self.tag, "quantity": 1, "price": amount}
            number = f"CBX-{uuid.uuid4().hex[:12]}"
            reference = {"invoiceNumber": number, "dueDate": "2026-02-14", "isDraft": True}
            return {**body, **reference, "products": [{**line, "taxes": []}]}, 200
        return {
            **body,
            "products": [{"productUuid": product, "quantity": 1, "unitPrice": amount}],
        }, 201

    def record(self, kind: str, amount: float, approve: bool = True) -> dict[str, Any]:
        customer, product = self.basics()
        body, status = self.create_body(kind, customer, product, amount)
        created = self.expect("POST", "/invoices", status, json=body)
        self.drafts.append(created["id"])
        if not approve:
            return created
        if kind == "memo" and expected("count.memo-draft-approve") == "client":
            return self.expect("POST", f"/invoices/{created['id']}/send", 200, json={})
        return self.expect("PATCH", f"/invoices/{created['id']}/approve", 200)

    def seed_examples(self) -> None:
        """An approved invoice and memo with part of the memo applied, for the schema layer to
        read (its invariants check only what responses carry). Left in place, as Schemathesis'
        own writes are."""
        invoice = self.record("invoice", 100)["id"]
        memo = self.record("memo", 30)["id"]
        answer = self.apply(invoice, memo, 10)
        assert answer.is_success, f"apply answered {answer.status_code}: {answer.text[:300]}"

    def apply(self, invoice_id: str, memo_id: str, amount: float | str) -> httpx.Response:
        """Apply ``amount`` (a number, or a decimal string as COUNT's client sends it)."""
        response = self.call(
            "PATCH",
            f"/invoices/{invoice_id}/apply-multiple-credit-to-invoice",
            json={"creditMemos": [{"id": memo_id, "amount": amount}]},
        )
        if response.is_success:
            self.credit.append((invoice_id, memo_id))
        return response


class CountSession(RuleSession):
    def __init__(
        self,
        base_url: str,
        credentials: CountCredentials,
        limits: Limits,
        run_id: str,
        ambiguous_uuid: str | None = None,
    ) -> None:
        self.base_url = base_url
        self.http = RecordingClient(base_url, limits)
        self.http.secrets |= {credentials.client_secret, credentials.access_token}
        self.credentials = credentials
        self.run_id = run_id
        self.ambiguous_uuid = ambiguous_uuid
        self._api: CountApi | None = None

    def begin(self, current: Rule, allow_writes: bool) -> CountApi:
        api = CountApi(
            self.http, self.credentials, f"creditbox-contracts {self.run_id} {current.id}"
        )
        api.writes_allowed = allow_writes
        api.ambiguous_uuid = self.ambiguous_uuid
        api.control_url = control_url(self.base_url)
        self._api = api
        return api

    def end(self) -> tuple[list[Exchange], str]:
        evidence = self.http.take_exchanges()
        trouble = []
        api, self._api = self._api, None
        if api is not None:
            with self.http.unbudgeted():
                for invoice_id, memo_id in api.credit:
                    try:
                        api.call(
                            "PATCH",
                            f"/invoices/{invoice_id}/remove-credit",
                            json={"memoId": memo_id},
                        )
                    except Exception as error:  # best effort; the report says what is left
                        trouble.append(f"credit {memo_id}: {type(error).__name__}")
                for record_id in api.drafts:
                    try:
                        api.call("DELETE", f"/invoices/{record_id}")  # refused once approved
                    except Exception as error:
                        trouble.append(f"{record_id}: {type(error).__name__}")
        self.http.take_exchanges()
        return evidence, "; ".join(trouble)

    def mask(self, text: str) -> str:
        return self.http.mask(text)

    def close(self) -> None:
        self.http.close()


def assert_error_body(body: Any, status: int) -> None:
    """``body`` is an error in the expected reading of ``count.error-body``."""
    assert isinstance(body, dict), f"the error body is {body!r}"
    if expected("count.error-body") == "reference":
        assert body.get("status") == "error" and isinstance(body.get("code"), str), (
            f"the error body {body} is not the reference pages' {{status: error, message, code}}"
        )
    else:
        assert body.get("statusCode") == status, (
            f"the error body {body} is not the client's {{message, statusCode: {status}}}"
        )


@rule(
    "count",
    "CT-AUTH-BAD-SIGNATURE",
    statement="A request whose x-signature does not sign it is refused: 401 in the expected error "
    "body ({message, statusCode}, or the reference pages' {status: error, message, code}).",
    source=f"{SEED}: Authentication (HMAC x-client-id, x-signature); {FACTS}: signature",
    writes=False,
)
def bad_signature(api: CountApi) -> None:
    wrong = CountSigner(api.credentials.client_id, "not-the-secret", api.credentials.access_token)
    response = api.call("GET", "/invoices", params={"limit": 1}, auth=wrong)
    assert response.status_code == 401, f"a wrong signature answered {response.status_code}"
    body = response.json()
    assert_error_body(body, 401)
    assert isinstance(body.get("message"), str), f"401 body is {body}"


@rule(
    "count",
    "CT-LIST-MEMOS-ONLY",
    statement="GET /partners/invoices?invoiceType=memo lists credit memos and nothing else.",
    source=f"{SEED}: List credit memos",
    writes=False,
)
def list_memos_only(api: CountApi) -> None:
    page = api.expect("GET", "/invoices", 200, params={"invoiceType": "memo", "limit": 100})
    others = [r["id"] for r in rows(page, "invoices") if r["invoiceType"] != "memo"]
    assert not others, f"invoiceType=memo returned other records: {others[:5]}"
    assert isinstance(page.get("totalRecords"), int), "the page has no totalRecords"


@rule(
    "count",
    "CT-RECURRING-MEMO-400",
    statement="A recurring template with invoiceType memo is refused with 400.",
    source=f"{SEED}: Recurring: credit memos cannot be recurring",
    writes=True,
)
def recurring_memo_refused(api: CountApi) -> None:
    customer, product = api.basics()
    body = {
        "invoiceType": "memo",
        "customerUuid": customer,
        "date": "2026-01-15",
        "products": [{"productUuid": product, "quantity": 1, "unitPrice": 10}],
        "recurrencePattern": "monthly",
    }
    response = api.call("POST", "/recurring-invoice-templates", json=body)
    if response.is_success:
        created_template = resource(response.json())
        api.call("DELETE", f"/recurring-invoice-templates/{created_template.get('id')}")
    assert response.status_code == 400, f"a memo template answered {response.status_code}"


@rule(
    "count",
    "CT-OVER-APPLY-400",
    statement="Credit beyond the invoice's open balance is refused (400) and nothing is applied.",
    source=f"{SEED}: apply credit; {FACTS}: credit never exceeds the open balance, all or nothing",
    writes=True,
)
def over_apply_refused(api: CountApi) -> None:
    invoice = api.record("invoice", 20)
    memo = api.record("memo", 50)
    response = api.apply(invoice["id"], memo["id"], 30)
    assert response.status_code == 400, (
        f"applying 30 to an invoice of 20 answered {response.status_code}"
    )
    after = api.expect("GET", f"/invoices/{invoice['id']}", 200)
    assert after.get("openBalance") == invoice.get("openBalance"), (
        "the refused credit changed the invoice"
    )


@rule(
    "count",
    "CT-APPLY-PARTIAL",
    statement="Applying part of a memo lowers the invoice's openBalance and the memo's "
    "remainingCredit by that amount; the invoice is then partial.",
    source=f"{SEED}: Apply credit lowers both balances; {FACTS}: derived status partial",
    writes=True,
)
def apply_partial(api: CountApi) -> None:
    invoice = api.record("invoice", 100)
    memo = api.record("memo", 50)
    response = api.apply(invoice["id"], memo["id"], 30)
    assert response.status_code == 200, f"applying 30 of 50 answered {response.status_code}"
    after = api.expect("GET", f"/invoices/{invoice['id']}", 200)
    assert after.get("openBalance") == 70, (
        f"the invoice's openBalance is {after.get('openBalance')}"
    )
    assert after.get("status") == "partial", f"the invoice's status is {after.get('status')!r}"
    memo_after = api.expect("GET", f"/invoices/{memo['id']}", 200)
    assert memo_after.get("remainingCredit") == 20, (
        f"the memo's remainingCredit is {memo_after.get('remainingCredit')}"
    )


@rule(
    "count",
    "CT-MEMO-LINKED-AT-CREATION",
    statement="A credit memo created with appliedToInvoiceUuid, as a draft (the default), is "
    "accepted and linked to that invoice at creation: the invoice's openBalance drops by the "
    "memo's total.",
    source=f"{SEED}: appliedToInvoiceUuid links the memo to an open invoice at creation; "
    f"{FACTS}: neither source restricts it to non-drafts",
    writes=True,
)
def memo_linked_at_creation(api: CountApi) -> None:
    invoice = api.record("invoice", 100)
    customer, product = api.basics()
    body, status = api.create_body("memo", customer, product, 25)
    response = api.call("POST", "/invoices", json={**body, "appliedToInvoiceUuid": invoice["id"]})
    created = resource(response.json()) if response.is_success else {}
    if isinstance(created, dict) and isinstance(created.get("id"), str):
        api.credit.append((invoice["id"], created["id"]))
        api.drafts.append(created["id"])
    assert response.status_code == status, (
        f"a draft memo with appliedToInvoiceUuid answered {response.status_code}: "
        f"{response.text[:300]}"
    )
    after = api.expect("GET", f"/invoices/{invoice['id']}", 200)
    assert after.get("openBalance") == 75, (
        f"the invoice's openBalance is {after.get('openBalance')} after a 25 memo was linked"
    )


@rule(
    "count",
    "CT-APPLY-DECIMAL-STRING",
    statement="An apply body's amount may be a decimal string, as COUNT's client sends it.",
    source="getcount/count-cli src/partner-mcp/schemas/bodies.ts: amount number | string",
    writes=True,
)
def apply_decimal_string(api: CountApi) -> None:
    invoice = api.record("invoice", 100)
    memo = api.record("memo", 50)
    response = api.apply(invoice["id"], memo["id"], "12.50")
    assert response.status_code == 200, (
        f'amount "12.50" answered {response.status_code}: {response.text[:300]}'
    )
    after = api.expect("GET", f"/invoices/{invoice['id']}", 200)
    assert after.get("openBalance") == 87.5, f"the openBalance is {after.get('openBalance')}"


@rule(
    "count",
    "CT-CREATE-AS-EXPECTED",
    statement="POST /partners/invoices takes the create body of the expected reading of "
    "count.create (the client's: 201; the reference's, price lines and more required fields: "
    "200) and refuses the other reading's body with 400.",
    source="getcount/count-cli src/partner-mcp/schemas/bodies.ts; "
    "https://developers.getcount.com/rest-api-reference/invoices/create-invoice",
    writes=True,
)
def create_as_expected(api: CountApi) -> None:
    customer, product = api.basics()
    body, status = api.create_body("invoice", customer, product, 40)
    created = api.expect("POST", "/invoices", status, json=body)
    api.drafts.append(created["id"])
    assert created.get("total") == 40, f"the created invoice's total is {created.get('total')}"
    if status == 201:  # the client's reading: the reference's line has no unitPrice
        line = {"productUuid": product, "quantity": 1, "price": 40}
        other = {k: v for k, v in body.items() if k != "products"} | {"products": [line]}
    else:  # the reference's reading: the client's body lacks invoiceNumber, dueDate, isDraft
        line = {"productUuid": product, "quantity": 1, "unitPrice": 40}
        other = {
            "customerUuid": customer,
            "date": "2026-01-15",
            "notes": api.tag,
            "products": [line],
        }
    refused = api.call("POST", "/invoices", json=other)
    if refused.is_success:
        api.drafts.append(resource(refused.json()).get("id"))
    assert refused.status_code == 400, (
        f"the other reading's create body answered {refused.status_code}"
    )


@rule(
    "count",
    "CT-MEMO-DRAFT-AS-EXPECTED",
    statement="A credit memo draft is approved like an invoice (reading reference of "
    "count.memo-draft-approve), or refused approval and sent as it is (reading client).",
    source=f"{SEED}: Approve and send, same rules as invoices; getcount/count-cli "
    "src/partner-mcp/tools/definitions.ts: not valid for memo drafts, update + send",
    writes=True,
)
def memo_draft_as_expected(api: CountApi) -> None:
    memo = api.record("memo", 10, approve=False)
    approve = api.call("PATCH", f"/invoices/{memo['id']}/approve")
    if expected("count.memo-draft-approve") == "client":
        assert approve.status_code == 400, (
            f"approving a memo draft answered {approve.status_code}; the client's reading "
            "refuses it"
        )
        sent = api.expect("POST", f"/invoices/{memo['id']}/send", 200, json={})
        assert sent.get("isDraft") is False, "a sent memo draft is still a draft"
        return
    assert approve.status_code == 200, f"approving a memo draft answered {approve.status_code}"
    approved = resource(approve.json())
    assert approved.get("status") == "approved", f"the memo is {approved.get('status')}"


CUSTOMERS_PAGE = "https://developers.getcount.com/rest-api-reference/customers/create-customer"


@rule(
    "count",
    "CT-CUSTOMER-EMAIL-REQUIRED-UNIQUE",
    statement="A customer needs an email (400 without one), unique in the workspace (409 on a "
    "duplicate, whatever its case).",
    source=f"{CUSTOMERS_PAGE}: required customer and email; unique within your team (409)",
    writes=True,
)
def customer_email_required_unique(api: CountApi) -> None:
    missing = api.call("POST", "/customers", json={"customer": api.tag})
    assert missing.status_code == 400, f"a customer without email answered {missing.status_code}"
    email = f"{uuid.uuid4().hex}@creditbox-contracts.example"
    api.expect("POST", "/customers", 201, json={"customer": api.tag, "email": email})
    again = api.call("POST", "/customers", json={"customer": api.tag, "email": email.upper()})
    assert again.status_code == 409, f"a duplicate email answered {again.status_code}"


@rule(
    "count",
    "CT-CUSTOMERS-BY-NAME",
    statement="Customers are listed by name ascending by default, and orderDirection DESC "
    "reverses it.",
    source="https://developers.getcount.com/rest-api-reference/customers/list-customers: "
    "orderBy default customer, orderDirection default ASC",
    writes=True,
)
def customers_by_name(api: CountApi) -> None:
    for name in ("c", "a", "b"):
        email = f"{uuid.uuid4().hex}@creditbox-contracts.example"
        api.expect(
            "POST", "/customers", 201, json={"customer": f"{api.tag} {name}", "email": email}
        )
    for params, order in (({}, ["a", "b", "c"]), ({"orderDirection": "DESC"}, ["c", "b", "a"])):
        listed = api.expect("GET", "/customers", 200, params={"search": api.tag, **params})
        names = [row.get("customer", "")[-1:] for row in rows(listed, "customers")]
        assert names == order, f"with {params or 'the defaults'} the names came as {names}"


@rule(
    "count",
    "CT-REMOVE-CREDIT-NOT-APPLIED-404",
    statement="remove-credit of a memo that is not applied to the invoice is 404.",
    source=f"{FACTS}: remove-credit restores both balances; 404 if that memo is not applied",
    writes=True,
)
def remove_credit_not_applied(api: CountApi) -> None:
    invoice = api.record("invoice", 20)
    memo = api.record("memo", 5)
    response = api.call(
        "PATCH", f"/invoices/{invoice['id']}/remove-credit", json={"memoId": memo["id"]}
    )
    assert response.status_code == 404, (
        f"removing credit never applied answered {response.status_code}"
    )


@rule(
    "count",
    "CT-PATCH-AFTER-APPROVE-400",
    statement="An approved record cannot be changed with PATCH (400).",
    source=f"{SEED}: Invalid field updates return 400; {FACTS}: PATCH only on drafts",
    writes=True,
)
def patch_after_approve(api: CountApi) -> None:
    approved = api.record("memo", 5)
    response = api.call("PATCH", f"/invoices/{approved['id']}", json={"notes": api.tag + " late"})
    assert response.status_code == 400, f"PATCH after approve answered {response.status_code}"


@rule(
    "count",
    "CT-SEND-DRAFT-400",
    statement="A draft cannot be sent (400).",
    source=f"{SEED}: approve and send, same rules as invoices (non-draft)",
    writes=True,
)
def send_draft_refused(api: CountApi) -> None:
    draft = api.record("invoice", 5, approve=False)
    response = api.call("POST", f"/invoices/{draft['id']}/send")
    assert response.status_code == 400, f"sending a draft answered {response.status_code}"


@rule(
    "count",
    "CT-AMBIGUOUS-UUID-409",
    statement="A UUID that names two records in a workspace (legacy duplicates) answers 409.",
    source=f"{SEED}: Errors and UUIDs: ambiguous invoice UUID can yield 409 until migrated",
    writes=True,
)
def ambiguous_uuid(api: CountApi) -> None:
    if api.ambiguous_uuid:
        response = api.call("GET", f"/invoices/{api.ambiguous_uuid}")
        assert response.status_code == 409, f"the ambiguous UUID answered {response.status_code}"
        return
    tenant = _sandbox_tenant_of(api)
    record = api.record("invoice", 5)
    duplicated = api.http.request(
        "POST",
        f"{api.control_url}/tenants/{tenant}/count/legacy-duplicates",
        json={"uuid": record["id"]},
    )
    assert duplicated.status_code == 201, f"making a duplicate answered {duplicated.status_code}"
    try:
        response = api.call("GET", f"/invoices/{record['id']}")
        assert response.status_code == 409, f"a duplicated UUID answered {response.status_code}"
    finally:
        api.http.request(
            "POST",
            f"{api.control_url}/tenants/{tenant}/count/legacy-duplicates/{record['id']}/migrate",
        )


def _sandbox_tenant_of(api: CountApi) -> str:
    """On a creditbox sandbox, the tenant whose COUNT client id the run uses."""
    assert api.control_url
    found = sandbox_tenant(
        api.http, api.control_url, "count", "client_id", api.credentials.client_id
    )
    if found is None:
        raise Skipped("needs an ambiguous UUID on this target: pass --ambiguous-uuid")
    return found[0]


CLIENT = "getcount/count-cli src/partner-mcp/helpers/mcpPayloadValidation.helper.ts"
PAGE_LIMIT = 2  # small pages, so that a few records already cross page boundaries


@rule(
    "count",
    "CT-PAGINATION-EXACTLY-ONCE",
    statement="Paging GET /partners/invoices by page and limit returns every record exactly "
    "once, and as many as totalRecords says.",
    source=f"{FACTS}: lists take page and limit and answer totalRecords; {CLIENT} pages from 1 "
    "until it has fetched totalRecords",
    writes=False,
)
def pagination_exactly_once(api: CountApi) -> None:
    """Last in the catalogue: on a write run, the records the other rules left are pages to
    walk."""
    first = api.expect("GET", "/invoices", 200, params={"page": 1, "limit": PAGE_LIMIT})
    total = first.get("totalRecords")
    assert isinstance(total, int), f"the page has no totalRecords: {str(first)[:200]}"
    if total <= PAGE_LIMIT:
        raise Skipped(f"{total} records: no page boundary to cross")
    pages = -(-total // PAGE_LIMIT)
    if pages > MAX_PAGES:
        raise Skipped(f"{total} records: more than {MAX_PAGES} pages of {PAGE_LIMIT} to walk")

    def page(number: int) -> list[str]:
        listed = api.expect("GET", "/invoices", 200, params={"page": number, "limit": PAGE_LIMIT})
        return [record["id"] for record in rows(listed, "invoices")]

    seen = walk_numbered_pages([record["id"] for record in rows(first, "invoices")], pages, page)
    assert_each_once(seen, "records")
    assert len(seen) == total, f"walked {len(seen)} records but totalRecords says {total}"
