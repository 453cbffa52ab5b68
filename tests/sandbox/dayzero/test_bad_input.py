"""Hostile or odd input gets DayZero's 422, never a 500, and never reaches the store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts.vendors.dayzero.client import DayZeroClient


def _json(body: bytes) -> dict[str, object]:
    return {"content": body, "headers": {"content-type": "application/json"}}


def test_deeply_nested_json_is_422(dayzero: DayZeroClient) -> None:
    response = dayzero.call("POST", "/customers", **_json(b"[" * 5000 + b"]" * 5000))
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_not_json(dayzero: DayZeroClient, constant: bytes) -> None:
    customer = dayzero.customer()
    body = b'{"customer_id": "%s", "amount_cents": 100, "line_items": [{"quantity": %s}]}' % (
        customer["id"].encode(),
        constant,
    )
    response = dayzero.call("POST", "/credit-memos", **_json(body))
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"
    assert dayzero.memos()["items"] == []


@pytest.mark.parametrize("date", ["garbage", "2026-02-30", "20260101", "2026-1-1"])
def test_dates_are_checked(dayzero: DayZeroClient, date: str) -> None:
    customer = dayzero.customer()
    body = {"customer_id": customer["id"], "amount_cents": 100, "issue_date": date}
    response = dayzero.call("POST", "/credit-memos", json=body)
    assert response.status_code == 422
    [issue] = response.json()["detail"]
    assert (issue["loc"], issue["type"]) == (["body", "issue_date"], "value_error")


def test_a_valid_date_is_kept(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    memo = dayzero.memo(customer["id"], 100, issue_date="2024-02-29")
    assert memo["issue_date"] == "2024-02-29"


def test_a_pattern_does_not_accept_a_trailing_newline(dayzero: DayZeroClient) -> None:
    customer = dayzero.customer()
    body = {
        "customer_id": customer["id"],
        "currency": "USD\n",
        "line_items": [{"description": "x", "quantity": 1, "unit_price": 100}],
    }
    response = dayzero.call("POST", "/invoices", json=body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "currency"]


def test_a_chunked_body_is_read(dayzero: DayZeroClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": '
        yield b'"Chunky"}'

    response = dayzero.call(
        "POST", "/customers", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "Chunky"
