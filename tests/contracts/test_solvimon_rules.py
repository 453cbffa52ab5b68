"""The Solvimon rules one at a time, against the in-process sandbox: each passes on it, and fails
on a sandbox whose requests or answers break the behaviour it states."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from contracts.rules import Skipped
from contracts.vendors.solvimon import rules
from contracts.vendors.solvimon.client import SolvimonClient
from sandbox.app import create_app
from tests.support.clients import SOLVIMON_KEY, solvimon_client

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
        kwargs["json"] = {**kwargs.get("json", {}), "update_new_invoice_to_final": True}
    return response


def _answered(response: httpx.Response, status: int, body: Any) -> httpx.Response:
    """``response`` with another status and JSON body (its headers kept but the length)."""
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return httpx.Response(status, json=body, headers=headers, request=response.request)


def _one_off_off_hold(url: str, _: dict[str, Any], response: httpx.Response | None) -> Any:
    if response is not None and url.endswith("/v1/invoices") and response.status_code == 200:
        return _answered(response, 200, {**response.json(), "on_hold": False})
    return response


def _first_original_only(url: str, kwargs: dict[str, Any], response: httpx.Response | None) -> Any:
    body = kwargs.get("json")
    if response is None and url.endswith("/v1/invoices") and isinstance(body, dict):
        body["linked_invoices_ids"] = body.get("linked_invoices_ids", [])[:1]
    return response


def _links_dropped(url: str, kwargs: dict[str, Any], response: httpx.Response | None) -> Any:
    body = kwargs.get("json")
    if response is None and isinstance(body, dict) and body.get("type") == "ONE_OFF":
        body.pop("linked_invoices_ids", None)
    return response


def _customer_added(url: str, kwargs: dict[str, Any], response: httpx.Response | None) -> Any:
    body = kwargs.get("json")
    if response is None and isinstance(body, dict) and body.get("type") == "ONE_OFF":
        body.setdefault("customer_id", "cust_added")
    return response


def _full_key(url: str, kwargs: dict[str, Any], response: httpx.Response | None) -> Any:
    creating = url.endswith("/v1/invoices") or url.endswith("/refund")
    if response is None and creating and "X-API-KEY" in (kwargs.get("headers") or {}):
        kwargs["headers"]["X-API-KEY"] = SOLVIMON_KEY
    return response


def _refusals_refunded(url: str, _: dict[str, Any], response: httpx.Response | None) -> Any:
    if response is not None and url.endswith("/refund") and response.status_code == 400:
        return _answered(response, 200, {})
    return response


NEW_RULES = {
    "SV-REQUEST-ID-EVERY-RESPONSE": (rules.request_id_every_response, _no_request_id_on_v2),
    "SV-DELIVERY-DATE-WHOLE-SECONDS": (rules.delivery_date_whole_seconds, _milliseconds_dropped),
    "SV-DEPRECATED-GROUPS-CREDIT-EXACT": (rules.deprecated_groups_credit_exact, _groups_dropped),
    "SV-CREDIT-AND-COPY": (rules.credit_and_copy, _copy_finalised),
    "SV-ONE-OFF-DRAFT-ON-HOLD": (rules.one_off_draft_on_hold, _one_off_off_hold),
    "SV-ONE-OFF-CREDIT-LINKS-BOTH-WAYS": (
        rules.one_off_credit_links_both_ways,
        _first_original_only,
    ),
    "SV-LINKED-IDS-ONLY-ONE-OFF-CREDIT-400": (rules.linked_ids_only_one_off_credit, _links_dropped),
    "SV-ONE-OFF-CUSTOMER-REQUIRED-400": (rules.one_off_customer_required, _customer_added),
    "SV-ONE-OFF-REFUND-PERMISSION-403": (rules.one_off_and_refund_need_permissions, _full_key),
    "SV-REFUND-CREDIT-INVOICE": (rules.refund_credit_invoice, _refusals_refunded),
}


@pytest.mark.parametrize("rule_id", sorted(NEW_RULES))
def test_the_rule_passes_on_the_sandbox(rule_id: str) -> None:
    _run(NEW_RULES[rule_id][0])


@pytest.mark.parametrize("rule_id", sorted(NEW_RULES))
def test_the_rule_fails_on_the_behaviour_broken(rule_id: str) -> None:
    rule, rewrite = NEW_RULES[rule_id]
    with pytest.raises(AssertionError):
        _run(rule, rewrite)


def _off_the_sandbox(api: SolvimonClient) -> SolvimonClient:
    """``api`` as on a real deployment: no control API it can seed through."""
    api.on_sandbox = lambda: False  # type: ignore[method-assign]
    return api


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        # it would issue a copy of a customer's invoice
        (rules.credit_and_copy, "copy of a customer's invoice"),
        # a refund would pay a customer back
        (rules.refund_credit_invoice, "pays a customer back"),
    ],
)
def test_the_rules_that_would_touch_a_customer_skip_off_a_sandbox_sending_nothing(
    rule: Any, why: str
) -> None:
    sent: list[str] = []

    def watch(url: str, _: dict[str, Any], response: httpx.Response | None) -> Any:
        if response is None:
            sent.append(url)
        return response

    with Drifting(watch) as client:
        api = _off_the_sandbox(solvimon_client(client))
        api.supplies.final_invoices = ["invo_whatever"]
        with pytest.raises(Skipped, match=why):
            rule(api)
    assert not sent


def test_the_one_off_rules_take_a_listed_customer_off_a_sandbox() -> None:
    """Off a sandbox a one-off invoice is made for the customer of an invoice the deployment
    lists (it knows no customer of the run's), and none of the configured invoices is used."""
    with Drifting(lambda url, kwargs, response: None) as client:
        seeded = solvimon_client(client).seed_invoice(customer_id="cust_listed")
        api = _off_the_sandbox(solvimon_client(client))
        rules.one_off_draft_on_hold(api)
        made = api.invoices(limit=1, order_by="created_at", order_direction="desc")["data"][0]
    assert made["type"] == "ONE_OFF"
    assert made["customer_id"] == seeded["customer_id"] == "cust_listed"


def test_a_key_without_the_one_off_permission_skips_off_a_sandbox_and_fails_on_it() -> None:
    """Off a sandbox the key the harness was given may lack INVOICE.ONE_OFF.CREATE: the rule
    cannot run, and says why; on a sandbox the run's key holds it, so a 403 is a failure."""
    with Drifting(lambda url, kwargs, response: None) as client:
        full = solvimon_client(client)
        full.seed_invoice(customer_id="cust_listed")
        creditor = full.create_key(["INVOICE.VIEW", "INVOICE.CREDIT.CREATE"])
        off = _off_the_sandbox(solvimon_client(client, creditor))
        with pytest.raises(Skipped, match=r"INVOICE\.ONE_OFF\.CREATE"):
            rules.one_off_customer_required(off)
        with pytest.raises(AssertionError, match="403"):
            rules.one_off_customer_required(solvimon_client(client, creditor))


def test_credit_and_copy_carries_the_run_tag() -> None:
    bodies: list[Any] = []

    def watch(url: str, kwargs: dict[str, Any], response: httpx.Response | None) -> Any:
        if response is None and url.endswith("/credit_and_copy"):
            bodies.append(kwargs.get("json"))
        return response

    with Drifting(watch) as client:
        api = solvimon_client(client)
        rules.credit_and_copy(api)
    assert bodies == [{"note": api.tag}]


def _groups_refused(url: str, kwargs: dict[str, Any], response: httpx.Response | None) -> Any:
    """A deployment whose groups have another shape: the groups sent name no group it knows, so
    it refuses them with 400 (and credits nothing)."""
    body = kwargs.get("json")
    if response is None and isinstance(body, dict) and "groups" in body:
        kwargs["json"] = {**body, "groups": [{"group_order": 999, "lines": []}]}
    return response


def test_a_refused_groups_body_skips_off_a_sandbox() -> None:
    with Drifting(_groups_refused) as client:
        seeder = solvimon_client(client)
        invoice = seeder.seed_invoice()
        api = _off_the_sandbox(solvimon_client(client))
        api.supplies.final_invoices = [invoice["id"]]
        with pytest.raises(Skipped, match="deprecated"):
            rules.deprecated_groups_credit_exact(api)


def test_a_refused_groups_body_fails_on_the_sandbox() -> None:
    with pytest.raises(AssertionError):
        _run(rules.deprecated_groups_credit_exact, _groups_refused)


def _tenants(client: TestClient) -> set[str]:
    return {tenant["id"] for tenant in client.get("/_sandbox/tenants").json()["items"]}


def test_the_grace_period_is_watched_on_a_tenant_of_its_own() -> None:
    """The rule moves the clock of a tenant it makes, not the run's, and deletes it after."""
    with Drifting(lambda url, kwargs, response: None) as client:
        before = _tenants(client)
        clock = client.get("/_sandbox/tenants/demo").json()["clock"]
        rules.draft_final_after_grace(solvimon_client(client))
        assert _tenants(client) == before
        assert (
            client.get("/_sandbox/tenants/demo").json()["clock"]["offset_seconds"]
            == (clock["offset_seconds"])
        )


def _drafts_final(url: str, _: dict[str, Any], response: httpx.Response | None) -> Any:
    if response is not None and "/solvimon/v1/invoices/" in url and response.status_code == 200:
        body = response.json()
        if body.get("status") == "DRAFT":
            body["status"] = "FINAL"
            return httpx.Response(200, json=body, request=response.request)
    return response


def test_the_throwaway_tenant_is_deleted_when_the_grace_period_is_broken() -> None:
    with Drifting(_drafts_final) as client:
        before = _tenants(client)
        with pytest.raises(AssertionError, match="a minute before"):
            rules.draft_final_after_grace(solvimon_client(client))
        assert _tenants(client) == before
