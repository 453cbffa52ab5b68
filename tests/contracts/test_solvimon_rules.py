"""The Solvimon rules one at a time, against the in-process sandbox: each passes on it, and fails
on a sandbox whose requests or answers break the behaviour it states."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from contracts.vendors.solvimon import rules
from contracts.vendors.solvimon.client import SolvimonClient
from sandbox.app import create_app
from tests.support.clients import solvimon_client

Rewrite = Callable[[str, dict[str, Any], httpx.Response | None], httpx.Response | None]


class Drifting(TestClient):
    """The sandbox in memory, with each request's JSON body (``response`` None) and each answer
    passed through ``rewrite`` first."""

    def __init__(self, rewrite: Rewrite) -> None:
        super().__init__(create_app(None))
        self.rewrite = rewrite

    def request(self, method: str, url: Any, **kwargs: Any) -> httpx.Response:  # type: ignore[override]
        self.rewrite(str(url), kwargs, None)
        response = super().request(method, url, **kwargs)
        return self.rewrite(str(url), kwargs, response) or response


def _run(rule: Callable[[SolvimonClient], None], rewrite: Rewrite | None = None) -> None:
    with Drifting(rewrite or (lambda url, kwargs, response: None)) as client:
        rule(solvimon_client(client))


def _no_request_id_on_v2(url: str, _: dict[str, Any], response: httpx.Response | None) -> Any:
    if response is not None and "/v2/" in url:
        del response.headers["X-REQUEST-ID"]
    return response


def _milliseconds_dropped(_: str, kwargs: dict[str, Any], response: httpx.Response | None) -> Any:
    body = kwargs.get("json")
    if response is None and isinstance(body, dict) and "delivery_date" in body:
        body["delivery_date"] = body["delivery_date"].replace(".123", "")
    return response


def _groups_dropped(_: str, kwargs: dict[str, Any], response: httpx.Response | None) -> Any:
    body = kwargs.get("json")
    if response is None and isinstance(body, dict):
        body.pop("groups", None)
    return response


def _copy_finalised(url: str, kwargs: dict[str, Any], response: httpx.Response | None) -> Any:
    if response is None and url.endswith("/credit_and_copy"):
        kwargs["json"] = {"update_new_invoice_to_final": True}
    return response


NEW_RULES = {
    "SV-REQUEST-ID-EVERY-RESPONSE": (rules.request_id_every_response, _no_request_id_on_v2),
    "SV-DELIVERY-DATE-WHOLE-SECONDS": (rules.delivery_date_whole_seconds, _milliseconds_dropped),
    "SV-DEPRECATED-GROUPS-CREDIT-EXACT": (rules.deprecated_groups_credit_exact, _groups_dropped),
    "SV-CREDIT-AND-COPY": (rules.credit_and_copy, _copy_finalised),
}


@pytest.mark.parametrize("rule_id", sorted(NEW_RULES))
def test_the_rule_passes_on_the_sandbox(rule_id: str) -> None:
    _run(NEW_RULES[rule_id][0])


@pytest.mark.parametrize("rule_id", sorted(NEW_RULES))
def test_the_rule_fails_on_the_behaviour_broken(rule_id: str) -> None:
    rule, rewrite = NEW_RULES[rule_id]
    with pytest.raises(AssertionError):
        _run(rule, rewrite)
