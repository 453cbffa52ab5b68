"""Solvimon's documented behaviour as rules (seed 003 and Solvimon's public reference).

Each rule gets a :class:`~contracts.vendors.solvimon.client.SolvimonClient` from its session;
the rules that credit take a fresh FINAL invoice each from it (crediting cannot be undone).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from functools import partial
from typing import Any

from contracts.api_client import expect_status
from contracts.checks import expected
from contracts.rules import Skipped, rule
from contracts.rules.paging import MAX_PAGES, assert_each_once, page_count, walk_numbered_pages
from contracts.vendors.solvimon.checks import EXPONENTS
from contracts.vendors.solvimon.client import SolvimonClient, line_credit

SEED = "seeds/003_f1170f6edce73760.txt (Create a credit invoice)"
FACTS = "vendor-facts.md, Solvimon"
solvimon_rule = partial(rule, "solvimon")


@dataclass(frozen=True)
class Line:
    """One line of an invoice, by its orders, with its amount."""

    period: int
    group: int
    line: int
    amount: Decimal
    currency: str

    def quantity(self, value: Decimal) -> str:
        digits = EXPONENTS.get(self.currency, 2)
        return f"{value:.{digits}f}"

    def credit(self, value: Decimal, note: str) -> dict[str, Any]:
        """A credit body for ``value`` of this line."""
        body = line_credit(self.period, self.group, self.line, self.quantity(value), self.currency)
        return {"note": note, **body}

    @property
    def smallest(self) -> Decimal:
        return Decimal(1).scaleb(-EXPONENTS.get(self.currency, 2))


def first_line(invoice: dict[str, Any]) -> Line:
    """The first line with something on it: the one the rules credit."""
    for period in invoice.get("periods") or []:
        for group in period.get("groups") or []:
            for line in group.get("lines") or []:
                amount = line.get("amount_including_tax") or line.get("amount_excluding_tax")
                if amount and Decimal(amount["quantity"]) > 0:
                    return Line(
                        period["period_order"],
                        group["group_order"],
                        line["line_order"],
                        Decimal(amount["quantity"]),
                        amount["currency"],
                    )
    raise Skipped(f"invoice {invoice.get('id')} shows no line to credit")


def half_of(line: Line) -> Decimal:
    half = (line.amount / 2).quantize(line.smallest, rounding=ROUND_DOWN)
    return max(half, line.smallest)


def credit_links(invoice: dict[str, Any]) -> set[str]:
    return {link["id"] for link in invoice.get("linked_invoices") or []}


def quantity(invoice: dict[str, Any], name: str) -> Decimal:
    """The quantity of ``invoice``'s amount ``name``; a value that is no amount fails the rule."""
    amount = invoice.get(name)
    assert isinstance(amount, dict) and isinstance(amount.get("quantity"), str), (
        f"{invoice.get('id')}: {name} is {amount!r}, not an amount {{quantity, currency}}"
    )
    return Decimal(amount["quantity"])


def final_line(api: SolvimonClient) -> tuple[dict[str, Any], Line]:
    """A FINAL invoice nobody has credited, and the line the rules credit."""
    invoice = api.final_invoice()
    return invoice, first_line(invoice)


def credited(
    api: SolvimonClient,
    invoice: dict[str, Any],
    body: dict[str, Any],
    status: int,
    what: str,
    **options: Any,
) -> Any:
    """The answer to crediting ``invoice`` with ``body``, once it is ``status``: the credit
    invoice (a 2xx), or the response."""
    response = api.credit(invoice["id"], body, **options)
    expect_status(response, status, what)
    return response.json() if response.is_success else response


def assert_nothing_credited(api: SolvimonClient, invoice: dict[str, Any]) -> dict[str, Any]:
    """``invoice`` gained no credit invoice; it as it is now."""
    after = api.invoice(invoice["id"])
    assert credit_links(after) == credit_links(invoice), "a refused credit left a link"
    return after


def new_credits(api: SolvimonClient, invoice: dict[str, Any]) -> set[str]:
    """The credit invoices ``invoice`` links to now that it did not link to when read."""
    return credit_links(api.invoice(invoice["id"])) - credit_links(invoice)


# the rules ---------------------------------------------------------------------------------


AUTHENTICATION = f"{SEED}: Authentication (X-API-KEY or Authorization: Bearer); Errors: 401"


@solvimon_rule("SV-AUTH-MISSING-KEY-401", source=AUTHENTICATION)
def missing_key(api: SolvimonClient) -> None:
    """A call without X-API-KEY or Bearer token is refused: 401 {type, code, message}."""
    response = api.http.request("GET", api.url("/invoices"), params={"limit": 1})
    assert response.status_code == 401, f"no credentials answered {response.status_code}"
    body = response.json()
    assert {"type", "code", "message"} <= set(body), f"401 body is {body}"


@solvimon_rule("SV-AUTH-UNKNOWN-BEARER-401", source=AUTHENTICATION)
def unknown_bearer(api: SolvimonClient) -> None:
    """Authorization: Bearer is a way in of its own: a token no one issued, without an API key,
    is refused with 401 {type, code, message}, not ignored and not read as a malformed request.
    (The harness holds no user token, so it cannot show a good one let in.)"""
    forged = {"Authorization": f"Bearer creditbox-{uuid.uuid4().hex}"}
    response = api.http.request("GET", api.url("/invoices"), params={"limit": 1}, headers=forged)
    assert response.status_code == 401, f"an unknown Bearer token answered {response.status_code}"
    body = response.json()
    assert {"type", "code", "message"} <= set(body), f"401 body is {body}"


PLATFORM_HEADER = f"{SEED}: Headers: x-platform-id; {FACTS}: x-platform-id picks the platform"


@solvimon_rule("SV-UNREACHABLE-PLATFORM-403", source=PLATFORM_HEADER)
def unreachable_platform(api: SolvimonClient) -> None:
    """x-platform-id naming a platform the key cannot reach is refused with 403."""
    stranger = f"plat_creditbox_{uuid.uuid4().hex[:12]}"
    response = api.call("GET", "/invoices", platform=stranger, params={"limit": 1})
    assert response.status_code == 403, f"platform {stranger} answered {response.status_code}"


@solvimon_rule("SV-UNKNOWN-VERSION-404", source=f"{SEED}: Path parameters: version (defaults to 1)")
def unknown_version(api: SolvimonClient) -> None:
    """Only API version 1 exists: /v2/... is 404 in Solvimon's error shape."""
    response = api.http.request("GET", f"{api.prefix}/v2/invoices", headers=api.headers)
    assert response.status_code == 404, f"/v2/invoices answered {response.status_code}"
    assert {"type", "code", "message"} <= set(response.json()), f"404 body is {response.text}"


FINAL_ONLY = f"{FACTS}: only FINAL invoices can be credited (400 INVALID_OPERATION otherwise)"


@solvimon_rule("SV-CREDIT-NON-FINAL-400", source=FINAL_ONLY, writes=True)
def credit_non_final(api: SolvimonClient) -> None:
    """Crediting an invoice that is not FINAL is refused with 400 and creates nothing."""
    invoice = api.open_invoice()
    assert invoice["status"] != "FINAL", f"{invoice['id']} is FINAL"
    credited(api, invoice, {"note": api.tag}, 400, f"crediting a {invoice['status']} invoice")
    assert_nothing_credited(api, invoice)


CREDIT_PERMISSION_403 = f"{SEED}: Requires the INVOICE.CREDIT.CREATE permission; Errors: 403"


@solvimon_rule("SV-CREDIT-PERMISSION-403", source=CREDIT_PERMISSION_403, writes=True)
def credit_needs_permission(api: SolvimonClient) -> None:
    """A key without INVOICE.CREDIT.CREATE cannot credit: 403, and nothing is created."""
    key = api.view_only_key()
    invoice, line = final_line(api)
    body = line.credit(line.smallest, api.tag)
    credited(api, invoice, body, 403, "a key without the permission", key=key)
    assert_nothing_credited(api, invoice)


CREDITABLE = f"{FACTS}: a credit never exceeds what is still creditable"


@solvimon_rule("SV-OVER-CREDIT-400", source=CREDITABLE, writes=True)
def over_credit(api: SolvimonClient) -> None:
    """A credit for more than a line still has is refused with 400; nothing is created."""
    invoice, line = final_line(api)
    credited(api, invoice, line.credit(line.amount + line.smallest, api.tag), 400, "an over-credit")
    after = assert_nothing_credited(api, invoice)
    assert quantity(after, "open_invoice_amount") == quantity(invoice, "open_invoice_amount"), (
        "a refused credit changed the open amount"
    )


CREDIT_PERIODS = f"{SEED}: Request: periods; {FACTS}: periods[{{period_order, groups[{{lines}}]}}]"


@solvimon_rule("SV-PARTIAL-CREDIT-EXACT", source=CREDIT_PERIODS, writes=True)
def partial_credit_exact(api: SolvimonClient) -> None:
    """A credit by periods credits exactly the amounts given; the original's open amount drops and
    its closed amount rises by that much."""
    invoice, line = final_line(api)
    part = half_of(line)
    credit = credited(api, invoice, line.credit(part, api.tag), 200, "a partial credit")
    assert quantity(credit, "invoice_amount_including_tax").copy_abs() == part, (
        f"crediting {part} made a credit invoice of {credit['invoice_amount_including_tax']}"
    )
    lines_credited = [
        (p["period_order"], g["group_order"], entry["line_order"])
        for p in credit.get("periods") or []
        for g in p.get("groups") or []
        for entry in g.get("lines") or []
    ]
    assert lines_credited in ([], [(line.period, line.group, line.line)]), (
        f"the credit invoice's lines are {lines_credited}, expected only line "
        f"{(line.period, line.group, line.line)}"
    )
    after = api.invoice(invoice["id"])
    drop = quantity(invoice, "open_invoice_amount") - quantity(after, "open_invoice_amount")
    rise = quantity(after, "closed_invoice_amount") - quantity(invoice, "closed_invoice_amount")
    assert drop == part and rise == part, (
        f"open dropped {drop}, closed rose {rise}; credited {part}"
    )


CREDIT_THE_REST = f"{SEED}: Request: periods (optional); {FACTS}: never more than is creditable"


@solvimon_rule("SV-CREDIT-NEVER-TWICE", source=CREDIT_THE_REST, writes=True)
def credit_never_twice(api: SolvimonClient) -> None:
    """Without periods the rest still creditable is credited (earlier credits counted); a further
    credit is refused with 400."""
    invoice, line = final_line(api)
    total = quantity(invoice, "invoice_amount_including_tax")
    part = half_of(line)
    credited(api, invoice, line.credit(part, api.tag), 200, "a partial credit")
    rest = credited(api, invoice, {"note": api.tag}, 200, "crediting the rest")
    amount = quantity(rest, "invoice_amount_including_tax").copy_abs()
    assert amount == total - part, f"the rest credited {amount}; {total - part} was left"
    credited(api, invoice, {"note": api.tag}, 400, "a third credit")
    assert len(new_credits(api, invoice)) == 2, "the original does not list exactly its two credits"


ON_HOLD_FIELD = (
    f"{SEED}: forceInitOnHold; Solvimon's OpenAPI: force_init_on_hold; docs/disputed-points.md"
)


@solvimon_rule("SV-ON-HOLD-AS-EXPECTED", source=ON_HOLD_FIELD, writes=True)
def on_hold_as_expected(api: SolvimonClient) -> None:
    """The credit body's on-hold flag, spelled as the expected reading of solvimon.on-hold-field
    spells it, starts the credit invoice on hold; the other spelling is accepted and ignored."""
    invoice, line = final_line(api)
    spelled, other = "force_init_on_hold", "forceInitOnHold"
    if expected("solvimon.on-hold-field") == "reference-page":
        spelled, other = other, spelled
    piece = line.credit(line.smallest, api.tag)
    held = credited(api, invoice, {**piece, spelled: True}, 200, f"{spelled}: true")
    assert held.get("on_hold") is True, f"{spelled}: true left on_hold {held.get('on_hold')}"
    what = f"{other}, a field the body does not know,"
    ignored = credited(api, invoice, {**piece, other: True}, 200, what)
    assert ignored.get("on_hold") is False, f"{other} was not ignored"


CREDIT_LINKS = f"{SEED}: Response: credit, linked_invoices; {FACTS}: credit detail"


@solvimon_rule("SV-LINKS-BOTH-WAYS", source=CREDIT_LINKS, writes=True)
def links_both_ways(api: SolvimonClient) -> None:
    """The credit invoice names its original (credit.original_invoice_id, linked_invoices) and the
    original lists the credit invoice in linked_invoices. On a creditbox sandbox the invoice is a
    ONE_OFF one, so that its credit is the ONE_OFF_CREDIT the invariants read linked_invoices_ids
    of (the other crediting rules credit STANDARD invoices)."""
    invoice = api.final_invoice(kind="ONE_OFF")
    line = first_line(invoice)
    made = credited(api, invoice, line.credit(line.smallest, api.tag), 200, "a credit")
    credit = api.invoice(made["id"])
    detail = credit.get("credit") or {}
    assert detail.get("original_invoice_id") == invoice["id"], (
        f"credit.original_invoice_id is {detail.get('original_invoice_id')}"
    )
    info = detail.get("original_invoice_info") or {}
    assert info.get("invoice_number") == invoice.get("invoice_number"), (
        f"original_invoice_info is {info}"
    )
    assert invoice["id"] in credit_links(credit), "the credit invoice does not link its original"
    assert credit["id"] in credit_links(api.invoice(invoice["id"])), (
        "the original does not link its credit invoice"
    )


IDEMPOTENT_REPLAY = f"{FACTS}: Idempotency-Key; a replay returns the stored response"


@solvimon_rule("SV-IDEMPOTENT-REPLAY", source=IDEMPOTENT_REPLAY, writes=True)
def idempotent_replay(api: SolvimonClient) -> None:
    """The same Idempotency-Key and body sent again answers the same credit invoice and creates no
    second one."""
    invoice, line = final_line(api)
    body = line.credit(line.smallest, api.tag)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = credited(api, invoice, body, 200, "the first credit", headers=key)
    again = credited(api, invoice, body, 200, "the replay", headers=key)
    assert again["id"] == first["id"], "the replay answered another invoice"
    made = new_credits(api, invoice)
    assert made == {first["id"]}, f"the original gained {len(made)} credits"


IDEMPOTENCY_KEY_REUSED = (
    f"{FACTS}: the same key with a different body is 409 IDEMPOTENCY_CHECK_FAILED"
)


@solvimon_rule("SV-IDEMPOTENCY-KEY-REUSE-409", source=IDEMPOTENCY_KEY_REUSED, writes=True)
def key_reused(api: SolvimonClient) -> None:
    """An Idempotency-Key reused with a different body is refused with 409."""
    invoice, line = final_line(api)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    credited(
        api, invoice, line.credit(line.smallest, api.tag), 200, "the first credit", headers=key
    )
    other = line.credit(line.smallest * 2, api.tag)
    refused = credited(api, invoice, other, 409, "the reused key", headers=key)
    assert refused.json().get("code") == "IDEMPOTENCY_CHECK_FAILED", f"409 body is {refused.text}"
    made = new_credits(api, invoice)
    assert len(made) == 1, f"the original gained {len(made)} credits"


@solvimon_rule("SV-OTHER-PLATFORM-404", source=PLATFORM_HEADER, writes=True)
def other_platform(api: SolvimonClient) -> None:
    """An invoice of another platform is 404 on this one, and found on its own."""
    platform = api.other_platform()
    invoice = api.final_invoice(platform)
    hidden = api.call("GET", f"/invoices/{invoice['id']}")
    assert hidden.status_code == 404, f"another platform's invoice answered {hidden.status_code}"
    assert api.invoice(invoice["id"], platform=platform)["id"] == invoice["id"]


DEPRECATED_GROUPS = f"{SEED}: Request: groups (list of objects or null, optional, deprecated)"


@solvimon_rule("SV-DEPRECATED-GROUPS-CREDIT-EXACT", source=DEPRECATED_GROUPS, writes=True)
def deprecated_groups_credit_exact(api: SolvimonClient) -> None:
    """A credit by the deprecated groups (an invoice of one period) is still taken, and credits
    exactly the amounts given. The seed documents no shape for groups' elements: the rule sends
    those of periods[].groups; off a creditbox sandbox a 400 for them skips (the field is
    deprecated, and may be gone)."""
    invoice, line = final_line(api)
    if len(invoice.get("periods") or []) != 1:
        raise Skipped(f"invoice {invoice['id']} has more than one period for groups to name")
    part = half_of(line)
    (period,) = line.credit(part, api.tag)["periods"]
    body = {"note": api.tag, "groups": period["groups"]}
    response = api.credit(invoice["id"], body)
    if response.status_code == 400 and not api.on_sandbox():
        assert_nothing_credited(api, invoice)
        raise Skipped(
            "the deployment refused the deprecated groups (400): the field is deprecated and "
            "may be gone, or shaped otherwise than periods[].groups"
        )
    expect_status(response, 200, "a credit by groups")
    credit = response.json()
    amount = quantity(credit, "invoice_amount_including_tax").copy_abs()
    assert amount == part, f"crediting {part} by groups made a credit invoice of {amount}"


REQUEST_IDS = (
    "docs.solvimon.com/platform-guides/for-developers/introduction "
    "(X-REQUEST-ID: reqr_… on every response)"
)
REQUEST_ID = re.compile(r"^reqr_\w+$")


@solvimon_rule("SV-REQUEST-ID-EVERY-RESPONSE", source=REQUEST_IDS)
def request_id_every_response(api: SolvimonClient) -> None:
    """Every response carries X-REQUEST-ID: reqr_…, refusals as well as answers: a list, a call
    without credentials (401), an unknown invoice and an unknown version (404)."""
    unknown = f"invo_creditbox{uuid.uuid4().hex[:12]}"
    responses = {
        "GET /v1/invoices": api.call("GET", "/invoices", params={"limit": 1}),
        "GET /v1/invoices without credentials": api.http.request(
            "GET", api.url("/invoices"), params={"limit": 1}
        ),
        f"GET /v1/invoices/{unknown}": api.call("GET", f"/invoices/{unknown}"),
        "GET /v2/invoices": api.http.request(
            "GET", f"{api.prefix}/v2/invoices", headers=api.headers
        ),
    }
    missing = {
        what: response.headers.get("X-REQUEST-ID")
        for what, response in responses.items()
        if not REQUEST_ID.match(response.headers.get("X-REQUEST-ID") or "")
    }
    assert not missing, f"responses without an X-REQUEST-ID reqr_…: {missing}"


STANDARDISATION = (
    f"{SEED}: Request: delivery_date (datetime); docs.solvimon.com/api-docs/solvimon-api/"
    "standardisation (timestamps with milliseconds are refused)"
)


@solvimon_rule("SV-DELIVERY-DATE-WHOLE-SECONDS", source=STANDARDISATION, writes=True)
def delivery_date_whole_seconds(api: SolvimonClient) -> None:
    """A credit's delivery_date in whole seconds is taken; one with milliseconds is refused with
    400 and creates nothing."""
    invoice, line = final_line(api)
    piece = line.credit(line.smallest, api.tag)
    precise = {**piece, "delivery_date": "2026-01-15T10:00:00.123Z"}
    refused = credited(api, invoice, precise, 400, "a delivery_date with milliseconds")
    assert refused.json().get("field") in (None, "delivery_date"), (
        f"the 400 names field {refused.json().get('field')}"
    )
    assert_nothing_credited(api, invoice)
    whole = {**piece, "delivery_date": "2026-01-15T10:00:00Z"}
    credited(api, invoice, whole, 200, "a delivery_date in whole seconds")


CREDIT_AND_COPY = (
    "Solvimon's transaction API OpenAPI (github.com/api-evangelist/solvimon): "
    "POST /v{version}/invoices/{resourceId}/credit_and_copy, CreditAndCopyInvoiceResponse; "
    "update_new_invoice_to_final and update_credit_invoice_to_final default to false"
)


@solvimon_rule("SV-CREDIT-AND-COPY", source=CREDIT_AND_COPY, writes=True)
def credit_and_copy(api: SolvimonClient) -> None:
    """credit_and_copy credits the invoice and makes a copy of it: it answers the original's,
    the credit invoice's and the copy's ids; the credit invoice credits that original, and by
    default neither it nor the copy is FINAL (both stay editable). Only on a creditbox sandbox:
    elsewhere the copy is a new invoice to the customer, a draft that finalises by itself after
    its grace period."""
    if not api.on_sandbox():
        raise Skipped(
            "needs a creditbox sandbox: credit_and_copy issues a copy of a customer's invoice, "
            "which finalises by itself after its grace period"
        )
    invoice = api.final_invoice()
    response = api.call(
        "POST", f"/invoices/{invoice['id']}/credit_and_copy", json={"note": api.tag}
    )
    expect_status(response, 200, "credit_and_copy")
    ids = response.json()
    assert ids.get("original_invoice_id") == invoice["id"], f"credit_and_copy answered {ids}"
    credit, copy = api.invoice(ids["credit_invoice_id"]), api.invoice(ids["new_invoice_id"])
    assert len({invoice["id"], credit["id"], copy["id"]}) == 3, f"credit_and_copy answered {ids}"
    detail = credit.get("credit") or {}
    assert detail.get("original_invoice_id") == invoice["id"], (
        f"the credit invoice credits {detail.get('original_invoice_id')}, not {invoice['id']}"
    )
    for what, made in (("credit invoice", credit), ("copy", copy)):
        assert made["status"] != "FINAL", f"the {what} {made['id']} is FINAL by default"


GRACE = "https://docs.solvimon.com/docs/invoice-lifecycle: an 8-hour grace period by default"
GRACE_HOURS = 8


@solvimon_rule("SV-DRAFT-FINAL-AFTER-GRACE", source=GRACE, writes=True)
def draft_final_after_grace(api: SolvimonClient) -> None:
    """A DRAFT invoice not on hold is still a draft a minute before its 8-hour grace period ends
    and FINAL a minute after. Only a creditbox sandbox's test clock shows it within a run, and
    the clock cannot be moved back: the rule makes a tenant of its own on the sandbox, moves
    that tenant's clock and deletes the tenant afterwards. On any other target it skips."""
    if not api.on_sandbox():
        raise Skipped("needs a creditbox sandbox's test clock: the grace period is 8 hours")
    with api.throwaway_tenant() as own:
        draft = own.open_invoice()
        assert draft.get("status") == "DRAFT", f"the seeded invoice is {draft.get('status')}"
        advance = f"{own.control}/tenants/{own.tenant()}/clock/advance"
        expect_status(
            own.http.request("POST", advance, json={"hours": GRACE_HOURS - 1, "minutes": 59}),
            200,
            "advancing the clock",
        )
        before = own.invoice(draft["id"])
        assert before.get("status") == "DRAFT", (
            f"a minute before its grace period ends the draft is {before.get('status')}"
        )
        expect_status(
            own.http.request("POST", advance, json={"minutes": 2}), 200, "advancing the clock"
        )
        after = own.invoice(draft["id"])
        assert after.get("status") == "FINAL", (
            f"a minute after its grace period ended the draft is {after.get('status')}"
        )


# one-off invoices and refunds ---------------------------------------------------------------

TX_API = "Solvimon's transaction API OpenAPI (github.com/api-evangelist/solvimon)"
ONE_OFF_PERMISSION = "INVOICE.ONE_OFF.CREATE"
ONE_OFF_PAGE = "https://docs.solvimon.com/docs/one-off-invoices"
CREDIT_INVOICES_PAGE = "https://docs.solvimon.com/docs/credit-invoices"


def a_customer(api: SolvimonClient) -> str:
    """A customer to make a one-off invoice for: the run's on a creditbox sandbox, else the
    customer of the newest invoice listed (a real deployment knows only its own customers)."""
    if api.on_sandbox():
        return "creditbox-contracts"
    rows = api.invoices(limit=1)["data"]
    if not rows or not rows[0].get("customer_id"):
        raise Skipped("needs an invoice with a customer_id to make a one-off invoice for")
    return str(rows[0]["customer_id"])


def an_invoice(api: SolvimonClient) -> dict[str, Any]:
    """An invoice to name in a request that must be refused: a FINAL one seeded on a creditbox
    sandbox, else the newest listed (none of the configured ones is used up)."""
    if api.on_sandbox():
        return dict(api.final_invoice())
    rows = api.invoices(limit=1)["data"]
    if not rows:
        raise Skipped("needs an invoice to name")
    return dict(rows[0])


def created(api: SolvimonClient, body: dict[str, Any], status: int, what: str) -> Any:
    """The answer to ``POST /v1/invoices`` with ``body``, once it is ``status``: the invoice (a
    2xx), or the response. Off a creditbox sandbox, a 403 says the key the harness was given
    lacks INVOICE.ONE_OFF.CREATE, and skips; on one, the key holds every permission."""
    response = api.create_invoice(body)
    if response.status_code == 403 and status != 403 and not api.on_sandbox():
        raise Skipped(f"the API key lacks {ONE_OFF_PERMISSION}: {what} answered 403")
    expect_status(response, status, what)
    return response.json() if response.is_success else response


ONE_OFF_DRAFT = (
    f"{TX_API}: POST /v{{version}}/invoices (Create a one-off invoice or credit invoice, 200 "
    f"Invoice); {ONE_OFF_PAGE}: one-off invoices are generated in Draft and On Hold status"
)


@solvimon_rule("SV-ONE-OFF-DRAFT-ON-HOLD", source=ONE_OFF_DRAFT, writes=True)
def one_off_draft_on_hold(api: SolvimonClient) -> None:
    """POST /v1/invoices with type ONE_OFF answers 200 with a ONE_OFF invoice that is a DRAFT on
    hold, and reads back so."""
    body = {"type": "ONE_OFF", "customer_id": a_customer(api), "notes": [api.tag]}
    made = created(api, body, 200, "creating a ONE_OFF invoice")
    for what, invoice in (("the answer", made), ("the invoice read back", api.invoice(made["id"]))):
        found = (invoice.get("type"), invoice.get("status"), invoice.get("on_hold"))
        assert found == ("ONE_OFF", "DRAFT", True), (
            f"{what}: type, status, on_hold are {found}, expected ('ONE_OFF', 'DRAFT', True)"
        )


ONE_OFF_CREDIT_LINKS = (
    f"{TX_API}: linked_invoices_ids (ONE_OFF_CREDIT only, the original invoices this invoice "
    f"links to); {CREDIT_INVOICES_PAGE}: the credit invoice is also linked in the main invoice"
)


@solvimon_rule("SV-ONE-OFF-CREDIT-LINKS-BOTH-WAYS", source=ONE_OFF_CREDIT_LINKS, writes=True)
def one_off_credit_links_both_ways(api: SolvimonClient) -> None:
    """A ONE_OFF_CREDIT created through POST /v1/invoices with linked_invoices_ids naming two
    originals names both in linked_invoices_ids and in linked_invoices. On a creditbox sandbox,
    each original lists the credit invoice in its linked_invoices too (ours for a one-off
    credit: Solvimon's page says so of a credit made by the credit action)."""
    originals = [api.final_invoice(), api.final_invoice()]
    body = {
        "type": "ONE_OFF_CREDIT",
        "customer_id": originals[0].get("customer_id") or a_customer(api),
        "linked_invoices_ids": [original["id"] for original in originals],
        "notes": [api.tag],
    }
    credit = api.invoice(created(api, body, 200, "creating a ONE_OFF_CREDIT")["id"])
    assert credit.get("type") == "ONE_OFF_CREDIT", f"the credit invoice is {credit.get('type')}"
    ids = [original["id"] for original in originals]
    assert set(credit.get("linked_invoices_ids") or []) == set(ids), (
        f"linked_invoices_ids is {credit.get('linked_invoices_ids')}, expected {ids}"
    )
    assert credit_links(credit) >= set(ids), (
        f"the credit invoice's linked_invoices {sorted(credit_links(credit))} miss originals {ids}"
    )
    for original in ids if api.on_sandbox() else []:
        assert credit["id"] in credit_links(api.invoice(original)), (
            f"the original {original} does not list the credit invoice {credit['id']}"
        )


LINKED_IDS_ONLY = (
    f"{SEED}: linked_invoices_ids can currently only be used for ONE_OFF_CREDIT invoices; "
    f"{TX_API}: InvoiceCreateRequest.linked_invoices_ids"
)


@solvimon_rule("SV-LINKED-IDS-ONLY-ONE-OFF-CREDIT-400", source=LINKED_IDS_ONLY, writes=True)
def linked_ids_only_one_off_credit(api: SolvimonClient) -> None:
    """A ONE_OFF invoice with linked_invoices_ids is refused with 400 in Solvimon's error shape,
    and the invoice it names gains no link."""
    invoice = an_invoice(api)
    body = {
        "type": "ONE_OFF",
        "customer_id": invoice.get("customer_id") or a_customer(api),
        "linked_invoices_ids": [invoice["id"]],
        "notes": [api.tag],
    }
    refused = created(api, body, 400, "a ONE_OFF with linked_invoices_ids")
    assert {"type", "code", "message"} <= set(refused.json()), f"400 body is {refused.text}"
    assert_nothing_credited(api, invoice)


ONE_OFF_CUSTOMER = (
    f"{SEED}: customer_id / customer_reference: either id or reference is mandatory when "
    "creating a one-off invoice"
)


@solvimon_rule("SV-ONE-OFF-CUSTOMER-REQUIRED-400", source=ONE_OFF_CUSTOMER, writes=True)
def one_off_customer_required(api: SolvimonClient) -> None:
    """A ONE_OFF invoice with neither customer_id nor customer_reference is refused with 400 in
    Solvimon's error shape."""
    refused = created(
        api, {"type": "ONE_OFF", "notes": [api.tag]}, 400, "a ONE_OFF without a customer"
    )
    assert {"type", "code", "message"} <= set(refused.json()), f"400 body is {refused.text}"


ONE_OFF_REFUND_PERMISSIONS = (
    f"{TX_API}: POST /v{{version}}/invoices requires INVOICE.ONE_OFF.CREATE; "
    "POST /v{version}/invoices/{resourceId}/refund requires INVOICE.REFUND; Errors: 403"
)


@solvimon_rule("SV-ONE-OFF-REFUND-PERMISSION-403", source=ONE_OFF_REFUND_PERMISSIONS, writes=True)
def one_off_and_refund_need_permissions(api: SolvimonClient) -> None:
    """A key with neither INVOICE.ONE_OFF.CREATE nor INVOICE.REFUND cannot create a
    ONE_OFF_CREDIT (403, and the original gains no link) nor refund an invoice (403)."""
    key = api.view_only_key()
    invoice = an_invoice(api)
    refused = api.one_off_credit(invoice, key=key)
    expect_status(refused, 403, "a ONE_OFF_CREDIT by a key without INVOICE.ONE_OFF.CREATE")
    assert_nothing_credited(api, invoice)
    refused = api.refund(invoice["id"], key=key)
    expect_status(refused, 403, "a refund by a key without INVOICE.REFUND")


REFUND = (
    f"{TX_API}: POST /v{{version}}/invoices/{{resourceId}}/refund (Refund a credit invoice via "
    "the original payment; no body; 200 Invoice)"
)


@solvimon_rule("SV-REFUND-CREDIT-INVOICE", source=REFUND, writes=True)
def refund_credit_invoice(api: SolvimonClient) -> None:
    """A credit invoice is refunded: 200 with that invoice, the refund recorded (refunded_at,
    the sandbox's field) and read back; a second refund, and a refund of the original (not a
    credit invoice), are refused with 400. Only on a creditbox sandbox: elsewhere a refund pays
    a customer back through the original payment."""
    if not api.on_sandbox():
        raise Skipped("needs a creditbox sandbox: a refund pays a customer back")
    invoice = api.final_invoice()
    credit = credited(api, invoice, {"note": api.tag}, 200, "a credit to refund")
    expect_status(api.refund(invoice["id"]), 400, "refunding an invoice that is no credit")
    response = api.refund(credit["id"])
    expect_status(response, 200, "refunding a credit invoice")
    refunded = response.json()
    assert refunded.get("id") == credit["id"], f"the refund answered invoice {refunded.get('id')}"
    stamp = refunded.get("refunded_at")
    assert stamp, "the refunded credit invoice has no refunded_at"
    assert api.invoice(credit["id"]).get("refunded_at") == stamp, "the refund was not kept"
    expect_status(api.refund(credit["id"]), 400, "a second refund")
    assert api.invoice(credit["id"]).get("refunded_at") == stamp, "a refused refund changed it"


QUERY_PARAMETERS = "docs.solvimon.com/docs/query-parameters (filtering, ordering, pagination)"
PAGE_LIMIT = 2  # small pages, so that a few invoices already cross page boundaries


ORDER_FIELDS = (
    "created_at",
    "invoice_number",
    "invoice_date",
    "due_date",
    "invoice_amount_including_tax",
    "status",
)


def _order_value(invoice: dict[str, Any], order_by: str) -> Any:
    value = invoice.get(order_by)
    if order_by == "invoice_amount_including_tax" and isinstance(value, dict):
        return Decimal(str(value.get("quantity")))
    return (0, "") if value is None else (1, value)


@solvimon_rule("SV-ORDER-BY-DOCUMENTED", source=QUERY_PARAMETERS)
def order_by_documented(api: SolvimonClient) -> None:
    """GET /v1/invoices sorts by each order_by Solvimon documents for invoices (invoice_number,
    invoice_date, due_date, invoice_amount_including_tax, status, created_at), both ways."""
    for order_by in ORDER_FIELDS:
        for direction in ("asc", "desc"):
            params = {"order_by": order_by, "order_direction": direction, "limit": 100}
            rows = api.invoices(**params)["data"]
            values = [_order_value(invoice, order_by) for invoice in rows]
            expected_order = sorted(values, reverse=direction == "desc")
            assert values == expected_order, (
                f"order_by={order_by} {direction} listed {order_by} as {values[:6]}"
            )


LIST_PAGES = (
    f"{FACTS}: list {{data, page, limit, total_number_of_pages, links}}; {QUERY_PARAMETERS}"
)


@solvimon_rule("SV-LIST-EXACTLY-ONCE", source=LIST_PAGES)
def list_exactly_once(api: SolvimonClient) -> None:
    """Paging GET /v1/invoices by page and limit returns every invoice exactly once, in as many
    pages as total_number_of_pages says."""
    # Last in the catalogue: on a write run, the invoices the other rules seeded and credited are
    # pages to walk.
    first = api.invoices(page=1, limit=PAGE_LIMIT)
    pages = page_count(first, "total_number_of_pages")
    if pages < 2:
        raise Skipped(f"{len(first['data'])} invoices: no page boundary to cross")
    if pages > MAX_PAGES:
        raise Skipped(f"more than {MAX_PAGES} pages of {PAGE_LIMIT} to walk")

    def page(number: int) -> list[str]:
        rows = api.invoices(page=number, limit=PAGE_LIMIT)
        assert rows["data"], f"page {number} of {pages} is empty"
        return [invoice["id"] for invoice in rows["data"]]

    seen = walk_numbered_pages([invoice["id"] for invoice in first["data"]], pages, page)
    after = api.invoices(page=pages + 1, limit=PAGE_LIMIT)
    assert not after["data"], f"page {pages + 1} of {pages} still lists invoices"
    assert_each_once(seen, "invoices")
