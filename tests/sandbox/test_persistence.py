"""Data survives stopping and restarting ``creditbox serve`` on the same data directory."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.clients import dayzero_client
from tests.support.processes import serving


def test_everything_is_still_there_after_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with (
        serving(["--data-dir", str(data_dir)]) as base_url,
        httpx.Client(base_url=base_url) as http,
    ):
        dayzero = dayzero_client(http)
        customer = dayzero.customer()
        invoice = dayzero.open_invoice(customer["id"], 10000)
        memo = dayzero.issued_memo(customer["id"], 3000)
        assert dayzero.apply(memo["id"], invoice["id"], 2000).status_code == 201
        tenant = http.post("/_sandbox/tenants", json={"id": "kept"}).json()
        http.post("/_sandbox/tenants/kept/clock/advance", json={"days": 1})
        http.put("/_sandbox/tenants/kept/faults", json={"rules": [{"latency_ms": 1}]})
        faults = http.get("/_sandbox/tenants/kept/faults").json()
        before = {
            "memo": dayzero.get_memo(memo["id"]),
            "invoice": dayzero.get_invoice(invoice["id"]),
            "customers": dayzero.customers(),
        }

    with (
        serving(["--data-dir", str(data_dir)]) as base_url,
        httpx.Client(base_url=base_url) as http,
    ):
        dayzero = dayzero_client(http)
        assert dayzero.get_memo(memo["id"]) == before["memo"]
        assert dayzero.get_invoice(invoice["id"]) == before["invoice"]
        assert dayzero.customers() == before["customers"]
        kept = http.get("/_sandbox/tenants/kept").json()
        assert kept["credentials"] == tenant["credentials"]
        assert kept["clock"]["offset_seconds"] == 86400  # the test clock and faults persist
        assert http.get("/_sandbox/tenants/kept/faults").json() == faults
        assert dayzero.memo(customer["id"])["number"] == "CM-0002"


def test_in_memory_server_keeps_nothing(tmp_path: Path) -> None:
    with serving(["--in-memory"]) as base_url, httpx.Client(base_url=base_url) as http:
        dayzero_client(http).customer()
        assert http.get("/_sandbox/health").json()["storage"] == "memory"
    with serving(["--in-memory"]) as base_url, httpx.Client(base_url=base_url) as http:
        assert dayzero_client(http).customers()["items"] == []


def test_what_a_restart_reads_back_is_exactly_what_was_served(tmp_path: Path) -> None:
    """Every change the vendors' code makes reaches the store's log (none is made in place)."""
    from starlette.testclient import TestClient

    from sandbox.app import create_app
    from tests.sandbox.control_api.test_fixtures import load, sample

    with TestClient(create_app(tmp_path)) as client:
        assert load(client, sample()).status_code == 201
        refused = sample()
        refused["dayzero"]["credit_memos"].append(
            {
                "customer": "acme",
                "amount_cents": 100,
                "apply": [{"invoice": "acme-jan", "amount_cents": 999}],
            }
        )
        assert client.post("/_sandbox/tenants", json={"id": "other"}).status_code == 201
        assert load(client, refused, tenant="other").status_code == 400  # undone whole
        dayzero = dayzero_client(client)
        customer = dayzero.customer()
        invoice = dayzero.open_invoice(customer["id"], 10000)
        memo = dayzero.issued_memo(customer["id"], 3000)
        assert dayzero.apply(memo["id"], invoice["id"], 2000).status_code == 201
        assert dayzero.apply(memo["id"], invoice["id"], 5000).status_code == 400
        served = {
            tenant: client.get(f"/_sandbox/tenants/{tenant}/snapshot").json()["data"]
            for tenant in ("demo", "other")
        }
    with TestClient(create_app(tmp_path)) as client:
        for tenant, snapshot in served.items():
            assert client.get(f"/_sandbox/tenants/{tenant}/snapshot").json()["data"] == snapshot
