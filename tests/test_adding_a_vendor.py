"""docs/adding-a-vendor.md, followed for Tally, a vendor that does not exist
(``tests/fake_vendor/``): its two packages are registered as another installed package would
register them (entry points, in a distribution's metadata on ``PYTHONPATH``), and no module of
creditbox changes. The sandbox serves it, loads its fixture section, snapshots and restores its
table, shows it in the console, and ``creditbox contracts`` checks it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.contracts.support import contract_args
from tests.support.processes import run_cli, serving

ROOT = Path(__file__).resolve().parents[1]
ENTRY_POINTS = """\
[creditbox.vendors]
tally = tests.fake_vendor.tally_sandbox:MOUNT

[creditbox.adapters]
tally = tests.fake_vendor.tally_contracts.adapter:ADAPTER
"""


@pytest.fixture(scope="module")
def plugin_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A ``PYTHONPATH`` on which Tally is an installed distribution with its entry points."""
    site = tmp_path_factory.mktemp("site")
    info = site / "creditbox_tally-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: creditbox-tally\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(ENTRY_POINTS, encoding="utf-8")
    return os.pathsep.join([str(site), str(ROOT)])


@pytest.fixture(scope="module")
def sandbox(plugin_path: str) -> Iterator[str]:
    with serving(["--in-memory"], env={"PYTHONPATH": plugin_path}) as base_url:
        yield base_url


def _tenant(base_url: str) -> dict[str, str]:
    created = httpx.post(f"{base_url}/_sandbox/tenants", json={"name": "tally"})
    assert created.status_code == 201, created.text
    return {"id": created.json()["id"], "key": created.json()["credentials"]["tally"]["api_key"]}


def _notes(base_url: str, key: str) -> list[dict[str, object]]:
    answer = httpx.get(f"{base_url}/tally/notes", headers={"X-Tally-Key": key})
    assert answer.status_code == 200, answer.text
    notes: list[dict[str, object]] = answer.json()["notes"]
    return notes


def test_no_module_of_creditbox_knows_the_added_vendor() -> None:
    """Tally is added from outside: nothing shipped or benchmarked names it."""
    for package in ("creditbox", "sandbox", "contracts", "specs", "bench", "lint"):
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and path.suffix in (".py", ".yaml", ".graphql", ".html", ".toml"):
                assert "tally" not in path.read_text(encoding="utf-8").lower(), path


def test_the_sandbox_serves_the_added_vendor_with_its_rules_and_error_shape(sandbox: str) -> None:
    key = _tenant(sandbox)["key"]
    headers = {"X-Tally-Key": key}
    note = httpx.post(f"{sandbox}/tally/notes", json={"amount": 100}, headers=headers).json()
    used = httpx.post(
        f"{sandbox}/tally/notes/{note['id']}/use", json={"amount": 101}, headers=headers
    )
    assert (used.status_code, list(used.json())) == (400, ["error"]), used.text
    refused = httpx.get(f"{sandbox}/tally/notes", headers={"X-Tally-Key": "nobody"})
    assert (refused.status_code, list(refused.json())) == (401, ["error"]), refused.text
    assert (
        httpx.get(f"{sandbox}/tally/openapi.json").json()["info"]["title"] == "Tally credit notes"
    )


def test_a_fixture_snapshot_and_console_include_the_added_vendor(sandbox: str) -> None:
    tenant = _tenant(sandbox)
    control = f"{sandbox}/_sandbox/tenants/{tenant['id']}"
    fixture = {"tally": {"notes": [{"amount": 500, "used": 200, "memo": "Returned goods"}]}}
    loaded = httpx.post(f"{control}/fixtures", json=fixture)
    assert loaded.status_code == 201, loaded.text
    assert [(n["amount"], n["remaining"]) for n in _notes(sandbox, tenant["key"])] == [(500, 300)]

    snapshot = httpx.get(f"{control}/snapshot").json()
    assert len(snapshot["data"]["tally_notes"]) == 1
    copy = _tenant(sandbox)
    restored = httpx.put(f"{sandbox}/_sandbox/tenants/{copy['id']}/snapshot", json=snapshot)
    assert restored.status_code in (200, 201), restored.text
    assert [n["remaining"] for n in _notes(sandbox, copy["key"])] == [300]

    records = httpx.get(f"{control}/overview").json()["records"]
    assert [(r["vendor"], r["total"], r["balance"]) for r in records if r["vendor"] == "tally"] == [
        ("tally", "5.00", "3.00")
    ]
    spec = httpx.get(f"{sandbox}/_sandbox/openapi.json").json()
    assert "tally" in spec["components"]["schemas"]["Fixture"]["properties"]


def test_creditbox_contracts_checks_the_added_vendor(
    sandbox: str, plugin_path: str, tmp_path: Path
) -> None:
    key = _tenant(sandbox)["key"]
    args = contract_args(
        "tally", sandbox, tmp_path, ["--tally-key", key], ("--allow-writes", "--max-examples", "5")
    )
    done = run_cli(args, timeout=600, env={"PYTHONPATH": plugin_path})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for passed in (
        "TL-USE-LOWERS-REMAINING",
        "TL-NO-MORE-THAN-REMAINS-400",
        "tally_remaining_within_amount",
        "tally_used_iff_nothing_remains",
    ):
        assert f"PASS     {passed}" in done.stdout, done.stdout[-3000:]
