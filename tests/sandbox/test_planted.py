"""Planted bugs live in the tests: a named bug's stand-in answers in an embedded sandbox, the
sandbox itself has none, and `creditbox serve` offers no way to switch one on."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from contracts.vendors.dayzero.client import DayZeroClient
from sandbox.embedded import EmbeddedSandbox
from sandbox.seams import Seams
from tests.support.clients import dayzero_client
from tests.support.planted import sandbox_args
from tests.support.processes import run_cli

ROOT = Path(__file__).resolve().parents[2]


def _over_apply_status(dayzero: DayZeroClient) -> int:
    customer = dayzero.customer()
    invoice = dayzero.open_invoice(customer["id"], 10000)
    memo = dayzero.issued_memo(customer["id"], 3000)
    return int(dayzero.apply(memo["id"], invoice["id"], 5000).status_code)


def test_a_named_bugs_stand_in_answers_in_the_embedded_sandbox() -> None:
    with (
        EmbeddedSandbox(**sandbox_args(["dayzero_over_apply_accepted"])) as sandbox,
        httpx.Client(base_url=sandbox.base_url) as http,
    ):
        assert _over_apply_status(dayzero_client(http)) == 201


def test_the_faithful_sandbox_refuses_the_same_request(dayzero: DayZeroClient) -> None:
    assert _over_apply_status(dayzero) == 400


def test_nothing_stands_in_by_default_and_serve_has_no_bug_switch() -> None:
    assert not Seams()
    done = run_cli(["serve", "--in-memory", "--planted-bug", "x"], timeout=60)
    assert done.returncode == 2 and "unrecognized arguments: --planted-bug" in done.stderr


def test_an_unknown_bug_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown planted bugs"):
        sandbox_args(["dayzero_everything_broken"])


def test_nothing_in_the_product_speaks_of_planted_bugs() -> None:
    found = [
        str(path.relative_to(ROOT))
        for package in ("creditbox", "sandbox", "contracts")
        for path in (ROOT / package).rglob("*")
        if path.is_file()
        and path.suffix in (".py", ".yaml", ".html")
        and "planted" in path.read_text(encoding="utf-8").lower()
    ]
    assert found == []
