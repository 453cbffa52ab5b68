"""The API docs pages render in a real browser, from the sandbox alone."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import keep_within

RENDER_TIMEOUT_MS = 15_000


def test_dayzero_swagger_ui_renders_the_spec_without_leaving_the_sandbox(
    served_sandbox: str, page: Page
) -> None:
    elsewhere = keep_within(page, served_sandbox)
    page.goto(f"{served_sandbox}/dayzero/ui/")

    # Swagger UI's script fetches the spec and renders it; none of this is in the page's HTML.
    expect(page.locator("h2.title")).to_contain_text(
        "DayZero API (creditbox sandbox)", timeout=RENDER_TIMEOUT_MS
    )
    operation = page.locator(".opblock-summary-path[data-path='/api/v1/credit-memos']")
    expect(operation.first).to_be_visible()
    expect(operation.first).to_have_text("/api/v1/credit-memos")
    assert elsewhere == [], f"the page asked for things outside the sandbox: {elsewhere}"
