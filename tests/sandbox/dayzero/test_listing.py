"""Listing memos: the seed's filters and page shape, and cursors that hold while data changes."""

from __future__ import annotations

from contracts.vendors.dayzero.client import DayZeroClient

PAGE_KEYS = {
    "items",
    "total",
    "limit",
    "next_cursor",
    "prev_cursor",
    "has_next",
    "has_prev",
    "has_more",
}


def _numbers(page: dict) -> list[str]:
    return [memo["number"] for memo in page["items"]]


def test_page_has_the_seed_shape_newest_first(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    for _ in range(3):
        dayzero.memo(customer["id"])
    page = dayzero.memos()
    assert set(page) == PAGE_KEYS
    assert _numbers(page) == ["CM-0003", "CM-0002", "CM-0001"]
    assert (page["total"], page["limit"], page["has_next"], page["has_prev"]) == (
        None,
        50,
        False,
        False,
    )
    counted = dayzero.memos(include_total_count="true")
    assert counted["total"] == 3


def test_filters_by_customer_status_remaining_balance_and_number(dayzero: DayZeroClient) -> None:
    alice, bob = dayzero.customer("Alice"), dayzero.customer("Bob")
    invoice = dayzero.open_invoice(alice["id"], 5000)
    draft = dayzero.memo(alice["id"])  # CM-0001
    issued = dayzero.issued_memo(alice["id"], 1000)  # CM-0002
    spent = dayzero.issued_memo(alice["id"], 1000)  # CM-0003
    dayzero.apply(spent["id"], invoice["id"], 1000)
    dayzero.issued_memo(bob["id"])  # CM-0004

    def numbers(**query: object) -> list[str]:
        return _numbers(dayzero.memos(**query))

    assert numbers(customer_id=bob["id"]) == ["CM-0004"]
    assert numbers(status="draft") == [draft["number"]]
    assert numbers(status="fully_applied") == [spent["number"]]
    # a draft's credit is remaining too: its own amount_remaining says so
    assert numbers(customer_id=alice["id"], has_remaining_balance="true") == [
        issued["number"],
        draft["number"],
    ]
    assert numbers(customer_id=alice["id"], has_remaining_balance="false") == [
        "CM-0003",
        "CM-0002",
        "CM-0001",
    ]
    assert numbers(search="cm-0002") == ["CM-0002"]
    assert numbers(search="CM-00") == ["CM-0004", "CM-0003", "CM-0002", "CM-0001"]


def test_cursors_walk_forward_and_back(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    for _ in range(5):
        dayzero.memo(customer["id"])
    first = dayzero.memos(limit=2)
    assert (_numbers(first), first["has_next"], first["has_prev"]) == (
        ["CM-0005", "CM-0004"],
        True,
        False,
    )
    second = dayzero.memos(limit=2, cursor=first["next_cursor"])
    assert (_numbers(second), second["has_next"], second["has_prev"]) == (
        ["CM-0003", "CM-0002"],
        True,
        True,
    )
    third = dayzero.memos(limit=2, cursor=second["next_cursor"])
    assert (_numbers(third), third["has_next"], third["next_cursor"]) == (["CM-0001"], False, None)
    back = dayzero.memos(limit=2, cursor=third["prev_cursor"])
    assert (_numbers(back), back["has_more"]) == (["CM-0003", "CM-0002"], True)
    # the guide's direction parameter turns a cursor around
    turned = dayzero.memos(limit=2, cursor=second["next_cursor"], direction="prev")
    assert _numbers(turned) == ["CM-0004", "CM-0003"]


def test_sort_by_and_descending_order_the_list_and_cursors_follow(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    for cents in (300, 100, 200, 100):
        dayzero.memo(customer["id"], cents)

    def amounts(**query: object) -> list[int]:
        page = dayzero.memos(**query)
        return [memo["amount"] for memo in page["items"]]

    assert amounts(sort_by="amount") == [300, 200, 100, 100]
    assert amounts(sort_by="amount", descending="false") == [100, 100, 200, 300]
    oldest_first = dayzero.memos(descending="false")
    assert [memo["amount"] for memo in oldest_first["items"]] == [300, 100, 200, 100]
    first = dayzero.memos(sort_by="amount", limit=3)
    rest = dayzero.memos(sort_by="amount", limit=3, cursor=first["next_cursor"])
    seen = [m["id"] for m in first["items"] + rest["items"]]
    assert len(set(seen)) == 4 and rest["has_more"] is False
    # a cursor made for another sort is a position in this one: after the last memo of the first
    # page (the fourth created), newest first
    other_sort = dayzero.memos(limit=3, cursor=first["next_cursor"])
    assert [memo["amount"] for memo in other_sort["items"]] == [200, 100, 300]


def test_pages_neither_repeat_nor_skip_while_memos_come_and_go(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    memos = [dayzero.memo(customer["id"]) for _ in range(4)]
    first = dayzero.memos(limit=2)
    dayzero.memo(customer["id"])  # a newer memo arrives
    dayzero.expect("DELETE", f"/credit-memos/{memos[3]['id']}", 204)  # one already seen goes
    second = dayzero.memos(limit=2, cursor=first["next_cursor"])
    assert _numbers(first) == ["CM-0004", "CM-0003"]
    assert _numbers(second) == ["CM-0002", "CM-0001"]


def test_an_empty_cursor_means_the_first_page(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    dayzero.memo(customer["id"])
    assert _numbers(dayzero.memos(cursor="")) == ["CM-0001"]


def test_a_cursor_of_the_cursors_form_is_a_position_and_any_other_is_422(
    dayzero: DayZeroClient,
) -> None:
    """Every string of the form the spec's pattern gives is a page, issued or not; anything else
    is refused by request validation, in DayZero's 422 body."""
    customer = dayzero.customer()
    numbers = [dayzero.memo(customer["id"])["number"] for _ in range(3)]
    after_all = dayzero.memos(cursor="n999999999")
    assert [memo["number"] for memo in after_all["items"]] == numbers[::-1]
    before_all = dayzero.memos(cursor="p999999999")
    assert before_all["items"] == [] and before_all["has_next"] is True
    by_amount = dayzero.memos(cursor="n1~7a7a", sort_by="amount")
    assert len(by_amount["items"]) == 3
    refused = dayzero.call("GET", "/credit-memos", params={"cursor": "not-a-cursor"})
    assert refused.status_code == 422
    [issue] = refused.json()["detail"]
    assert (issue["loc"], issue["type"]) == (["query", "cursor"], "string_pattern_mismatch")


def test_limit_outside_1_to_1000_is_a_validation_error(dayzero: DayZeroClient) -> None:
    for limit in (0, 1001):
        refused = dayzero.call("GET", "/credit-memos", params={"limit": limit})
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["query", "limit"]


def test_unknown_status_filter_is_a_validation_error(dayzero: DayZeroClient) -> None:
    refused = dayzero.call("GET", "/credit-memos", params={"status": "voided"})
    assert refused.status_code == 422
    [issue] = refused.json()["detail"]
    assert (issue["loc"], issue["type"], issue["input"]) == (["query", "status"], "enum", "voided")


def test_customer_credits_sum_what_can_still_be_applied(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer("Initech")
    invoice = dayzero.open_invoice(customer["id"], 5000)
    dayzero.memo(customer["id"], 9999)  # a draft is not usable credit
    partly = dayzero.issued_memo(customer["id"], 3000)
    dayzero.apply(partly["id"], invoice["id"], 1000)
    whole = dayzero.issued_memo(customer["id"], 500)
    credits = dayzero.customer_credits(customer["id"])
    assert credits["customer_name"] == "Initech"
    assert (credits["total_credits_available"], credits["total_credits_available_dollars"]) == (
        2500,
        "25.00",
    )
    assert credits["credit_memos_count"] == 2
    assert [m["id"] for m in credits["credit_memos"]] == [whole["id"], partly["id"]]


def test_customer_credits_of_an_unknown_customer_is_404(dayzero: DayZeroClient) -> None:
    refused = dayzero.call("GET", "/credit-memos/customers/nobody/credits")
    assert (refused.status_code, refused.json()) == (404, {"detail": "Customer not found"})


def test_invoices_sort_by_due_date_as_dayzeros_invoices_guide_does(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()["id"]
    for due in ("2026-03-31", "2026-01-31", "2026-02-28"):
        body = {
            "customer_id": customer,
            "due_date": due,
            "line_items": [{"description": "Hours", "quantity": 1, "unit_price": 100}],
        }
        dayzero.expect("POST", "/invoices", 201, json=body)
    page = dayzero.invoices(sort_by="due_date", descending="false")
    assert [i["due_date"] for i in page["items"]] == ["2026-01-31", "2026-02-28", "2026-03-31"]


def test_a_cursor_holds_a_sorted_value_with_a_lone_surrogate(dayzero: DayZeroClient) -> None:
    """JSON may escape a lone surrogate in a name; a cursor after that name still works."""
    odd = dayzero.expect(
        "POST",
        "/customers",
        201,
        content=b'{"name": "a\\ud800b"}',
        headers={"content-type": "application/json"},
    )
    plain = dayzero.customer("b")
    query = {"sort_by": "name", "descending": "false", "limit": 1}
    first = dayzero.customers(**query)
    second = dayzero.customers(**query, cursor=first["next_cursor"])
    assert [c["id"] for c in first["items"] + second["items"]] == [odd["id"], plain["id"]]
