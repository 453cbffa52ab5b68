"""Planted bugs are off unless named, and on when named, in every way the sandbox starts."""

from __future__ import annotations

import httpx
import pytest

from contracts.cli import build_parser
from sandbox.app import create_app
from sandbox.planted import PlantedBugs
from tests.support.dayzero_client import DayZero
from tests.support.processes import serving


def _over_apply_status(dayzero: DayZero) -> int:
    customer = dayzero.customer()
    invoice = dayzero.open_invoice(customer["id"], 10000)
    memo = dayzero.issued_memo(customer["id"], 3000)
    return int(dayzero.apply(memo["id"], invoice["id"], 5000).status_code)


def test_serve_switches_on_a_named_bug() -> None:
    args = ["--in-memory", "--planted-bug", "dayzero_over_apply_accepted"]
    with serving(args) as base_url, httpx.Client(base_url=base_url) as http:
        assert _over_apply_status(DayZero(http)) == 201


def test_the_faithful_sandbox_refuses_the_same_request(dayzero: DayZero) -> None:
    assert _over_apply_status(dayzero) == 400


def test_no_bug_is_on_by_default() -> None:
    assert not PlantedBugs()
    assert build_parser().parse_args(["serve"]).planted_bug == []


def test_an_unknown_bug_name_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown planted bugs"):
        create_app(None, planted_bugs=["dayzero_everything_broken"])
