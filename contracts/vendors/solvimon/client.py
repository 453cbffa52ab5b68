"""Solvimon's API as a client calls it (``X-API-KEY``, and ``x-platform-id`` for the platform
acted on), and the rules' session over it.

Crediting cannot be undone: a FINAL invoice stays credited. So the rules that credit take a fresh
FINAL invoice each: on a creditbox sandbox they seed one through the control API (tagged with
the run in ``notes`` and ``customer_id``); on a real deployment they take the next id of
``--final-invoices`` and are skipped when the list runs out. Each credit the rules make carries
the run's tag as its note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from contracts.api_client import ApiClient, ClientCredentials
from contracts.http import Limits, Requester
from contracts.rules import RecordedSession, Skipped

CREDIT_PERMISSION = "INVOICE.CREDIT.CREATE"


@dataclass(frozen=True)
class SolvimonCredentials(ClientCredentials):
    api_key: str
    platform_id: str | None = None
    other_platform_id: str | None = None
    view_only_api_key: str | None = None
    secret_fields = ("api_key", "view_only_api_key")

    def headers(self, key: str | None = None, platform: str | None = None) -> dict[str, str]:
        """The headers of a call with ``key`` on ``platform`` (by default, these)."""
        headers = {"X-API-KEY": key or self.api_key}
        chosen = platform or self.platform_id
        if chosen:
            headers["x-platform-id"] = chosen
        return headers


@dataclass
class Supplies:
    """What the rules may use up on a real deployment (from the settings)."""

    final_invoices: list[str] = field(default_factory=list)
    open_invoice: str | None = None


def line_credit(
    period: int, group: int, line: int, quantity: str, currency: str = "EUR"
) -> dict[str, Any]:
    """A credit body for ``quantity`` of one line, named by its orders."""
    lines = [{"line_order": line, "amount": {"quantity": quantity, "currency": currency}}]
    groups = [{"group_order": group, "lines": lines}]
    return {"periods": [{"period_order": period, "groups": groups}]}


class SolvimonClient(ApiClient[SolvimonCredentials]):
    """Solvimon calls; a step that must succeed asserts its status (``AssertionError``)."""

    vendor = "solvimon"
    root = "/v1"
    tenant_field = "api_key"

    def __init__(
        self,
        http: Requester,
        credentials: SolvimonCredentials,
        supplies: Supplies | None = None,
        **options: Any,
    ) -> None:
        super().__init__(http, credentials, **options)
        self.supplies = supplies or Supplies()

    @property
    def headers(self) -> dict[str, str]:
        return self.credentials.headers()

    def call(
        self,
        method: str,
        path: str,
        headers: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        platform: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """``method`` on ``path``, with ``key`` on ``platform`` when given."""
        merged = {**self.credentials.headers(key, platform), **(headers or {})}
        return self.http.request(method, self.url(path), headers=merged, **kwargs)

    def invoice(self, invoice_id: str, platform: str | None = None) -> Any:
        return self.expect("GET", f"/invoices/{invoice_id}", 200, platform=platform)

    def invoices(self, **params: Any) -> Any:
        """One page of the invoice list."""
        return self.expect("GET", "/invoices", 200, params=params)

    def count(self) -> int:
        """How many invoices there are (the pages of one)."""
        return int(self.invoices(limit=1)["total_number_of_pages"])

    def credit(
        self, invoice_id: str, body: dict[str, Any] | None = None, **kwargs: Any
    ) -> httpx.Response:
        return self.call("POST", f"/invoices/{invoice_id}/credit", json=body or {}, **kwargs)

    def create_invoice(self, body: dict[str, Any], **kwargs: Any) -> httpx.Response:
        """``POST /v1/invoices``: a ONE_OFF or ONE_OFF_CREDIT invoice."""
        return self.call("POST", "/invoices", json=body, **kwargs)

    def one_off_credit(self, *originals: dict[str, Any], **kwargs: Any) -> httpx.Response:
        """A ONE_OFF_CREDIT for ``originals``, for the first one's customer, noted with the tag."""
        body = {
            "type": "ONE_OFF_CREDIT",
            "customer_id": originals[0].get("customer_id") or "creditbox-contracts",
            "linked_invoices_ids": [original["id"] for original in originals],
            "notes": [self.tag],
        }
        return self.create_invoice(body, **kwargs)

    def refund(self, invoice_id: str, **kwargs: Any) -> httpx.Response:
        """``POST /v1/invoices/{id}/refund`` (no body)."""
        return self.call("POST", f"/invoices/{invoice_id}/refund", **kwargs)

    # a creditbox sandbox's control API: what Solvimon's API cannot create ------------------

    def seed_invoice(self, periods: list[dict[str, Any]] | None = None, **fields: Any) -> Any:
        """An invoice (FINAL unless ``fields`` say otherwise) of ``periods``; by default one
        period of one group (described by the tag) of two lines, 100.00 and 50.00."""
        lines = [{"amount": "100.00"}, {"amount": "50.00"}]
        periods = periods or [{"groups": [{"description": self.tag, "lines": lines}]}]
        return self.seed("invoices", {"periods": periods, **fields})

    def create_key(
        self, permissions: list[str], platform_ids: list[str] | None = None, **fields: Any
    ) -> str:
        """A new API key with ``permissions`` (on ``platform_ids``, by default every one)."""
        body: dict[str, Any] = {"permissions": permissions, **fields}
        if platform_ids:
            body["platform_ids"] = platform_ids
        return self.keep_secret(str(self.seed("api-keys", body)["api_key"]))

    # what the harness does with them -------------------------------------------------------

    def seed_examples(self, invoices: int = 6) -> None:
        """On a creditbox sandbox, ``invoices`` FINAL invoices (Solvimon's API cannot create
        them) for Schemathesis' links to credit, and one more credited through Solvimon's own
        API, so that credit invoices and their links exist; a ONE_OFF invoice credited, so
        that a ONE_OFF_CREDIT and its links exist too; and a ONE_OFF_CREDIT made through
        POST /v1/invoices for two of them, refunded."""
        if self.on_sandbox():
            seeded = [self.final_invoice() for _ in range(invoices + 1)]
            for original in (seeded[0], self.final_invoice(kind="ONE_OFF")):
                credited = self.credit(original["id"], {"note": self.tag})
                assert credited.status_code == 200, f"crediting answered {credited.status_code}"
            made = self.one_off_credit(seeded[0], seeded[1])
            assert made.status_code == 200, f"a ONE_OFF_CREDIT answered {made.status_code}"
            refunded = self.refund(made.json()["id"])
            assert refunded.status_code == 200, f"refunding answered {refunded.status_code}"

    def final_invoice(self, platform: str | None = None, kind: str | None = None) -> Any:
        """A FINAL invoice nobody has credited: seeded on a sandbox (of type ``kind``, when
        given), else the next configured."""
        if self.on_sandbox():
            return self._seed("FINAL", platform, **({"type": kind} if kind else {}))
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
            return self.create_key(["INVOICE.VIEW"], description=self.tag)
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

    def _seed(self, status: str, platform: str | None, **fields: Any) -> Any:
        return self.seed_invoice(
            status=status,
            platform_id=platform or self._platform(),
            customer_id="creditbox-contracts",
            notes=[self.tag],
            **fields,
        )

    def on_sandbox(self) -> bool:
        """Whether the target is a creditbox sandbox that knows this key's tenant."""
        return self.tenant() is not None

    @property
    def _platforms(self) -> list[str]:
        """The platforms of the key's tenant on a sandbox, as the control API lists them."""
        return list(self.sandbox_credentials.get("platform_ids") or [])


class SolvimonSession(RecordedSession[SolvimonCredentials]):
    """Runs Solvimon rules against one base URL with one set of credentials."""

    def __init__(
        self,
        base_url: str,
        credentials: SolvimonCredentials,
        supplies: Supplies,
        limits: Limits,
        run_id: str,
    ) -> None:
        super().__init__(base_url, credentials, limits, run_id)
        self.supplies = supplies

    def client(self, tag: str) -> SolvimonClient:
        return SolvimonClient(
            self.http, self.credentials, self.supplies, tag=tag, control=self.control_url
        )
