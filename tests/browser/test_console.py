"""The demo console at /_sandbox/ in a real browser: the seeded demo data, the test clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Dialog, Locator, Page, expect

from tests.browser.conftest import keep_within
from tests.support.clients import count_client, count_record
from tests.support.processes import serving

SAMPLE = Path(__file__).resolve().parents[2] / "fixtures" / "demo.yaml"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def demo_sandbox() -> Iterator[str]:
    """``creditbox serve`` as ``make run`` starts it: the demo tenant seeded from the sample."""
    with serving(("--in-memory", "--fixture", str(SAMPLE))) as base_url:
        yield base_url


def count_invoice_due_in_ten_days(base_url: str) -> str:
    """A sent COUNT invoice, due ten days from now: its number."""
    with httpx.Client(base_url=base_url) as http:
        count = count_client(http)
        customer = count.customer("Browser Test Co", "ap@browser.example")
        product = count.product("Hour", 10)
        today = datetime.now(UTC).date()
        due = (today + timedelta(days=10)).isoformat()
        body = count_record(
            customer["id"], product["id"], 10, date=today.isoformat(), dueDate=due, isDraft=False
        )
        invoice = count.expect("POST", "/invoices", 201, json=body)
        count.expect("POST", f"/invoices/{invoice['id']}/send", 200)
    return str(invoice["invoiceNumber"])


def row(page: Page, vendor: str, number: str) -> Locator:
    return page.locator("#records tbody tr").filter(has_text=vendor).filter(has_text=number)


def test_the_console_shows_seeded_memos_and_follows_the_clock(
    demo_sandbox: str, page: Page
) -> None:
    number = count_invoice_due_in_ten_days(demo_sandbox)
    elsewhere = keep_within(page, demo_sandbox)
    page.goto(f"{demo_sandbox}/_sandbox/")

    partly_applied = row(page, "dayzero", "CM-0003")
    expect(partly_applied).to_contain_text("partially_applied", timeout=TIMEOUT_MS)
    expect(partly_applied).to_contain_text("100.00")  # 300.00 memo, 200.00 applied
    expect(row(page, "kojo", "Memo-1001")).to_be_visible()
    expect(row(page, "count", number)).to_contain_text("sent")
    expect(row(page, "solvimon", "INV-000003")).to_contain_text("DRAFT")
    expect(page.locator("#clock-offset")).to_have_text("(real time)")

    page.click("#advance-month")

    expect(page.locator("#clock-offset")).to_have_text("(30 days ahead)", timeout=TIMEOUT_MS)
    expect(row(page, "count", number)).to_contain_text("overdue")
    expect(row(page, "solvimon", "INV-000003")).to_contain_text("FINAL")
    expect(row(page, "solvimon", "INV-000004")).to_contain_text("DRAFT (on hold)")
    assert elsewhere == [], f"the console asked for things outside the sandbox: {elsewhere}"


def test_kojo_graphiql_runs_a_query_without_leaving_the_sandbox(
    demo_sandbox: str, page: Page
) -> None:
    elsewhere = keep_within(page, demo_sandbox)
    page.goto(f"{demo_sandbox}/kojo/graphql")
    run = page.locator(".graphiql-execute-button")
    expect(run).to_be_visible(timeout=TIMEOUT_MS)
    run.click()
    # the page fetched a demo token itself; the seeded memo comes back
    expect(page.locator(".result-window")).to_contain_text("Memo-1001", timeout=TIMEOUT_MS)
    assert elsewhere == [], f"GraphiQL asked for things outside the sandbox: {elsewhere}"


def test_a_guarded_console_asks_for_the_admin_token_once(page: Page) -> None:
    token = "console-admin-token-0123456789"
    args = ("--in-memory", "--fixture", str(SAMPLE), "--admin-token", token)
    with serving(args) as base_url:
        asked: list[str] = []

        def answer(dialog: Dialog) -> None:
            asked.append(dialog.message)
            dialog.accept(token)

        page.on("dialog", answer)
        page.goto(f"{base_url}/_sandbox/")
        expect(row(page, "dayzero", "CM-0003")).to_be_visible(timeout=TIMEOUT_MS)
        assert len(asked) == 1 and "admin token" in asked[0]

        page.goto(f"{base_url}/_sandbox/?tenant=demo")  # same tab: the token is kept
        expect(row(page, "dayzero", "CM-0003")).to_be_visible(timeout=TIMEOUT_MS)
        assert len(asked) == 1
