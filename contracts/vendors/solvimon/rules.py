"""Solvimon's documented behaviour as rules (seed 003 and Solvimon's public reference).

Crediting cannot be undone: a FINAL invoice stays credited. So the rules that credit take a fresh
FINAL invoice each: on a creditbox sandbox they seed one through the control API (tagged with
the run in ``notes`` and ``customer_id``); on a real deployment they take the next id of
``--final-invoices`` and are skipped when the list runs out. Each credit the rules make carries
the run's tag as its note.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

import httpx

from contracts.checks import expected
from contracts.http import Limits, RecordingClient
from contracts.rules import RecordedSession, Rule, Skipped, rule
from contracts.rules.paging import MAX_PAGES, assert_each_once, walk_numbered_pages
from contracts.sandbox_control import control_url, sandbox_tenant
from contracts.vendors.solvimon.checks import EXPONENTS

SEED = "seeds/003_f1170f6edce73760.txt (Create a credit invoice)"
FACTS = "vendor-facts.md, Solvimon"
CREDIT_PERMISSION = "INVOICE.CREDIT.CREATE"


@dataclass(frozen=True)
class SolvimonCredentials:
    api_key: str
    platform_id: str | None = None
    other_platform_id: str | None = None
    view_only_api_key: str | None = None


@dataclass
class Supplies:
    """What the rules may use up on a real deployment (from the settings)."""

    final_invoices: list[str] = field(default_factory=list)
    open_invoice: str | None = None


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
        amount = {"quantity": self.quantity(value), "currency": self.currency}
        line = {"line_order": self.line, "amount": amount}
        group = {"group_order": self.group, "lines": [line]}
        return {"note": note, "periods": [{"period_order": self.period, "groups": [group]}]}

    @property
    def smallest(self) -> Decimal:
        return Decimal(1).scaleb(-EXPONENTS.get(self.currency, 2))


class SolvimonApi:
    """Solvimon calls as a rule makes them; an unexpected status is an ``AssertionError``."""

    def __init__(
        self,
        http: RecordingClient,
        credentials: SolvimonCredentials,
        supplies: Supplies,
        control_url: str,
        tag: str,
    ) -> None:
        self.http = http
        self.credentials = credentials
        self.supplies = supplies
        self.control_url = control_url
        self.tag = tag
        self._tenant: str | None = None
        self._platforms: list[str] = []

    def headers(self, key: str | None = None, platform: str | None = None) -> dict[str, str]:
        headers = {"X-API-KEY": key or self.credentials.api_key}
        chosen = platform or self.credentials.platform_id
        if chosen:
            headers["x-platform-id"] = chosen
        return headers

    def call(
        self,
        method: str,
        path: str,
        *,
        key: str | None = None,
        platform: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        merged = {**self.headers(key, platform), **(headers or {})}
        return self.http.request(method, f"/v1{path}", headers=merged, **kwargs)

    def expect(self, method: str, path: str, status: int, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, (
            f"{method} /v1{path} answered {response.status_code}, expected {status}: "
            f"{response.text[:300]}"
        )
        return response.json()

    def invoice(self, invoice_id: str, platform: str | None = None) -> Any:
        return self.expect("GET", f"/invoices/{invoice_id}", 200, platform=platform)

    def credit(self, invoice_id: str, body: dict[str, Any], **kwargs: Any) -> httpx.Response:
        return self.call("POST", f"/invoices/{invoice_id}/credit", json=body, **kwargs)

    # invoices and keys to test with -------------------------------------------------------

    def final_invoice(self, platform: str | None = None) -> Any:
        """A FINAL invoice nobody has credited: seeded on a sandbox, else the next configured."""
        if self.on_sandbox():
            return self._seed("FINAL", platform)
        if platform is None and self.supplies.final_invoices:
            return self.invoice(self.supplies.final_invoices.pop(0))
        raise Skipped(
            "needs an uncredited FINAL invoice: pass --final-invoices "
            "(each crediting rule uses one)"
        )

    def open_invoice(self) -> Any:
        if self.on_sandbox():
            return self._seed("DRAFT", None)
        if self.supplies.open_invoice:
            return self.invoice(self.supplies.open_invoice)
        raise Skipped("needs an invoice that is not FINAL yet: pass --open-invoice")

    def view_only_key(self) -> str:
        if self.credentials.view_only_api_key:
            return self.credentials.view_only_api_key
        if self.on_sandbox():
            created = self.http.request(
                "POST",
                f"{self.control_url}/tenants/{self._tenant}/solvimon/api-keys",
                json={"permissions": ["INVOICE.VIEW"], "description": self.tag},
            )
            assert created.status_code == 201, f"creating a key answered {created.status_code}"
            key = str(created.json()["api_key"])
            self.http.secrets.add(key)
            return key
        raise Skipped(f"needs a key without {CREDIT_PERMISSION}: pass --view-only-api-key")

    def other_platform(self) -> str:
        if self.credentials.other_platform_id:
            return self.credentials.other_platform_id
        if self.on_sandbox():
            others = [p for p in self._platforms if p != self._platform()]
            if others:
                return others[0]
        raise Skipped("needs a second platform the key reaches: pass --other-platform-id")

    def _platform(self) -> str:
        return self.credentials.platform_id or (self._platforms[0] if self._platforms else "")

    def _seed(self, status: str, platform: str | None) -> Any:
        body = {
            "status": status,
            "platform_id": platform or self._platform(),
            "customer_id": "creditbox-contracts",
            "notes": [self.tag],
            "periods": [
                {
                    "groups": [
                        {
                            "description": self.tag,
                            "lines": [{"amount": "100.00"}, {"amount": "50.00"}],
                        }
                    ]
                }
            ],
        }
        seeded = self.http.request(
            "POST", f"{self.control_url}/tenants/{self._tenant}/solvimon/invoices", json=body
        )
        assert seeded.status_code == 201, f"seeding an invoice answered {seeded.status_code}"
        return seeded.json()

    def on_sandbox(self) -> bool:
        """Whether the target is a creditbox sandbox that knows this key's tenant."""
        if self._tenant is not None:
            return True
        found = sandbox_tenant(
            self.http, self.control_url, "solvimon", "api_key", self.credentials.api_key
        )
        if found is None:
            return False
        self._tenant, credentials = found
        self._platforms = list(credentials.get("platform_ids") or [])
        return True


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
    return Decimal(invoice[name]["quantity"])


class SolvimonSession(RecordedSession):
    def __init__(
        self,
        base_url: str,
        credentials: SolvimonCredentials,
        supplies: Supplies,
        limits: Limits,
        run_id: str,
    ) -> None:
        self.http = RecordingClient(base_url, limits)
        self.http.secrets |= {credentials.api_key, credentials.view_only_api_key or ""}
        self.credentials = credentials
        self.supplies = supplies
        self.run_id = run_id
        self.control_url = control_url(base_url)

    def api(self, tag: str) -> SolvimonApi:
        return SolvimonApi(self.http, self.credentials, self.supplies, self.control_url, tag)

    def begin(self, current: Rule, allow_writes: bool) -> SolvimonApi:
        return self.api(f"creditbox-contracts {self.run_id} {current.id}")


# the rules ---------------------------------------------------------------------------------


@rule(
    "solvimon",
    "SV-AUTH-MISSING-KEY-401",
    statement="A call without X-API-KEY or Bearer token is refused: 401 {type, code, message}.",
    source=f"{SEED}: Authentication (X-API-KEY or Authorization: Bearer); Errors: 401",
    writes=False,
)
def missing_key(api: SolvimonApi) -> None:
    response = api.http.request("GET", "/v1/invoices", params={"limit": 1})
    assert response.status_code == 401, f"no credentials answered {response.status_code}"
    body = response.json()
    assert {"type", "code", "message"} <= set(body), f"401 body is {body}"


@rule(
    "solvimon",
    "SV-UNREACHABLE-PLATFORM-403",
    statement="x-platform-id naming a platform the key cannot reach is refused with 403.",
    source=f"{SEED}: Headers: x-platform-id; {FACTS}: x-platform-id picks the platform",
    writes=False,
)
def unreachable_platform(api: SolvimonApi) -> None:
    stranger = f"plat_creditbox_{uuid.uuid4().hex[:12]}"
    response = api.call("GET", "/invoices", platform=stranger, params={"limit": 1})
    assert response.status_code == 403, f"platform {stranger} answered {response.status_code}"


@rule(
    "solvimon",
    "SV-UNKNOWN-VERSION-404",
    statement="Only API version 1 exists: /v2/... is 404 in Solvimon's error shape.",
    source=f"{SEED}: Path parameters: version (defaults to 1)",
    writes=False,
)
def unknown_version(api: SolvimonApi) -> None:
    response = api.http.request("GET", "/v2/invoices", headers=api.headers())
    assert response.status_code == 404, f"/v2/invoices answered {response.status_code}"
    assert {"type", "code", "message"} <= set(response.json()), f"404 body is {response.text}"


@rule(
    "solvimon",
    "SV-CREDIT-NON-FINAL-400",
    statement="Crediting an invoice that is not FINAL is refused with 400 and creates nothing.",
    source=f"{FACTS}: only FINAL invoices can be credited (400 INVALID_OPERATION otherwise)",
    writes=True,
)
def credit_non_final(api: SolvimonApi) -> None:
    invoice = api.open_invoice()
    assert invoice["status"] != "FINAL", f"{invoice['id']} is FINAL"
    before = credit_links(invoice)
    response = api.credit(invoice["id"], {"note": api.tag})
    assert response.status_code == 400, (
        f"crediting a {invoice['status']} invoice answered {response.status_code}"
    )
    assert credit_links(api.invoice(invoice["id"])) == before, "a refused credit left a link"


@rule(
    "solvimon",
    "SV-CREDIT-PERMISSION-403",
    statement="A key without INVOICE.CREDIT.CREATE cannot credit: 403, and nothing is created.",
    source=f"{SEED}: Requires the INVOICE.CREDIT.CREATE permission; Errors: 403",
    writes=True,
)
def credit_needs_permission(api: SolvimonApi) -> None:
    key = api.view_only_key()
    invoice = api.final_invoice()
    line = first_line(invoice)
    response = api.credit(invoice["id"], line.credit(line.smallest, api.tag), key=key)
    assert response.status_code == 403, (
        f"a key without the permission answered {response.status_code}"
    )
    assert credit_links(api.invoice(invoice["id"])) == credit_links(invoice), (
        "a refused credit left a link on the original"
    )


@rule(
    "solvimon",
    "SV-OVER-CREDIT-400",
    statement="A credit for more than a line still has is refused with 400; nothing is created.",
    source=f"{FACTS}: a credit never exceeds what is still creditable",
    writes=True,
)
def over_credit(api: SolvimonApi) -> None:
    invoice = api.final_invoice()
    line = first_line(invoice)
    response = api.credit(invoice["id"], line.credit(line.amount + line.smallest, api.tag))
    assert response.status_code == 400, f"an over-credit answered {response.status_code}"
    after = api.invoice(invoice["id"])
    assert credit_links(after) == credit_links(invoice), "a refused credit left a link"
    assert quantity(after, "open_invoice_amount") == quantity(invoice, "open_invoice_amount"), (
        "a refused credit changed the open amount"
    )


@rule(
    "solvimon",
    "SV-PARTIAL-CREDIT-EXACT",
    statement=(
        "A credit by periods credits exactly the amounts given; the original's open amount "
        "drops and its closed amount rises by that much."
    ),
    source=f"{SEED}: Request: periods; {FACTS}: periods[{{period_order, groups[{{lines}}]}}]",
    writes=True,
)
def partial_credit_exact(api: SolvimonApi) -> None:
    invoice = api.final_invoice()
    line = first_line(invoice)
    part = half_of(line)
    response = api.credit(invoice["id"], line.credit(part, api.tag))
    assert response.status_code == 200, (
        f"a partial credit answered {response.status_code}: {response.text[:300]}"
    )
    credit = response.json()
    assert quantity(credit, "invoice_amount_including_tax").copy_abs() == part, (
        f"crediting {part} made a credit invoice of {credit['invoice_amount_including_tax']}"
    )
    credited = [
        (p["period_order"], g["group_order"], entry["line_order"])
        for p in credit.get("periods") or []
        for g in p.get("groups") or []
        for entry in g.get("lines") or []
    ]
    assert credited in ([], [(line.period, line.group, line.line)]), (
        f"the credit invoice's lines are {credited}, expected only line "
        f"{(line.period, line.group, line.line)}"
    )
    after = api.invoice(invoice["id"])
    drop = quantity(invoice, "open_invoice_amount") - quantity(after, "open_invoice_amount")
    rise = quantity(after, "closed_invoice_amount") - quantity(invoice, "closed_invoice_amount")
    assert drop == part and rise == part, (
        f"open dropped {drop}, closed rose {rise}; credited {part}"
    )


@rule(
    "solvimon",
    "SV-CREDIT-NEVER-TWICE",
    statement=(
        "Without periods the rest still creditable is credited (earlier credits counted); "
        "a further credit is refused with 400."
    ),
    source=f"{SEED}: Request: periods (optional); {FACTS}: never more than is creditable",
    writes=True,
)
def credit_never_twice(api: SolvimonApi) -> None:
    invoice = api.final_invoice()
    line = first_line(invoice)
    total = quantity(invoice, "invoice_amount_including_tax")
    part = half_of(line)
    first = api.credit(invoice["id"], line.credit(part, api.tag))
    assert first.status_code == 200, f"a partial credit answered {first.status_code}"
    rest = api.credit(invoice["id"], {"note": api.tag})
    assert rest.status_code == 200, (
        f"crediting the rest answered {rest.status_code}: {rest.text[:300]}"
    )
    credited = quantity(rest.json(), "invoice_amount_including_tax").copy_abs()
    assert credited == total - part, f"the rest credited {credited}; {total - part} was left"
    again = api.credit(invoice["id"], {"note": api.tag})
    assert again.status_code == 400, f"a third credit answered {again.status_code}"
    assert len(credit_links(api.invoice(invoice["id"])) - credit_links(invoice)) == 2, (
        "the original does not list exactly its two credits"
    )


@rule(
    "solvimon",
    "SV-ON-HOLD-AS-EXPECTED",
    statement="The credit body's on-hold flag, spelled as the expected reading of "
    "solvimon.on-hold-field spells it, starts the credit invoice on hold; the other spelling is "
    "accepted and ignored.",
    source=f"{SEED}: forceInitOnHold; Solvimon's OpenAPI: force_init_on_hold; "
    "docs/disputed-points.md",
    writes=True,
)
def on_hold_as_expected(api: SolvimonApi) -> None:
    invoice = api.final_invoice()
    line = first_line(invoice)
    spelled, other = "force_init_on_hold", "forceInitOnHold"
    if expected("solvimon.on-hold-field") == "reference-page":
        spelled, other = other, spelled
    piece = line.smallest
    held = api.credit(invoice["id"], {**line.credit(piece, api.tag), spelled: True})
    assert held.status_code == 200, f"{spelled}: true answered {held.status_code}"
    assert held.json().get("on_hold") is True, (
        f"{spelled}: true left on_hold {held.json().get('on_hold')}"
    )
    ignored = api.credit(invoice["id"], {**line.credit(piece, api.tag), other: True})
    assert ignored.status_code == 200, (
        f"{other}, a field the body does not know, answered {ignored.status_code}: "
        f"{ignored.text[:200]}"
    )
    assert ignored.json().get("on_hold") is False, f"{other} was not ignored"


@rule(
    "solvimon",
    "SV-LINKS-BOTH-WAYS",
    statement=(
        "The credit invoice names its original (credit.original_invoice_id, linked_invoices) "
        "and the original lists the credit invoice in linked_invoices."
    ),
    source=f"{SEED}: Response: credit, linked_invoices; {FACTS}: credit detail",
    writes=True,
)
def links_both_ways(api: SolvimonApi) -> None:
    invoice = api.final_invoice()
    line = first_line(invoice)
    response = api.credit(invoice["id"], line.credit(line.smallest, api.tag))
    assert response.status_code == 200, f"a credit answered {response.status_code}"
    credit = api.invoice(response.json()["id"])
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


@rule(
    "solvimon",
    "SV-IDEMPOTENT-REPLAY",
    statement=(
        "The same Idempotency-Key and body sent again answers the same credit invoice and "
        "creates no second one."
    ),
    source=f"{FACTS}: Idempotency-Key; a replay returns the stored response",
    writes=True,
)
def idempotent_replay(api: SolvimonApi) -> None:
    invoice = api.final_invoice()
    line = first_line(invoice)
    body = line.credit(line.smallest, api.tag)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = api.credit(invoice["id"], body, headers=key)
    assert first.status_code == 200, f"the first credit answered {first.status_code}"
    again = api.credit(invoice["id"], body, headers=key)
    assert again.status_code == 200, f"the replay answered {again.status_code}"
    assert again.json()["id"] == first.json()["id"], "the replay answered another invoice"
    made = credit_links(api.invoice(invoice["id"])) - credit_links(invoice)
    assert made == {first.json()["id"]}, f"the original gained {len(made)} credits"


@rule(
    "solvimon",
    "SV-IDEMPOTENCY-KEY-REUSE-409",
    statement="An Idempotency-Key reused with a different body is refused with 409.",
    source=f"{FACTS}: the same key with a different body is 409 IDEMPOTENCY_CHECK_FAILED",
    writes=True,
)
def key_reused(api: SolvimonApi) -> None:
    invoice = api.final_invoice()
    line = first_line(invoice)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = api.credit(invoice["id"], line.credit(line.smallest, api.tag), headers=key)
    assert first.status_code == 200, f"the first credit answered {first.status_code}"
    other = api.credit(invoice["id"], line.credit(line.smallest * 2, api.tag), headers=key)
    assert other.status_code == 409, f"the reused key answered {other.status_code}"
    assert other.json().get("code") == "IDEMPOTENCY_CHECK_FAILED", f"409 body is {other.text}"
    made = credit_links(api.invoice(invoice["id"])) - credit_links(invoice)
    assert len(made) == 1, f"the original gained {len(made)} credits"


@rule(
    "solvimon",
    "SV-OTHER-PLATFORM-404",
    statement="An invoice of another platform is 404 on this one, and found on its own.",
    source=f"{SEED}: Headers: x-platform-id; {FACTS}: x-platform-id picks the platform",
    writes=True,
)
def other_platform(api: SolvimonApi) -> None:
    platform = api.other_platform()
    invoice = api.final_invoice(platform)
    hidden = api.call("GET", f"/invoices/{invoice['id']}")
    assert hidden.status_code == 404, f"another platform's invoice answered {hidden.status_code}"
    assert api.invoice(invoice["id"], platform=platform)["id"] == invoice["id"]


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


@rule(
    "solvimon",
    "SV-ORDER-BY-DOCUMENTED",
    statement="GET /v1/invoices sorts by each order_by Solvimon documents for invoices "
    "(invoice_number, invoice_date, due_date, invoice_amount_including_tax, status, created_at), "
    "both ways.",
    source=QUERY_PARAMETERS,
    writes=False,
)
def order_by_documented(api: SolvimonApi) -> None:
    for order_by in ORDER_FIELDS:
        for direction in ("asc", "desc"):
            params = {"order_by": order_by, "order_direction": direction, "limit": 100}
            rows = api.expect("GET", "/invoices", 200, params=params)["data"]
            values = [_order_value(invoice, order_by) for invoice in rows]
            expected_order = sorted(values, reverse=direction == "desc")
            assert values == expected_order, (
                f"order_by={order_by} {direction} listed {order_by} as {values[:6]}"
            )


@rule(
    "solvimon",
    "SV-LIST-EXACTLY-ONCE",
    statement="Paging GET /v1/invoices by page and limit returns every invoice exactly once, "
    "in as many pages as total_number_of_pages says.",
    source=f"{FACTS}: list {{data, page, limit, total_number_of_pages, links}}; {QUERY_PARAMETERS}",
    writes=False,
)
def list_exactly_once(api: SolvimonApi) -> None:
    """Last in the catalogue: on a write run, the invoices the other rules seeded and credited
    are pages to walk."""
    first = api.expect("GET", "/invoices", 200, params={"page": 1, "limit": PAGE_LIMIT})
    pages = first.get("total_number_of_pages")
    assert isinstance(pages, int), f"the page has no total_number_of_pages: {str(first)[:200]}"
    if pages < 2:
        raise Skipped(f"{len(first['data'])} invoices: no page boundary to cross")
    if pages > MAX_PAGES:
        raise Skipped(f"more than {MAX_PAGES} pages of {PAGE_LIMIT} to walk")

    def page(number: int) -> list[str]:
        rows = api.expect("GET", "/invoices", 200, params={"page": number, "limit": PAGE_LIMIT})
        assert rows["data"], f"page {number} of {pages} is empty"
        return [invoice["id"] for invoice in rows["data"]]

    seen = walk_numbered_pages([invoice["id"] for invoice in first["data"]], pages, page)
    after = api.expect("GET", "/invoices", 200, params={"page": pages + 1, "limit": PAGE_LIMIT})
    assert not after["data"], f"page {pages + 1} of {pages} still lists invoices"
    assert_each_once(seen, "invoices")
