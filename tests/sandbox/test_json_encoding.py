"""The sandbox's JSON answers (orjson, with the standard library for what orjson cannot write)
carry what was stored, whatever it holds."""

from __future__ import annotations

import json

from contracts.vendors.dayzero.client import DayZeroClient


def test_stored_values_come_back_as_they_were_sent_whatever_they_hold(
    dayzero: DayZeroClient,
) -> None:
    customer = dayzero.customer("Café Zürich ☕")["id"]
    # a free-form field holding what orjson cannot write itself: an integer beyond 64 bits
    items = [{"description": "naïve", "units": 2**70, "ratio": 0.1, "nested": {"ok": True}}]
    memo = dayzero.memo(customer, 500, line_items=items)
    answered = dayzero.call("GET", f"/credit-memos/{memo['id']}")
    assert answered.status_code == 200
    assert answered.headers["content-type"].startswith("application/json")
    body = json.loads(answered.content)
    assert body["line_items"]["items"] == items
    assert body["customer_name"] == "Café Zürich ☕"
    listed = dayzero.call("GET", "/credit-memos", params={"customer_id": customer})
    assert json.loads(listed.content)["items"][0]["customer_name"] == "Café Zürich ☕"
