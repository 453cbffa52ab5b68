"""Solvimon idempotency keys: a replay answers the stored response and creates nothing; a key
reused for another request is 409; a duplicate in flight is 422; keys expire after 48 hours."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from starlette.testclient import TestClient

from contracts.vendors.solvimon.client import SolvimonClient, line_credit
from sandbox.embedded import EmbeddedSandbox
from tests.support.clients import SECOND, solvimon_client


def keyed(key: str) -> dict[str, Any]:
    return {"headers": {"Idempotency-Key": key}}


def test_the_same_key_and_body_replays_and_creates_one_credit(solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice()
    key = str(uuid.uuid4())
    first = solvimon.credit(invoice["id"], line_credit(1, 1, 1, "10.00"), **keyed(key))
    second = solvimon.credit(invoice["id"], line_credit(1, 1, 1, "10.00"), **keyed(key))
    assert (first.status_code, second.status_code) == (200, 200)
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert len(solvimon.invoice(invoice["id"])["linked_invoices"]) == 1


def test_the_same_key_with_another_body_is_409(solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice()
    key = str(uuid.uuid4())
    assert solvimon.credit(invoice["id"], line_credit(1, 1, 1, "10.00"), **keyed(key)).is_success
    changed = solvimon.credit(invoice["id"], line_credit(1, 1, 1, "11.00"), **keyed(key))
    assert changed.status_code == 409
    assert changed.json()["code"] == "IDEMPOTENCY_CHECK_FAILED"
    other_route = solvimon.call("POST", f"/invoices/{invoice['id']}/credit_and_copy", **keyed(key))
    assert other_route.status_code == 409
    assert len(solvimon.invoice(invoice["id"])["linked_invoices"]) == 1


def test_a_refused_request_does_not_use_up_its_key(solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice()
    key = str(uuid.uuid4())
    too_much = solvimon.credit(invoice["id"], line_credit(1, 1, 1, "999.00"), **keyed(key))
    assert too_much.status_code == 400
    retried = solvimon.credit(invoice["id"], line_credit(1, 1, 1, "10.00"), **keyed(key))
    assert retried.status_code == 200
    assert "Idempotent-Replayed" not in retried.headers


def test_keys_belong_to_one_platform(client: TestClient, solvimon: SolvimonClient) -> None:
    key = str(uuid.uuid4())
    main, second = solvimon.seed_invoice(), solvimon.seed_invoice(platform_id=SECOND)
    assert solvimon.credit(main["id"], line_credit(1, 1, 1, "1.00"), **keyed(key)).is_success
    elsewhere = solvimon_client(client, platform=SECOND)
    response = elsewhere.credit(second["id"], line_credit(1, 1, 1, "1.00"), **keyed(key))
    assert response.status_code == 200
    assert "Idempotent-Replayed" not in response.headers


def test_credit_and_copy_replays_its_three_ids(solvimon: SolvimonClient) -> None:
    invoice = solvimon.seed_invoice()
    key = str(uuid.uuid4())
    path = f"/invoices/{invoice['id']}/credit_and_copy"
    first = solvimon.expect("POST", path, 200, json={}, **keyed(key))
    again = solvimon.call("POST", path, json={}, **keyed(key))
    assert (again.json(), again.headers["Idempotent-Replayed"]) == (first, "true")
    assert solvimon.count() == 3


def test_concurrent_duplicates_create_one_credit_and_the_rest_wait_or_replay(
    tmp_path: Path,
) -> None:
    """Many copies of one request at once: exactly one credit; each copy either gets it (as the
    original answer or a replay) or is told the first is still in flight (422). A store on disk
    keeps the first in flight long enough for the others to meet it."""
    with EmbeddedSandbox(tmp_path) as sandbox, httpx.Client(base_url=sandbox.base_url) as http:
        solvimon = solvimon_client(http)
        seen_in_flight = False
        for _ in range(15):
            invoice = solvimon.seed_invoice()
            key = str(uuid.uuid4())

            def send(_: int, invoice_id: str = invoice["id"], key: str = key) -> httpx.Response:
                with httpx.Client(base_url=sandbox.base_url, timeout=30) as own:
                    return solvimon_client(own).credit(
                        invoice_id, line_credit(1, 1, 1, "5.00"), **keyed(key)
                    )

            with ThreadPoolExecutor(max_workers=24) as pool:
                responses = list(pool.map(send, range(24)))
            statuses = {response.status_code for response in responses}
            assert statuses <= {200, 422}, statuses
            created = {r.json()["id"] for r in responses if r.status_code == 200}
            assert len(created) == 1
            assert len(solvimon.invoice(invoice["id"])["linked_invoices"]) == 1
            for response in responses:
                if response.status_code == 422:
                    assert response.json()["code"] == "IDEMPOTENCY_CHECK_FAILED"
                    seen_in_flight = True
            if seen_in_flight:
                break
        assert seen_in_flight, "no duplicate ever arrived while the first was in flight"
