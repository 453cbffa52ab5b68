"""Fixtures: the sample demo fixture, loading through the vendors' APIs, all or nothing, and the
``creditbox seed`` / ``serve --fixture`` commands."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from starlette.testclient import TestClient

from tests.sandbox.control_api.test_tenants_and_snapshots import view
from tests.support.clients import count_client, dayzero_client
from tests.support.processes import run_cli, serving

SAMPLE = Path(__file__).resolve().parents[3] / "fixtures" / "demo.yaml"


def sample() -> Any:
    return yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def load(client: TestClient, fixture: Any, tenant: str = "demo") -> Any:
    return client.post(f"/_sandbox/tenants/{tenant}/fixtures", json=fixture)


def test_the_sample_fixture_has_invoices_and_memos_in_each_state(client: TestClient) -> None:
    answer = load(client, sample())
    assert answer.status_code == 201, answer.text
    assert answer.json()["created"]["dayzero.customers"].keys() == {"acme", "globex", "initech"}
    dayzero = dayzero_client(client)
    memos = dayzero.memos(limit=100)["items"]
    assert Counter(m["status"] for m in memos) == {
        "draft": 1,
        "issued": 1,
        "partially_applied": 1,
        "fully_applied": 1,
        "void": 1,
    }
    invoices = dayzero.invoices(limit=100)["items"]
    assert {i["status"] for i in invoices} >= {"draft", "open", "partially_paid", "void"}
    count = count_client(client).invoices(limit=100)["invoices"]
    assert {(r["invoiceType"], r["status"]) for r in count} >= {
        ("invoice", "draft"),
        ("invoice", "approved"),
        ("invoice", "sent"),
        ("invoice", "overdue"),
        ("invoice", "partial"),
        ("memo", "approved"),
    }
    paid_in_part = [r for r in count if r["invoiceType"] == "invoice" and r["amountPaid"]]
    assert [
        (r["status"], r["amountPaid"], r["creditApplied"], r["openBalance"]) for r in paid_in_part
    ] == [("partial", 300.0, 200.0, 700.0)]  # the wire and the memo, both in part
    everything = view(client, "demo")
    statuses = Counter(invoice["status"] for invoice in everything["solvimon"])
    assert statuses == {"FINAL": 2, "DRAFT": 3}  # the credit invoice is a draft too
    assert [m["creditMemoNumber"] for m in everything["kojo"]["creditMemos"]] == [
        "Memo-1001",
        "Memo-1002",
    ]


def test_a_fixture_voids_an_invoice_whatever_void_method_the_tenant_is_answered_in(
    client: TestClient,
) -> None:
    post = {"readings": {"dayzero.invoice-void-method": "post"}}
    assert client.put("/_sandbox/tenants/demo/profile", json=post).status_code == 200
    line = {"description": "x", "quantity": 1, "unit_price": 100}
    fixture = {
        "dayzero": {
            "customers": [{"ref": "c", "name": "C"}],
            "invoices": [{"customer": "c", "void": True, "line_items": [line]}],
        }
    }
    loaded = load(client, fixture)
    assert loaded.status_code == 201, loaded.text
    [invoice] = dayzero_client(client).invoices()["items"]
    assert (invoice["status"], invoice["number"]) == ("void", "INV-0001")


def test_a_refused_entry_loads_nothing_and_says_which(client: TestClient) -> None:
    before = view(client, "demo")
    fixture = sample()
    fixture["dayzero"]["credit_memos"][2]["apply"][0]["amount_cents"] = 999_999
    answer = load(client, fixture)
    assert answer.status_code == 400
    detail = answer.json()["detail"]
    assert detail.startswith("dayzero.credit_memos[2].apply[0]: POST ") and "400" in detail
    assert view(client, "demo") == before


@pytest.mark.parametrize(
    ("broken", "named"),
    [
        ({"dayzero": {"invoices": [{"customer": "nobody", "line_items": []}]}}, "nobody"),
        ({"kojo": {"credit_memos": [{"invoice": "x", "items": []}]}}, "kojo.credit_memos[0]"),
        ({"dayzero": {"customers": "acme"}}, "dayzero.customers: a list"),
        ({"stripe": {}}, "stripe"),
    ],
)
def test_a_broken_fixture_is_a_clear_400(client: TestClient, broken: Any, named: str) -> None:
    answer = load(client, broken)
    assert answer.status_code == 400 and named in answer.json()["detail"], answer.text


def test_a_tenants_faults_do_not_fail_its_fixture(client: TestClient) -> None:
    client.put("/_sandbox/tenants/demo/faults", json={"rules": [{"error_rate": 1}]})
    assert load(client, sample()).status_code == 201
    assert dayzero_client(client).call("GET", "/customers").status_code == 500


def test_creditbox_seed_and_serve_fixture(tmp_path: Path) -> None:
    data_dir = str(tmp_path / "data")
    with serving(["--data-dir", data_dir, "--fixture", str(SAMPLE)]) as base_url:
        memos = dayzero_client(httpx.Client(base_url=base_url)).memos()
        assert len(memos["items"]) == 5
        httpx.post(f"{base_url}/_sandbox/tenants", json={"id": "ci"})
        seeded = run_cli(["seed", str(SAMPLE), "--url", base_url, "--tenant", "ci"])
        assert seeded.returncode == 0, seeded.stderr
        assert "loaded into tenant ci" in seeded.stdout
        new = run_cli(["seed", str(SAMPLE), "--url", base_url, "--tenant", "new-ci-job"])
        assert new.returncode == 0, new.stderr
        assert "tenant new-ci-job created" in new.stdout
        tenant = httpx.get(f"{base_url}/_sandbox/tenants/new-ci-job/overview")
        vendors = {record["vendor"] for record in tenant.json()["records"]}
        assert vendors == {"dayzero", "count", "solvimon", "kojo"}
        advanced = run_cli(["clock", "--url", base_url, "--tenant", "ci", "--advance", "2d"])
        assert advanced.returncode == 0 and "172800 s ahead" in advanced.stdout
    with serving(["--data-dir", data_dir, "--fixture", str(SAMPLE)]) as base_url:
        memos = dayzero_client(httpx.Client(base_url=base_url)).memos()
        assert len(memos["items"]) == 5  # a restart does not load the fixture twice


def test_the_overview_shows_what_each_vendor_api_shows_and_leaves_no_journal(
    client: TestClient,
) -> None:
    load(client, sample())
    client.put("/_sandbox/tenants/demo/faults", json={"rules": [{"error_rate": 1}]})
    overview = client.get("/_sandbox/tenants/demo/overview")
    assert overview.status_code == 200, overview.text  # the console is never faulted
    rows = {(r["vendor"], r["number"]): r for r in overview.json()["records"]}
    assert len(overview.json()["records"]) == len(rows) == 26
    assert rows[("dayzero", "INV-0004")]["status"] == "void"
    memo = rows[("dayzero", "CM-0003")]
    assert (memo["kind"], memo["status"], memo["total"], memo["balance"]) == (
        "memo",
        "partially_applied",
        "300.00",
        "100.00",
    )
    assert rows[("count", "INV-0003")]["status"] == "overdue"
    assert rows[("count", "CM-0001")]["balance"] == "100.00"  # 300 credit, 200 applied
    assert rows[("solvimon", "INV-000001")]["balance"] == "350.00"  # 500, 150 credited
    assert rows[("kojo", "Memo-1001")]["total"] == "11.00"
    actions = [entry["action"] for entry in overview.json()["count_audit_log"]]
    assert {"create", "approve", "send", "apply_credit"} <= set(actions)
    assert client.get("/_sandbox/tenants/demo/journal").json()["items"] == []
    assert client.get("/_sandbox/tenants/nope/overview").status_code == 404
