"""COUNT's documented behaviour as rules (seed 000 and COUNT's public pages).

Each rule gets a :class:`~contracts.vendors.count.client.CountClient` from its session, which
signs every request, tags what the rule creates and cleans it up afterwards.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterable
from functools import partial
from typing import Any
from urllib.parse import parse_qs, urlsplit

from contracts.api_client import expect_status
from contracts.checks import expected
from contracts.rules import Skipped, rule
from contracts.rules.paging import MAX_PAGES, assert_each_once, page_count, walk_numbered_pages
from contracts.vendors.count.checks import resource, rows
from contracts.vendors.count.client import CountClient
from contracts.vendors.count.signing import CountSigner

SEED = "seeds/000_f1d53964939ff4ee.txt (Credit memo)"
FACTS = "vendor-facts.md, COUNT"
count_rule = partial(rule, "count")


def invoice_and_memo(
    api: CountClient, invoice_amount: float, memo_amount: float
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An approved invoice and an approved credit memo, each for a new customer."""
    return api.record("invoice", invoice_amount), api.record("memo", memo_amount)


def applied_to_new(
    api: CountClient, invoice_amount: float, memo_amount: float, amount: Any, status: int, what: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A new invoice and memo (:func:`invoice_and_memo`) as created, once applying ``amount`` of
    the memo to the invoice answered ``status``; and the invoice as it is then."""
    invoice, memo = invoice_and_memo(api, invoice_amount, memo_amount)
    expect_status(api.apply(invoice["id"], memo["id"], amount), status, what)
    return invoice, memo, api.get(invoice["id"])


def balances(api: CountClient, invoice: dict[str, Any], memo: dict[str, Any]) -> tuple[Any, Any]:
    """The invoice's openBalance and the memo's remainingCredit, as read back now."""
    return api.get(invoice["id"]).get("openBalance"), api.get(memo["id"]).get("remainingCredit")


# the reasons COUNT documents for a field a PATCH ignored
WARNING_REASONS = frozenset({"internal_only", "unknown_field"})


def assert_warned(answer: Any, fields: Iterable[str]) -> None:
    """``answer`` reports each of ``fields`` in ``_partnerWarnings`` as ``{field, reason,
    message}`` with a reason COUNT documents (``internal_only`` or ``unknown_field``: which one a
    managed field gets, and what the message says, no source pins down)."""
    warnings = answer.get("_partnerWarnings") if isinstance(answer, dict) else None
    assert isinstance(warnings, list), f"the answer has no _partnerWarnings list: {warnings!r}"
    reported = {w.get("field"): w for w in warnings if isinstance(w, dict)}
    for field in fields:
        warning = reported.get(field) or {}
        assert warning.get("reason") in WARNING_REASONS and "message" in warning, (
            f"{field} is not reported as {{field, reason, message}} with a documented reason: "
            f"{warnings}"
        )


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


class EmptyBodyHash(CountSigner):
    """Signs as COUNT documents, but with an empty body hash whatever the body (a multipart
    body's hash: no source says what it covers)."""

    def signature(self, method: str, path: str, timestamp: str, body: bytes) -> str:
        return super().signature(method, path, timestamp, b"")


SIGNATURE = f"{SEED}: Authentication (HMAC x-client-id, x-signature); {FACTS}: signature"


@count_rule("CT-AUTH-BAD-SIGNATURE", source=SIGNATURE)
def bad_signature(api: CountClient) -> None:
    """A request whose x-signature does not sign it is refused: 401 in the expected error body
    ({message, statusCode}, or the reference pages' {status: error, message, code})."""
    wrong = api.credentials.signer(client_secret="not-the-secret")
    response = api.call("GET", "/invoices", params={"limit": 1}, auth=wrong)
    expect_status(response, 401, "a wrong signature")
    body = response.json()
    assert_error_body(body, 401)
    assert isinstance(body.get("message"), str), f"401 body is {body}"


SIGNED_PARTS = (
    f"{FACTS}: path without /partners and without the query; bodyHash the hex SHA-256 of the "
    "JSON body for POST/PUT/PATCH, empty otherwise; getcount/count-cli src/partner-mcp/signing.ts"
)


@count_rule("CT-AUTH-SIGNED-ACCEPTED", source=SIGNED_PARTS, writes=True)
def signed_accepted(api: CountClient) -> None:
    """Requests signed as COUNT documents are accepted: a GET with a query (its path signed
    without /partners and without the query, its body hash empty) answers 200, and a POST of a
    JSON body (signed over the hex SHA-256 of the bytes sent) answers 201."""
    listed = api.call("GET", "/invoices", params={"limit": 1, "page": 1})
    expect_status(listed, 200, "a signed GET with a query")
    email = f"{uuid.uuid4().hex}@creditbox-contracts.example"
    created = api.create_customer({"customer": api.tag, "email": email})
    expect_status(created, 201, "a signed POST of a JSON body")


PARTNER_TOKEN = (
    "https://developers.getcount.com/getting-started/api-access-credentials: data routes carry "
    "Authorization: Bearer <partner access token>; "
    "https://developers.getcount.com/api-reference/authorization/exchange-authorization-code: a "
    "token that is not valid is a 401"
)


@count_rule("CT-AUTH-UNKNOWN-TOKEN", source=PARTNER_TOKEN)
def unknown_token(api: CountClient) -> None:
    """A request signed correctly whose Bearer partner access token COUNT never issued is
    refused: 401 in the expected error body."""
    credentials = api.credentials
    other = CountSigner(credentials.client_id, credentials.client_secret, "cpt_not_issued")
    response = api.call("GET", "/invoices", params={"limit": 1}, auth=other)
    expect_status(response, 401, "an unknown partner access token")
    assert_error_body(response.json(), 401)


@count_rule("CT-LIST-MEMOS-ONLY", source=f"{SEED}: List credit memos")
def list_memos_only(api: CountClient) -> None:
    """GET /partners/invoices?invoiceType=memo lists credit memos and nothing else."""
    page = api.invoices(invoiceType="memo", limit=100)
    others = [r["id"] for r in rows(page, "invoices") if r["invoiceType"] != "memo"]
    assert not others, f"invoiceType=memo returned other records: {others[:5]}"
    assert isinstance(page.get("totalRecords"), int), "the page has no totalRecords"


MEMO_FILTERS = (
    f"{SEED}: List credit memos, invoiceType=memo combined with page, limit, isDraft, status, "
    "customers, date ranges, search"
)


@count_rule("CT-LIST-MEMO-FILTERS-COMBINE", source=MEMO_FILTERS, writes=True)
def list_memo_filters_combine(api: CountClient) -> None:
    """invoiceType=memo combines with the other list filters: of a new customer's draft memo
    (dated 2026-01-15), approved memo (dated 2026-03-10) and invoice, isDraft=true lists the
    draft memo only; status (the approved memo's) the approved memo only; startDate 2026-03-01
    the approved memo only, endDate 2026-02-01 the draft only. search by the approved memo's
    number lists that memo alone, or nothing (no source says which fields search covers for
    invoices, so a target whose search does not cover numbers finds none): never another."""
    basics = api.basics()
    draft = api.record("memo", 5, approve=False, basics=basics)
    dated = {"date": "2026-03-10"}
    if expected("count.create") == "reference":  # its body's dueDate, not before the date
        dated["dueDate"] = "2026-04-09"
    approved = api.record("memo", 5, basics=basics, fields=dated)
    api.record("invoice", 5, approve=False, basics=basics)
    cases = (
        ({"isDraft": "true"}, draft),
        ({"status": approved.get("status")}, approved),
        ({"startDate": "2026-03-01"}, approved),
        ({"endDate": "2026-02-01"}, draft),
    )
    for params, only in cases:
        query = {"invoiceType": "memo", "customerUuid": basics[0], "limit": 100, **params}
        listed = [record.get("id") for record in rows(api.invoices(**query), "invoices")]
        assert listed == [only["id"]], (
            f"invoiceType=memo with {params} listed {listed}, not [{only['id']}]"
        )
    if approved.get("invoiceNumber"):
        query = {"invoiceType": "memo", "customerUuid": basics[0], "limit": 100}
        found = api.invoices(**query, search=approved["invoiceNumber"])
        listed = [record.get("id") for record in rows(found, "invoices")]
        assert listed in ([], [approved["id"]]), (
            f"invoiceType=memo with search={approved['invoiceNumber']!r} listed {listed}"
        )


RECURRING = f"{SEED}: Recurring: credit memos cannot be recurring"


@count_rule("CT-RECURRING-MEMO-400", source=RECURRING, writes=True)
def recurring_memo_refused(api: CountClient) -> None:
    """A recurring template with invoiceType memo is refused with 400."""
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


APPLY_OPEN_BALANCE = (
    f"{SEED}: apply credit; {FACTS}: credit never exceeds the open balance, all or nothing"
)


@count_rule("CT-OVER-APPLY-400", source=APPLY_OPEN_BALANCE, writes=True)
def over_apply_refused(api: CountClient) -> None:
    """Credit beyond the invoice's open balance is refused (400) and nothing is applied."""
    invoice, _, after = applied_to_new(api, 20, 50, 30, 400, "applying 30 to an invoice of 20")
    assert after.get("openBalance") == invoice.get("openBalance"), (
        "the refused credit changed the invoice"
    )


APPLY_BALANCES = f"{SEED}: Apply credit lowers both balances; {FACTS}: derived status partial"


@count_rule("CT-APPLY-PARTIAL", source=APPLY_BALANCES, writes=True)
def apply_partial(api: CountClient) -> None:
    """Applying part of a memo lowers the invoice's openBalance and the memo's remainingCredit by
    that amount; the invoice is then partial."""
    _, memo, after = applied_to_new(api, 100, 50, 30, 200, "applying 30 of 50")
    assert after.get("openBalance") == 70, (
        f"the invoice's openBalance is {after.get('openBalance')}"
    )
    assert after.get("status") == "partial", f"the invoice's status is {after.get('status')!r}"
    memo_after = api.get(memo["id"])
    assert memo_after.get("remainingCredit") == 20, (
        f"the memo's remainingCredit is {memo_after.get('remainingCredit')}"
    )


LINKED_AT_CREATION = (
    f"{SEED}: appliedToInvoiceUuid links the memo to an open invoice at creation; "
    f"{FACTS}: neither source restricts it to non-drafts"
)


@count_rule("CT-MEMO-LINKED-AT-CREATION", source=LINKED_AT_CREATION, writes=True)
def memo_linked_at_creation(api: CountClient) -> None:
    """A credit memo created with appliedToInvoiceUuid, as a draft (the default), is accepted and
    linked to that invoice at creation: the invoice's openBalance drops by the memo's total."""
    invoice = api.record("invoice", 100)
    customer, product = api.basics()
    body, status = api.create_body("memo", customer, product, 25)
    response = api.create({**body, "appliedToInvoiceUuid": invoice["id"]})
    created = api.body(response) if response.is_success else {}
    if isinstance(created, dict) and isinstance(created.get("id"), str):
        api.credit.append((invoice["id"], created["id"]))
    expect_status(response, status, "a draft memo with appliedToInvoiceUuid")
    after = api.get(invoice["id"])
    assert after.get("openBalance") == 75, (
        f"the invoice's openBalance is {after.get('openBalance')} after a 25 memo was linked"
    )


APPLY_TO_INVOICES = (
    f"{SEED}: PATCH /partners/invoices/{{uuid}}/apply-credit-to-multiple-invoices, {{uuid}} the "
    "credit memo, invoices: [{id, amount}] each id a target invoice UUID"
)


@count_rule("CT-APPLY-MEMO-TO-INVOICES", source=APPLY_TO_INVOICES, writes=True)
def apply_memo_to_invoices(api: CountClient) -> None:
    """apply-credit-to-multiple-invoices on a memo of 50 applies 20 to an invoice of 30 and 10 to
    one of 40: read back, their openBalance is 10 and 30 and the memo's remainingCredit 20."""
    first, second, memo = (
        api.record("invoice", 30),
        api.record("invoice", 40),
        api.record("memo", 50),
    )
    applied = api.apply_to_invoices(memo["id"], {first["id"]: 20, second["id"]: 10})
    assert applied.is_success, f"applying the memo to two invoices answered {applied.status_code}"
    found = (
        api.get(first["id"]).get("openBalance"),
        api.get(second["id"]).get("openBalance"),
        api.get(memo["id"]).get("remainingCredit"),
    )
    assert found == (10, 30, 20), (
        f"(openBalance, openBalance, remainingCredit) read back are {found}, not (10, 30, 20)"
    )


CLIENT_AMOUNT = "getcount/count-cli src/partner-mcp/schemas/bodies.ts: amount number | string"


@count_rule("CT-APPLY-DECIMAL-STRING", source=CLIENT_AMOUNT, writes=True)
def apply_decimal_string(api: CountClient) -> None:
    """An apply body's amount may be a decimal string, as COUNT's client sends it."""
    after = applied_to_new(api, 100, 50, "12.50", 200, 'amount "12.50"')[2]
    assert after.get("openBalance") == 87.5, f"the openBalance is {after.get('openBalance')}"


CREATE_BODIES = (
    "getcount/count-cli src/partner-mcp/schemas/bodies.ts; "
    "https://developers.getcount.com/rest-api-reference/invoices/create-invoice"
)


@count_rule("CT-CREATE-AS-EXPECTED", source=CREATE_BODIES, writes=True)
def create_as_expected(api: CountClient) -> None:
    """POST /partners/invoices takes the create body of the expected reading of count.create (the
    client's: 201; the reference's, price lines and more required fields: 200, and its quote type)
    and refuses the other reading's body with 400."""
    customer, product = api.basics()
    body, status = api.create_body("invoice", customer, product, 40)
    created = api.answer(api.create(body), status, "POST /invoices")
    assert created.get("total") == 40, f"the created invoice's total is {created.get('total')}"
    if status == 201:  # the client's reading: the reference's line has no unitPrice
        line = {"productUuid": product, "quantity": 1, "price": 40}
        other = {k: v for k, v in body.items() if k != "products"} | {"products": [line]}
    else:  # the reference's reading: the client's body lacks invoiceNumber, dueDate, isDraft
        quote, _ = api.create_body("quote", customer, product, 40)
        quoted = api.answer(api.create(quote), status, "POST /invoices (a quote)")
        assert quoted.get("invoiceType") == "quote", f"a quote was made {quoted.get('invoiceType')}"
        line = {"productUuid": product, "quantity": 1, "unitPrice": 40}
        other = {
            "customerUuid": customer,
            "date": "2026-01-15",
            "notes": api.tag,
            "products": [line],
        }
    expect_status(api.create(other), 400, "the other reading's create body")


MEMO_DRAFTS = (
    f"{SEED}: Approve and send, same rules as invoices; getcount/count-cli "
    "src/partner-mcp/tools/definitions.ts: not valid for memo drafts, update + send"
)


@count_rule("CT-MEMO-DRAFT-AS-EXPECTED", source=MEMO_DRAFTS, writes=True)
def memo_draft_as_expected(api: CountClient) -> None:
    """A credit memo draft is approved like an invoice, then sent (reading reference of
    count.memo-draft-approve), or refused approval and sent as it is (reading client)."""
    memo = api.record("memo", 10, approve=False)
    approve = api.approve(memo["id"])
    if expected("count.memo-draft-approve") == "client":
        assert approve.status_code == 400, (
            f"approving a memo draft answered {approve.status_code}; the client's reading "
            "refuses it"
        )
        sent = api.answer(api.send(memo["id"]), 200, "sending a memo draft")
        assert sent.get("isDraft") is False, "a sent memo draft is still a draft"
        return
    assert approve.status_code == 200, f"approving a memo draft answered {approve.status_code}"
    approved = resource(approve.json())
    assert approved.get("status") == "approved", f"the memo is {approved.get('status')}"
    # sent as an invoice is (its customer's address is the harness's own, on .example)
    sent = api.answer(api.send(memo["id"]), 200, "sending an approved memo")
    assert sent.get("status") == "sent", f"the memo sent is {sent.get('status')!r}"


CUSTOMERS_PAGE = "https://developers.getcount.com/rest-api-reference/customers/create-customer"


CUSTOMER_EMAIL = f"{CUSTOMERS_PAGE}: required customer and email; unique within your team (409)"


@count_rule("CT-CUSTOMER-EMAIL-REQUIRED-UNIQUE", source=CUSTOMER_EMAIL, writes=True)
def customer_email_required_unique(api: CountClient) -> None:
    """A customer needs an email (400 without one), unique in the workspace (409 on a duplicate,
    whatever its case)."""
    missing = api.call("POST", "/customers", json={"customer": api.tag})
    assert missing.status_code == 400, f"a customer without email answered {missing.status_code}"
    email = f"{uuid.uuid4().hex}@creditbox-contracts.example"
    api.customer(email=email)
    again = api.call("POST", "/customers", json={"customer": api.tag, "email": email.upper()})
    assert again.status_code == 409, f"a duplicate email answered {again.status_code}"


CUSTOMER_ORDER = (
    "https://developers.getcount.com/rest-api-reference/customers/list-customers: "
    "orderBy default customer, orderDirection default ASC"
)


@count_rule("CT-CUSTOMERS-BY-NAME", source=CUSTOMER_ORDER, writes=True)
def customers_by_name(api: CountClient) -> None:
    """Customers are listed by name ascending by default, and orderDirection DESC reverses it."""
    for name in ("c", "a", "b"):
        api.customer(f"{api.tag} {name}")
    for params, order in (({}, ["a", "b", "c"]), ({"orderDirection": "DESC"}, ["c", "b", "a"])):
        listed = api.customers(search=api.tag, **params)
        names = [row.get("customer", "")[-1:] for row in rows(listed, "customers")]
        assert names == order, f"with {params or 'the defaults'} the names came as {names}"


REMOVE_CREDIT = f"{FACTS}: remove-credit restores both balances; 404 if that memo is not applied"
REMOVE_CREDIT_RESTORES = (
    "getcount/count-cli src/partner-mcp/tools/definitions.ts (COUNT_remove_invoice_credit): the "
    "memo's balance is restored and the target invoice's open balance increases by the unapplied "
    "amount"
)


@count_rule("CT-REMOVE-CREDIT-NOT-APPLIED-404", source=REMOVE_CREDIT, writes=True)
def remove_credit_not_applied(api: CountClient) -> None:
    """remove-credit of a memo that is not applied to the invoice is 404."""
    invoice, memo = invoice_and_memo(api, 20, 5)
    expect_status(api.remove_credit(invoice["id"], memo["id"]), 404, "removing credit not applied")


@count_rule("CT-REMOVE-CREDIT-RESTORES", source=REMOVE_CREDIT_RESTORES, writes=True)
def remove_credit_restores(api: CountClient) -> None:
    """remove-credit of an applied memo undoes the credit: read back afterwards, the invoice's
    openBalance and the memo's remainingCredit are what they were, read back, before it was
    applied. Any 2xx is a success (the sources give remove-credit's status only for a memo that
    is not applied: 404)."""
    invoice, memo = invoice_and_memo(api, 100, 50)
    before = balances(api, invoice, memo)
    if None in before:
        raise Skipped(f"the target shows no (openBalance, remainingCredit) to compare: {before}")
    applied = api.apply(invoice["id"], memo["id"], 30)
    assert applied.is_success, f"applying 30 of 50 answered {applied.status_code}"
    removed = api.remove_credit(invoice["id"], memo["id"])
    assert removed.is_success, f"removing applied credit answered {removed.status_code}"
    after = balances(api, invoice, memo)
    assert after == before, (
        f"after remove-credit (openBalance, remainingCredit) are {after}, not {before}"
    )


PATCH_DRAFTS = f"{SEED}: Invalid field updates return 400; {FACTS}: PATCH only on drafts"


@count_rule("CT-PATCH-AFTER-APPROVE-400", source=PATCH_DRAFTS, writes=True)
def patch_after_approve(api: CountClient) -> None:
    """An approved record cannot be changed with PATCH (400)."""
    approved = api.record("memo", 5)
    response = api.call("PATCH", f"/invoices/{approved['id']}", json={"notes": api.tag + " late"})
    assert response.status_code == 400, f"PATCH after approve answered {response.status_code}"


MANAGED_FIELDS = (
    f"{FACTS}: managed fields are ignored on PATCH and reported in _partnerWarnings "
    "[{field, reason: internal_only | unknown_field, message}] on a 200; getcount/count-cli "
    "src/partner-mcp/tools/definitions.ts (COUNT_update_invoice): 200 with the unchanged invoice"
)
MANAGED_SENT = {"total": 999, "paymentStatus": "paid"}


@count_rule("CT-PATCH-MANAGED-FIELDS-WARNED", source=MANAGED_FIELDS, writes=True)
def patch_managed_fields_warned(api: CountClient) -> None:
    """A PATCH of a credit memo draft that sends managed fields (total, paymentStatus) beside
    notes answers 200 with each managed field in _partnerWarnings ({field, reason, message}, the
    reason internal_only or unknown_field); read back, the notes changed and the managed fields
    are as they were read before the PATCH."""
    draft = api.record("memo", 5, approve=False)
    before = api.get(draft["id"])
    notes = f"{api.tag} edited"
    patch = api.update(draft["id"], {"notes": notes, **MANAGED_SENT})
    assert_warned(api.answer(patch, 200, "a PATCH with managed fields"), MANAGED_SENT)
    after = api.get(draft["id"])
    assert after.get("notes") == notes, f"the PATCH's notes were not kept: {after.get('notes')!r}"
    changed = {f: after.get(f) for f in MANAGED_SENT if after.get(f) != before.get(f)}
    assert not changed, f"managed fields changed on PATCH: {changed}"


SEND_NON_DRAFTS = f"{SEED}: approve and send, same rules as invoices (non-draft)"


@count_rule("CT-SEND-DRAFT-400", source=SEND_NON_DRAFTS, writes=True)
def send_draft_refused(api: CountClient) -> None:
    """A draft cannot be sent (400)."""
    draft = api.record("invoice", 5, approve=False)
    response = api.call("POST", f"/invoices/{draft['id']}/send")
    assert response.status_code == 400, f"sending a draft answered {response.status_code}"


APPROVE_AGAIN = (
    f"{FACTS}: approve only from draft; getcount/count-cli "
    "src/partner-mcp/schemas/toolInputSchemas.ts: 400 if already approved, sent, or paid; "
    "src/partner-mcp/helpers/mcpKnowledge.helper.ts: no-op if already approved"
)
# what approving again must not change (COUNT's lifecycle fields of the record)
LIFECYCLE_FIELDS = ("status", "isDraft", "approved", "isSent", "paymentStatus", "total")


@count_rule("CT-APPROVE-AGAIN-AS-EXPECTED", source=APPROVE_AGAIN, writes=True)
def approve_again_as_expected(api: CountClient) -> None:
    """Approving an approved record is refused with 400 (reading refused of
    count.approve-again, the default) or succeeds (reading no-op: any 2xx, the source names no
    status; a record it answers must be that record, its lifecycle fields as they were); either
    way the record read back is unchanged."""
    approved = api.record("invoice", 5)
    before = {field: api.get(approved["id"]).get(field) for field in LIFECYCLE_FIELDS}
    again = api.approve(approved["id"])
    if expected("count.approve-again") == "no-op":
        assert again.is_success, f"approving an approved invoice answered {again.status_code}"
        answered = api.body(again)
        if isinstance(answered, dict) and "id" in answered:
            assert answered["id"] == approved["id"], f"the no-op answered {answered['id']!r}"
            shown = {field: answered.get(field) for field in LIFECYCLE_FIELDS}
            assert shown == before, f"the no-op answered the invoice as {shown}, it was {before}"
    else:
        expect_status(again, 400, "approving an approved invoice")
    after = {field: api.get(approved["id"]).get(field) for field in LIFECYCLE_FIELDS}
    assert after == before, f"a second approve changed the invoice from {before} to {after}"


AMBIGUOUS_UUIDS = f"{SEED}: Errors and UUIDs: ambiguous invoice UUID can yield 409 until migrated"


@count_rule("CT-AMBIGUOUS-UUID-409", source=AMBIGUOUS_UUIDS, writes=True)
def ambiguous_uuid(api: CountClient) -> None:
    """A UUID that names two records in a workspace (legacy duplicates) answers 409."""
    if api.ambiguous_uuid:
        response = api.call("GET", f"/invoices/{api.ambiguous_uuid}")
        assert response.status_code == 409, f"the ambiguous UUID answered {response.status_code}"
        return
    if api.tenant() is None:  # on a creditbox sandbox, the control API makes a duplicate
        raise Skipped("needs an ambiguous UUID on this target: pass --ambiguous-uuid")
    record = api.record("invoice", 5)
    api.seed("legacy-duplicates", {"uuid": record["id"]})
    try:
        response = api.call("GET", f"/invoices/{record['id']}")
        assert response.status_code == 409, f"a duplicated UUID answered {response.status_code}"
    finally:
        api.http.request("POST", api.control_url(f"legacy-duplicates/{record['id']}/migrate"))


TIMESTAMP_UNITS = (
    f"{FACTS}: timestamp units disputed (the docs say seconds, the client sends milliseconds): "
    "accept both; getcount/count-cli src/partner-mcp/partnerApiClient.ts (Date.now())"
)


@count_rule("CT-TIMESTAMP-MILLISECONDS", source=TIMESTAMP_UNITS)
def timestamp_milliseconds(api: CountClient) -> None:
    """A request signed with x-timestamp in Unix milliseconds, as COUNT's client sends it, is
    accepted as one in seconds is. Only on a creditbox sandbox: the units are disputed (COUNT's
    docs say seconds) and accepting both is the sandbox's choice, so elsewhere it skips."""
    if api.tenant() is None:
        raise Skipped(
            "timestamp units are disputed (COUNT's docs say seconds, its client sends "
            "milliseconds): accepting both is a creditbox sandbox's choice, not COUNT's"
        )
    millis = api.credentials.signer(clock=lambda: time.time() * 1000)
    response = api.call("GET", "/invoices", params={"limit": 1}, auth=millis)
    expect_status(response, 200, "a request whose x-timestamp is in milliseconds")


UPLOAD = (
    f"{SEED}: POST /partners/invoices/{{uuid}}/attachments/upload uploads attachments as "
    f"multipart, field documents; {FACTS}: multipart bodies, no source says what is hashed"
)


UPLOADED = "creditbox-upload.txt"


@count_rule("CT-UPLOAD-ATTACHMENTS", source=UPLOAD, writes=True)
def upload_attachments(api: CountClient) -> None:
    """A multipart upload of one file in the documents field, signed, is accepted: 201 (the
    status the spec declares; the seed gives none). No source says what a multipart body's hash
    covers, so it is signed over the bytes sent and, if that is a 401, again with an empty body
    hash; either passes. If the answer lists attachments, the file is among them (no source gives
    the answer's shape)."""
    draft = api.record("invoice", 5, approve=False)
    content = f"{api.tag} upload".encode()
    files = [("documents", (UPLOADED, content, "text/plain"))]
    path = f"/invoices/{draft['id']}/attachments/upload"
    response = api.call("POST", path, files=files)
    tried = [f"signed over the bytes sent: {response.status_code}"]
    if response.status_code == 401:
        credentials = api.credentials
        unhashed = EmptyBodyHash(
            credentials.client_id, credentials.client_secret, credentials.access_token
        )
        response = api.call("POST", path, files=files, auth=unhashed)
        tried.append(f"signed with an empty body hash: {response.status_code}")
    assert response.status_code == 201, (
        f"a signed upload was not accepted with 201 ({'; '.join(tried)}): {response.text[:300]}"
    )
    answered = api.body(response)
    attachments = answered.get("attachments") if isinstance(answered, dict) else None
    if isinstance(attachments, list):  # the file, by its name under whichever key
        assert any(UPLOADED in str(attachment) for attachment in attachments), (
            f"the upload's answer lists attachments without {UPLOADED}: {str(attachments)[:300]}"
        )


ATTACHMENTS = (
    f"{SEED}: Attachments and public link, same paths as invoices: POST "
    '/partners/invoices/{uuid}/attachments JSON {"attachments": [{"url", "title?"}]}; GET '
    "/partners/invoices/{uuid}/public-link returns publicToken, publicUrl; Audit log: GET "
    "/partners/invoices/{uuid}/audit-log"
)


@count_rule("CT-MEMO-ATTACHMENTS-AND-LINKS", source=ATTACHMENTS, writes=True)
def memo_attachments_and_links(api: CountClient) -> None:
    """On a credit memo's own paths: POST attachments with one {url, title} and one {url} (title
    optional) is accepted with 201 (the status the spec declares; the seed gives none) and, if
    its answer lists attachments (no source gives the answer's shape), both are among them, the
    first with its title; GET public-link answers a publicToken and a publicUrl; GET audit-log
    answers 200."""
    memo = api.record("memo", 5, approve=False)
    links = [
        {"url": f"https://creditbox-contracts.example/{api.tag}/a.pdf", "title": api.tag},
        {"url": f"https://creditbox-contracts.example/{api.tag}/b.pdf"},
    ]
    added = api.call("POST", f"/invoices/{memo['id']}/attachments", json={"attachments": links})
    expect_status(added, 201, "adding attachments by URL")
    answered = api.body(added)
    shown = answered.get("attachments") if isinstance(answered, dict) else None
    if isinstance(shown, list):
        by_url = {a.get("url"): a for a in shown if isinstance(a, dict)}
        missing = [link["url"] for link in links if link["url"] not in by_url]
        assert not missing, f"the attachments answered lack {missing}: {str(answered)[:300]}"
        title = by_url[links[0]["url"]].get("title")
        assert title == api.tag, f"the first attachment's title is {title!r}"
    link = api.expect("GET", f"/invoices/{memo['id']}/public-link", 200)
    blank = [f for f in ("publicToken", "publicUrl") if not isinstance(link.get(f), str)]
    assert not blank, f"the public link has no {blank}: {link}"
    expect_status(api.call("GET", f"/invoices/{memo['id']}/audit-log"), 200, "the memo's audit log")


CLIENT_DISCOUNT = (
    "getcount/count-cli src/partner-mcp/schemas/bodies.ts: discount number | string "
    "(the client's reading of count.create)"
)


@count_rule("CT-DISCOUNT-DECIMAL-STRING", source=CLIENT_DISCOUNT, writes=True)
def discount_decimal_string(api: CountClient) -> None:
    """A create body's discount may be a decimal string, as COUNT's client sends it (the client's
    reading of count.create; skipped under the reference's): a record of a line of 40 with
    discount "5.50" has the total of one with the number 5.5 (no source says whether a discount
    is an amount or a percentage)."""
    if expected("count.create") != "client":
        raise Skipped("a string discount is the client's reading of count.create, not expected")
    basics = api.basics()
    number = api.record("invoice", 40, approve=False, basics=basics, fields={"discount": 5.5})
    string = api.record("invoice", 40, approve=False, basics=basics, fields={"discount": "5.50"})
    assert string.get("total") == number.get("total"), (
        f'the record with discount "5.50" has total {string.get("total")!r}, the one with 5.5 '
        f"{number.get('total')!r}"
    )


DELETE_DRAFTS = (
    f"{SEED}: DELETE /partners/invoices/{{uuid}} deletes a credit memo; "
    f"{FACTS}: DELETE only on drafts"
)


@count_rule("CT-DELETE-DRAFTS-ONLY", source=DELETE_DRAFTS, writes=True)
def delete_drafts_only(api: CountClient) -> None:
    """A credit memo draft is deleted (200, the status the spec declares; then GET is 404); an
    approved memo cannot be deleted: DELETE is refused (a 4xx: the sources give no status) and
    the memo reads back."""
    draft = api.record("memo", 5, approve=False)
    expect_status(api.delete(draft["id"]), 200, "deleting a memo draft")
    api.drafts.remove(draft["id"])
    gone = api.call("GET", f"/invoices/{draft['id']}")
    assert gone.status_code == 404, f"a deleted memo draft reads back {gone.status_code}"
    approved = api.record("memo", 5)
    response = api.delete(approved["id"])
    assert 400 <= response.status_code < 500, (
        f"deleting an approved memo answered {response.status_code}"
    )
    still = api.call("GET", f"/invoices/{approved['id']}")
    assert still.status_code == 200, f"the memo reads back {still.status_code} after DELETE"


NO_WAY_BACK = f"{FACTS}: lifecycle, no way back to draft"


@count_rule("CT-NO-WAY-BACK-TO-DRAFT", source=NO_WAY_BACK, writes=True)
def no_way_back_to_draft(api: CountClient) -> None:
    """An approved record does not become a draft again: a PATCH with isDraft true is refused (a
    4xx) and the record reads back not a draft."""
    approved = api.record("invoice", 5)
    response = api.update(approved["id"], {"isDraft": True})
    assert 400 <= response.status_code < 500, (
        f"PATCH isDraft true of an approved invoice answered {response.status_code}"
    )
    after = api.get(approved["id"])
    assert after.get("isDraft") is False and after.get("status") != "draft", (
        f"the approved invoice reads back isDraft={after.get('isDraft')!r}, "
        f"status {after.get('status')!r}"
    )


CUSTOMER_FIELDS = (
    f"{CUSTOMERS_PAGE}: mainPhone, website, status (active | inactive), billingAddress and "
    "shippingAddress {street, city, state, zipCode, country}, contacts [{..., isPrimary}], "
    "paymentTerm, taxNumber"
)
CUSTOMER_FIELDS_SENT = (
    "mainPhone",
    "website",
    "paymentTerm",
    "taxNumber",
    "status",
    "billingAddress",
    "shippingAddress",
)
ADDRESS = {"street": "1 Main St", "city": "Springfield", "state": "IL", "zipCode": "62701"}


def kept(sent: Any, shown: Any) -> bool:
    """``shown`` is ``sent``; an object (an address) has at least the keys sent, as sent."""
    if isinstance(sent, dict):
        return isinstance(shown, dict) and all(shown.get(k) == v for k, v in sent.items())
    return bool(shown == sent)


@count_rule("CT-CUSTOMER-FIELDS-KEPT", source=CUSTOMER_FIELDS, writes=True)
def customer_fields_kept(api: CountClient) -> None:
    """A customer created with mainPhone, website, paymentTerm, taxNumber, status inactive,
    billing and shipping addresses and a primary contact is answered, and read back, with each of
    them as sent: an address with at least the keys sent, as sent; one contact primary (no source
    names a contact's other fields)."""
    contact = f"{api.tag} contact"
    sent: dict[str, Any] = {
        "customer": api.tag,
        "email": f"{uuid.uuid4().hex}@creditbox-contracts.example",
        "mainPhone": "+1 555 0100",
        "website": "https://creditbox-contracts.example",
        "paymentTerm": "Net 30",
        "taxNumber": "US-12-3456789",
        "status": "inactive",
        "billingAddress": {**ADDRESS, "country": "US"},
        "shippingAddress": {**ADDRESS, "street": "2 Dock Rd", "country": "US"},
        "contacts": [{"name": contact, "isPrimary": True}],
    }
    created = api.answer(api.create_customer(sent), 201, "POST /customers")
    for shown, what in (
        (created, "answered"),
        (api.expect("GET", f"/customers/{created['id']}", 200), "read back"),
    ):
        differ = {
            field: shown.get(field)
            for field in CUSTOMER_FIELDS_SENT
            if not kept(sent[field], shown.get(field))
        }
        contacts = shown.get("contacts") or []
        primary = [c for c in contacts if isinstance(c, dict) and c.get("isPrimary") is True]
        if len(primary) != 1:
            differ["contacts"] = contacts
        assert not differ, f"the customer {what} differs from what was sent: {differ}"


CUSTOMER_SEARCH = (
    "https://developers.getcount.com/rest-api-reference/customers/list-customers: search covers "
    "name, email and phone"
)


@count_rule("CT-CUSTOMER-SEARCH", source=CUSTOMER_SEARCH, writes=True)
def customer_search(api: CountClient) -> None:
    """search finds a customer by part of its name, part of its email and part of its main
    phone."""
    name, mail, digits = (uuid.uuid4().hex[:12], uuid.uuid4().hex[:12], str(uuid.uuid4().int)[:9])
    body = {
        "customer": f"{api.tag} {name}",
        "email": f"{mail}@creditbox-contracts.example",
        "mainPhone": f"+1 {digits}",
    }
    created = api.answer(api.create_customer(body), 201, "POST /customers")
    for field, needle in (("name", name), ("email", mail), ("phone", digits)):
        found = [row.get("id") for row in rows(api.customers(search=needle), "customers")]
        assert created["id"] in found, f"search by part of its {field} found {found}"


RATE_LIMIT = (
    "https://developers.getcount.com/getting-started/important-note: 100 requests a minute per "
    "client id, then 429; getcount/count-cli src/partner-mcp/helpers/mcpKnowledge.helper.ts: "
    "type RATE_LIMITED, a requestId in the body"
)
RATE_LIMIT_ON = 2  # requests a minute the rule lets through (COUNT's 100 would spend the budget)


@count_rule("CT-RATE-LIMIT-429", source=RATE_LIMIT, writes=True)
def rate_limit_429(api: CountClient) -> None:
    """Past its rate limit a client id is answered 429 with Retry-After, and (the client's
    reading of count.error-body) a body of type RATE_LIMITED with a requestId. On a creditbox
    sandbox the rule turns a limit of 2 a minute on through the control API, and back off after;
    elsewhere it skips (it would take 100 requests in a minute)."""
    if api.tenant() is None:
        raise Skipped("needs a creditbox sandbox's control API to turn a small rate limit on")
    limit = {"vendor": "count", "limit": RATE_LIMIT_ON, "window_seconds": 60}
    with api.fault_settings({"rate_limits": [limit]}):
        answers = [api.call("GET", "/customers", params={"limit": 1}) for _ in range(3)]
    statuses = [answer.status_code for answer in answers]
    assert statuses == [200, 200, 429], f"three requests over a limit of 2 answered {statuses}"
    refused = answers[-1]
    assert (refused.headers.get("Retry-After") or "").isdigit(), (
        f"the 429 has no Retry-After in seconds: {refused.headers.get('Retry-After')!r}"
    )
    body = refused.json() if refused.content else None
    assert_error_body(body, 429)
    assert isinstance(body, dict)
    if expected("count.error-body") != "reference":
        assert body.get("type") == "RATE_LIMITED" and isinstance(body.get("requestId"), str), (
            f"the 429 body is not {{type: RATE_LIMITED, requestId}}: {body}"
        )


CLIENT = "getcount/count-cli src/partner-mcp/helpers/mcpPayloadValidation.helper.ts"
PAGE_LIMIT = 2  # small pages, so that a few records already cross page boundaries


LIST_TOTAL = (
    f"{FACTS}: lists take customerUuid, page and limit, and answer the rows and totalRecords"
)


@count_rule("CT-LIST-TOTAL-RECORDS", source=LIST_TOTAL, writes=True)
def list_total_records(api: CountClient) -> None:
    """totalRecords counts every record the filter matches, not the page: a new customer's three
    credit memos, listed with invoiceType=memo by customerUuid two to a page, say totalRecords 3;
    listed on one page, they are those three (whatever order the target lists them in). The
    memos are drafts, which clean-up can delete, so the list asks for isDraft=true (no source
    says whether a list without it holds drafts)."""
    basics = api.basics()
    made = {api.record("memo", 5, approve=False, basics=basics)["id"] for _ in range(3)}
    mine = {"invoiceType": "memo", "customerUuid": basics[0], "isDraft": "true"}
    first = api.invoices(**mine, page=1, limit=PAGE_LIMIT)
    assert first.get("totalRecords") == len(made), (
        f"the customer's {len(made)} records say totalRecords {first.get('totalRecords')!r} on a "
        f"page of {PAGE_LIMIT}"
    )
    listed = {
        record.get("id") for record in rows(api.invoices(**mine, page=1, limit=100), "invoices")
    }
    assert listed == made, f"the customer's records listed are {sorted(listed)}, not {sorted(made)}"


TAGS = (
    "getcount/count-cli src/partner-mcp/tools/definitions.ts (COUNT_list_tags, COUNT_get_tag, "
    "COUNT_create_tag), schemas/bodies.ts (createTagBodySchema, tagUuidsBodySchema); "
    "https://developers.getcount.com/rest-api-reference/tags (read-only there)"
)


@count_rule("CT-TAGS-NAMED-BY-RECORDS", source=TAGS, writes=True)
def tags_named_by_records(api: CountClient) -> None:
    """A tag created (201) reads back by id and is listed; an invoice created with it in
    tagUuids answers those tagUuids. On a creditbox sandbox, a tagUuids entry that is no tag of
    the workspace is refused with 404 (ours). Skipped off a sandbox where tags cannot be created
    (401, 403, 404 or 405: COUNT's older reference makes tags read-only through the partner
    API)."""
    made = api.call("POST", "/tags", json={"name": f"{api.tag} tag"})
    if made.status_code in (401, 403, 404, 405) and api.tenant() is None:
        raise Skipped(f"POST /partners/tags answered {made.status_code}: tags are read-only here")
    tag = api.answer(made, 201, "POST /tags")
    read = api.expect("GET", f"/tags/{tag['id']}", 200)
    assert read.get("name") == f"{api.tag} tag", f"the tag reads back as {read}"
    listed = rows(api.expect("GET", "/tags", 200, params={"search": api.tag[:50]}), "tags")
    assert tag["id"] in {row.get("id") for row in listed}, "the tag is not listed"
    customer, product = api.basics()
    body, status = api.create_body("invoice", customer, product, 10)
    record = api.answer(api.create({**body, "tagUuids": [tag["id"]]}), status, "POST /invoices")
    assert record.get("tagUuids") == [tag["id"]], (
        f"the record's tagUuids are {record.get('tagUuids')}"
    )
    if api.tenant() is not None:
        unknown = api.call("POST", "/invoices", json={**body, "tagUuids": [str(uuid.uuid4())]})
        assert unknown.status_code == 404, f"an unknown tag answered {unknown.status_code}"


BULK = (
    "getcount/count-cli src/partner-mcp/tools/definitions.ts (COUNT_bulk_create_customers: "
    "each row in its own transaction, 201 with successCount, errorCount and results); "
    "schemas/bodies.ts bulkCreateCustomersBodySchema (1 to 100 rows)"
)


@count_rule("CT-BULK-CUSTOMERS-PARTIAL", source=BULK, writes=True)
def bulk_customers_partial(api: CountClient) -> None:
    """A bulk create of three customers, the second with the email of a customer the workspace
    has, answers 201 with successCount 2, errorCount 1 and a result per row in order: the
    second refused with an error, the other two created, as they read back."""
    taken = api.customer()
    tag = uuid.uuid4().hex[:12]
    rows = [
        {"customer": f"{api.tag} bulk 1", "email": f"{tag}-1@creditbox-contracts.example"},
        {"customer": f"{api.tag} bulk 2", "email": taken["email"]},
        {"customer": f"{api.tag} bulk 3", "email": f"{tag}-3@creditbox-contracts.example"},
    ]
    answer = api.answer(api.bulk_customers(rows), 201, "POST /customers/bulk")
    counts = (answer.get("successCount"), answer.get("errorCount"))
    assert counts == (2, 1), f"(successCount, errorCount) = {counts}, expected (2, 1)"
    results = answer.get("results") or []
    outcomes = [(r.get("index"), r.get("success")) for r in results]
    assert outcomes == [(0, True), (1, False), (2, True)], f"the rows' results are {outcomes}"
    assert isinstance(results[1].get("error"), str), f"the refused row says {results[1]}"
    for result, row in ((results[0], rows[0]), (results[2], rows[2])):
        made = api.expect("GET", f"/customers/{result['customer']['id']}", 200)
        assert made.get("email") == row["email"], f"a created row reads back {made.get('email')}"


OAUTH = (
    "https://developers.getcount.com/api-reference (Authorization); "
    "https://developers.getcount.com/api-reference/authorization/exchange-authorization-code; "
    "https://developers.getcount.com/rest-api-reference/customer-crm-api-example/asd (refresh; "
    "an expired token is 401 token_expired); getcount/count-cli src/services/oauthLogin.service.ts"
    ", src/partner-mcp/partnerApiClient.ts (data.redirectUri, data.result, shouldRefreshAfterError)"
)
CALLBACK = "https://creditbox-contracts.example/callback"


@count_rule("CT-OAUTH-TOKEN-FLOW", source=OAUTH, writes=True)
def oauth_token_flow(api: CountClient) -> None:
    """A partner's client obtains a token through the documented flow: authorize-intiate answers
    the login URL (data.redirectUri), the login comes back to the redirect URI with a code and
    the state, the signed exchange answers data.result with an access and a refresh token, and
    the access token opens the API. On the tenant's test clock it expires: 401, in the expected
    reading of count.error-body (token_expired in the reference's, invalid_token with "The access
    token expired" in the client's). The refresh answers new tokens that open the API, and the
    refresh token used is refused after. Only a creditbox sandbox logs a user in and moves a
    clock: the rule makes a tenant of its own there and deletes it; elsewhere it skips."""
    if api.tenant() is None:
        raise Skipped("needs a creditbox sandbox: the login is COUNT's user's, and so is the clock")
    with api.throwaway_tenant() as own:
        started = own.authorize(CALLBACK, "creditbox-state")
        expect_status(started, 200, "authorize-intiate")
        login = started.json().get("data", {}).get("redirectUri")
        assert isinstance(login, str), (
            f"authorize-intiate answered no data.redirectUri: {started.text[:200]}"
        )
        back = own.http.request("GET", login)
        assert back.status_code in (302, 303), (
            f"the login answered {back.status_code}, not a redirect"
        )
        query = parse_qs(urlsplit(back.headers.get("location", "")).query)
        assert query.get("state") == ["creditbox-state"], (
            f"the redirect carries state {query.get('state')}"
        )
        code = (query.get("code") or [""])[0]
        grant = {"grantType": "authorization_code", "code": code, "state": "creditbox-state"}
        tokens = _token_set(own.grant(grant), "exchanging the code")
        user = own.with_token(tokens["accessToken"])
        expect_status(user.call("GET", "/invoices"), 200, "GET /invoices with the access token")
        advance = f"{own.control}/tenants/{own.tenant()}/clock/advance"
        expect_status(
            own.http.request("POST", advance, json={"days": 1}), 200, "advancing the clock"
        )
        expired = user.call("GET", "/invoices")
        assert expired.status_code == 401, (
            f"a day later the access token answered {expired.status_code}"
        )
        _assert_token_expired(expired.json())
        refresh = {"grantType": "refresh_token", "refreshToken": tokens["refreshToken"]}
        renewed = _token_set(own.grant(refresh, "/refresh-user-access-token"), "refreshing")
        fresh = own.with_token(renewed["accessToken"])
        expect_status(fresh.call("GET", "/invoices"), 200, "GET /invoices with the refreshed token")
        reused = own.grant(refresh, "/refresh-user-access-token")
        assert 400 <= reused.status_code < 500, (
            f"the refresh token, used once, answered {reused.status_code} the second time"
        )


def _token_set(response: Any, what: str) -> dict[str, Any]:
    expect_status(response, 200, what)
    result = response.json().get("data", {}).get("result")
    assert isinstance(result, dict), f"{what} answered no data.result: {response.text[:200]}"
    for field in ("accessToken", "refreshToken", "accessTokenExpiresAt", "refreshTokenExpiresAt"):
        assert isinstance(result.get(field), str) and result[field], f"{what}: no {field}"
    return result


def _assert_token_expired(body: Any) -> None:
    """An expired token's 401 in the expected reading of count.error-body."""
    if expected("count.error-body") == "reference":
        assert body.get("code") == "token_expired", f"the expired token's 401 is {body}"
    else:
        said = (body.get("error"), body.get("error_description"))
        assert said == ("invalid_token", "The access token expired"), (
            f"the expired token's 401 says (error, error_description) = {said}"
        )


# payments: transactions assigned to invoices -----------------------------------------------------

ASSIGN_TOOL = (
    "getcount/count-cli src/partner-mcp/tools/definitions.ts "
    "(COUNT_assign_transaction_to_bills_invoices, COUNT_remove_invoice_transaction) and "
    "src/partner-mcp/schemas/bodies.ts (assignTransactionToBillsInvoicesBodySchema, "
    "removeInvoiceTransactionBodySchema)"
)
PAID_OR_PARTIAL = (
    f"{ASSIGN_TOOL}; src/partner-mcp/helpers/mcpKnowledge.helper.ts (invoice_lifecycle: a full "
    "assignment is paid, less is partial); https://developers.getcount.com/api-reference/invoices "
    "(the computed status: paid, partial); "
    f"{SEED}: credit memos reduce amounts owed on open invoices"
)


def paid_by(
    api: CountClient, invoice: dict[str, Any], transaction: dict[str, Any], amount: Any
) -> None:
    """``amount`` of ``transaction`` assigned to ``invoice``, which must succeed."""
    response = api.assign(transaction["id"], {invoice["id"]: amount})
    assert response.is_success, (
        f"assigning {amount} of an Income transaction to an approved invoice answered "
        f"{response.status_code}: {response.text[:300]}"
    )


def standing(api: CountClient, invoice: dict[str, Any]) -> tuple[Any, Any]:
    """The invoice's (status, openBalance), as read back now."""
    current = api.get(invoice["id"])
    return current.get("status"), current.get("openBalance")


@count_rule("CT-PAYMENT-AND-CREDIT-PARTIAL-THEN-PAID", source=PAID_OR_PARTIAL, writes=True)
def payment_and_credit_partial_then_paid(api: CountClient) -> None:
    """An invoice of 100 paid 40 by an Income transaction reads partial with 60 open; credited
    the other 60 by a memo it reads paid with nothing open; once the transaction is removed from
    it (remove-transaction, any 2xx) it reads partial again with 40 open."""
    invoice, memo = invoice_and_memo(api, 100, 60)
    transaction = api.transaction(40)
    paid_by(api, invoice, transaction, 40)
    assert standing(api, invoice) == ("partial", 60), (
        f"paid 40 of 100, the invoice's (status, openBalance) is {standing(api, invoice)}"
    )
    expect_status(api.apply(invoice["id"], memo["id"], 60), 200, "crediting the 60 left open")
    assert standing(api, invoice) == ("paid", 0), (
        f"paid 40 and credited 60 of 100, the invoice's (status, openBalance) is "
        f"{standing(api, invoice)}"
    )
    removed = api.remove_transaction(invoice["id"], transaction["id"])
    assert removed.is_success, f"removing the transaction answered {removed.status_code}"
    assert standing(api, invoice) == ("partial", 40), (
        f"credited 60 of 100 and its payment removed, the invoice's (status, openBalance) is "
        f"{standing(api, invoice)}"
    )


PAYMENT_BOUNDS = (
    f"{ASSIGN_TOOL}: paymentAmount must be at most the invoice's open balance; "
    f"{SEED}: credit reduces amounts owed on open invoices; {FACTS}: credit never exceeds the "
    "open balance"
)


@count_rule("CT-PAYMENT-WITHIN-OPEN-BALANCE", source=PAYMENT_BOUNDS, writes=True)
def payment_within_open_balance(api: CountClient) -> None:
    """What payments and credit take from an invoice never exceeds its total: on an invoice of
    50 credited 20, a payment of 30.01 is refused (400, COUNT's error body) and changes nothing;
    once it is paid 30, a memo's credit of a cent is refused (400) and changes nothing."""
    invoice, memo = invoice_and_memo(api, 50, 30)
    expect_status(api.apply(invoice["id"], memo["id"], 20), 200, "crediting 20 of 50")
    transaction = api.transaction(60)
    before = standing(api, invoice)
    refused = api.assign(transaction["id"], {invoice["id"]: 30.01})
    expect_status(refused, 400, "a payment of 30.01 on an invoice with 30 open")
    assert_error_body(refused.json(), 400)
    assert standing(api, invoice) == before, (
        f"the refused payment moved the invoice from {before} to {standing(api, invoice)}"
    )
    paid_by(api, invoice, transaction, 30)
    after_payment = standing(api, invoice)
    assert after_payment == ("paid", 0), f"paid in full, the invoice reads {after_payment}"
    over = api.apply(invoice["id"], memo["id"], 0.01)
    expect_status(over, 400, "crediting a cent to an invoice its payment and credit settled")
    assert standing(api, invoice) == after_payment, (
        f"the refused credit moved the invoice from {after_payment} to {standing(api, invoice)}"
    )


TRANSACTION_BOUNDS = (
    f"{ASSIGN_TOOL}: a partial payment may split the transaction (what is left is categorised "
    "apart); only an Income transaction pays invoices, and not a draft"
)


@count_rule("CT-PAYMENT-FROM-INCOME-WITHIN-TRANSACTION", source=TRANSACTION_BOUNDS, writes=True)
def payment_from_income_within_transaction(api: CountClient) -> None:
    """An Expense transaction pays no invoice, and no transaction pays a draft: each refused
    with a 4xx (400 on a creditbox sandbox), nothing paid. On a creditbox sandbox, a transaction
    pays invoices no more than its amount too (ours: COUNT's client bounds a payment by the
    invoice's open balance only): an Income transaction of 30 pays 20 of one invoice, and 10.01
    of another is refused (400) and changes nothing, while 10 is taken."""
    sandbox = api.tenant() is not None
    if sandbox:
        first, second = api.record("invoice", 50), api.record("invoice", 50)
        transaction = api.transaction(30)
        paid_by(api, first, transaction, 20)
        before = standing(api, second)
        refused = api.assign(transaction["id"], {second["id"]: 10.01})
        expect_status(refused, 400, "paying 10.01 out of a transaction with 10 left")
        assert standing(api, second) == before, (
            f"the refused payment moved the invoice from {before} to {standing(api, second)}"
        )
        paid_by(api, second, transaction, 10)
    third, draft = api.record("invoice", 50), api.record("invoice", 50, approve=False)
    untouched = {record["id"]: standing(api, record) for record in (third, draft)}
    assert untouched[draft["id"]][0] == "draft", f"a new draft reads {untouched[draft['id']]}"
    expense, income = api.transaction(5, "Expense"), api.transaction(5)
    for answer, what in (
        (api.assign(expense["id"], {third["id"]: 5}), "an Expense paying an invoice"),
        (api.assign(income["id"], {draft["id"]: 5}), "paying a draft invoice"),
    ):
        if sandbox:
            expect_status(answer, 400, what)
        assert 400 <= answer.status_code < 500, f"{what} answered {answer.status_code}"
    for record in (third, draft):
        state = standing(api, record)
        assert state == untouched[record["id"]], (
            f"a refused payment moved the invoice from {untouched[record['id']]} to {state}"
        )


LIST_PAGES = (
    f"{FACTS}: lists take page and limit and answer totalRecords; {CLIENT} pages from 1 "
    "until it has fetched totalRecords"
)


@count_rule("CT-PAGINATION-EXACTLY-ONCE", source=LIST_PAGES)
def pagination_exactly_once(api: CountClient) -> None:
    """Paging GET /partners/invoices by page and limit returns every record exactly once, and as
    many as totalRecords says."""
    # Last in the catalogue: on a write run, the records the other rules left are pages to walk.
    first = api.invoices(page=1, limit=PAGE_LIMIT)
    total = page_count(first, "totalRecords")
    if total <= PAGE_LIMIT:
        raise Skipped(f"{total} records: no page boundary to cross")
    pages = -(-total // PAGE_LIMIT)
    if pages > MAX_PAGES:
        raise Skipped(f"{total} records: more than {MAX_PAGES} pages of {PAGE_LIMIT} to walk")

    def page(number: int) -> list[str]:
        return [
            record["id"] for record in rows(api.invoices(page=number, limit=PAGE_LIMIT), "invoices")
        ]

    seen = walk_numbered_pages([record["id"] for record in rows(first, "invoices")], pages, page)
    assert_each_once(seen, "records")
    assert len(seen) == total, f"walked {len(seen)} records but totalRecords says {total}"
