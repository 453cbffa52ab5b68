"""64 clients at once on one memo or one invoice: never more applied or credited than there is,
every sum consistent, every refusal the vendor's own 4xx, never a 5xx."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from contracts.vendors.solvimon.client import line_credit
from sandbox.embedded import EmbeddedSandbox
from tests.support.clients import count_client, dayzero_client, solvimon_client
from tests.support.figures import record

CLIENTS = 64


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedSandbox]:
    with EmbeddedSandbox(tmp_path_factory.mktemp("data")) as served:
        yield served


def all_at_once(base_url: str, send: Callable[[httpx.Client, int], httpx.Response]) -> Counter[int]:
    """Each of ``CLIENTS`` clients, on a connection of its own, sends its request at once."""

    def one(number: int) -> int:
        with httpx.Client(base_url=base_url, timeout=30) as http:
            return send(http, number).status_code

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        statuses = Counter(pool.map(one, range(CLIENTS)))
    record(
        "concurrency",
        concurrent_requests=CLIENTS,
        server_errors=sum(n for status, n in statuses.items() if status >= 500),
    )
    return statuses


def test_dayzero_applies_of_one_memo_never_exceed_it(sandbox: EmbeddedSandbox) -> None:
    with httpx.Client(base_url=sandbox.base_url) as http:
        dayzero = dayzero_client(http)
        customer = dayzero.customer()["id"]
        invoice = dayzero.open_invoice(customer, 100_000)["id"]
        memo = dayzero.issued_memo(customer, 1_000)["id"]

        statuses = all_at_once(
            sandbox.base_url, lambda own, _: dayzero_client(own).apply(memo, invoice, 70)
        )
        assert statuses == {201: 14, 400: CLIENTS - 14}  # 14 x 70 = 980 of the memo's 1,000
        after = dayzero.get_memo(memo)
        assert (after["amount_applied"], after["amount_remaining"]) == (980, 20)
        assert len(after["applications"]) == 14
        assert dayzero.get_invoice(invoice)["amount_credited"] == 980


def test_count_applies_through_both_routes_never_exceed_the_memo(sandbox: EmbeddedSandbox) -> None:
    with httpx.Client(base_url=sandbox.base_url) as http:
        count = count_client(http)
        invoice, memo = count.record("invoice", 1_000)["id"], count.record("memo", 100)["id"]

        def apply(own: httpx.Client, number: int) -> httpx.Response:
            if number % 2:  # from the invoice's side
                return count_client(own).call(
                    "PATCH",
                    f"/invoices/{invoice}/apply-multiple-credit-to-invoice",
                    json={"creditMemos": [{"id": memo, "amount": 7}]},
                )
            return count_client(own).call(  # from the memo's side
                "PATCH",
                f"/invoices/{memo}/apply-credit-to-multiple-invoices",
                json={"invoices": [{"id": invoice, "amount": 7}]},
            )

        statuses = all_at_once(sandbox.base_url, apply)
        assert statuses == {200: 14, 400: CLIENTS - 14}  # 14 x 7 = 98 of the memo's 100
        after_memo = count.get(memo)
        after_invoice = count.get(invoice)
        assert (after_memo["appliedAmount"], after_memo["remainingCredit"]) == (98.0, 2.0)
        assert (after_invoice["creditApplied"], after_invoice["openBalance"]) == (98.0, 902.0)


def test_solvimon_credits_of_one_invoice_never_exceed_it(sandbox: EmbeddedSandbox) -> None:
    with httpx.Client(base_url=sandbox.base_url) as http:
        solvimon = solvimon_client(http)
        invoice = solvimon.seed_invoice()["id"]  # line 1: 100.00, line 2: 50.00

        statuses = all_at_once(
            sandbox.base_url,
            lambda own, _: solvimon_client(own).credit(invoice, line_credit(1, 1, 1, "6.00")),
        )
        assert statuses == {200: 16, 400: CLIENTS - 16}  # 16 x 6.00 = 96.00 of line 1's 100.00
        linked = solvimon.invoice(invoice)["linked_invoices"]
        assert len(linked) == 16
        total = sum(float(link["amount"]["quantity"]) for link in linked)
        assert abs(total) == pytest.approx(96.0)


def test_a_refused_apply_changes_nothing_even_among_many(tmp_path: Path) -> None:
    """The sums hold after a restart too: what was refused was never half written."""
    with EmbeddedSandbox(tmp_path) as served, httpx.Client(base_url=served.base_url) as http:
        dayzero = dayzero_client(http)
        customer = dayzero.customer()["id"]
        invoice = dayzero.open_invoice(customer, 500)["id"]  # the invoice is the limit here
        memos = [dayzero.issued_memo(customer, 100)["id"] for _ in range(8)]
        statuses = all_at_once(
            served.base_url,
            lambda own, n: dayzero_client(own).apply(memos[n % len(memos)], invoice, 30),
        )
        assert statuses[201] == 16 and set(statuses) <= {201, 400}  # 16 x 30 = 480 of 500
        credited = dayzero.get_invoice(invoice)["amount_credited"]
    with EmbeddedSandbox(tmp_path) as again, httpx.Client(base_url=again.base_url) as http:
        dayzero = dayzero_client(http)
        applied = sum(dayzero.get_memo(memo)["amount_applied"] for memo in memos)
        assert dayzero.get_invoice(invoice)["amount_credited"] == applied == credited == 480
