"""Profiles: each tenant is answered in the readings of the disputed points its profile picks.

Proved over HTTP with response validation on, so a body that does not match the spec served
for that profile fails the request; and with ``creditbox serve --profile FILE`` as a user runs it.
"""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path
from typing import Any

import httpx
from starlette.testclient import TestClient

from contracts.vendors.count.client import CountClient
from contracts.vendors.dayzero.client import DayZeroClient
from sandbox.app import create_app
from specs.readings import Profile
from tests.support.clients import (
    count_client,
    count_record,
    dayzero_client,
    dayzero_of_new_tenant,
    eur,
    one_period,
    solvimon_client,
)
from tests.support.processes import CREDITBOX, serving

WRAPPED = {"readings": {"dayzero.envelope": "wrapped"}}
ENVELOPE_KEYS = {"success", "message", "code", "data"}


def test_a_tenant_that_chooses_the_wrapped_envelope_gets_every_success_body_wrapped(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    assert client.put("/_sandbox/tenants/demo/profile", json=WRAPPED).status_code == 200
    created = dayzero.expect("POST", "/customers", 201, json={"name": "Acme"})
    assert set(created) == ENVELOPE_KEYS and created["success"] is True
    customer_id = created["data"]["id"]
    memo = dayzero.memo(customer_id, 10000)["data"]
    issued = dayzero.expect("POST", f"/credit-memos/{memo['id']}/issue", 201)
    assert issued["data"]["status"] == "issued"
    listed = dayzero.expect("GET", "/credit-memos", 200)  # the raw page: the client reads bare
    assert set(listed) == ENVELOPE_KEYS and listed["data"]["items"][0]["id"] == memo["id"]
    credits = dayzero.customer_credits(customer_id)
    assert credits["data"]["total_credits_available"] == 10000


def test_errors_keep_their_shape_under_the_wrapped_envelope(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    client.put("/_sandbox/tenants/demo/profile", json=WRAPPED)
    missing = dayzero.call("GET", "/credit-memos/cm_missing")
    assert missing.status_code == 404 and missing.json() == {"detail": "Credit memo not found"}


def test_a_tenants_profile_does_not_change_what_other_tenants_get(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    other = dayzero_of_new_tenant(client, id="tenant-b")
    client.put("/_sandbox/tenants/demo/profile", json=WRAPPED)
    assert "data" in dayzero.customer()
    bare = other.customer()
    assert "data" not in bare and bare["name"] == "Acme Corp"


def test_clearing_the_profile_brings_the_default_reading_back(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    client.put("/_sandbox/tenants/demo/profile", json=WRAPPED)
    cleared = client.delete("/_sandbox/tenants/demo/profile").json()
    assert cleared == {"chosen": {}, "readings": Profile.of().choices()}
    assert "data" not in dayzero.customer()


def test_an_unknown_point_or_reading_is_refused_and_changes_nothing(client: TestClient) -> None:
    for readings, named in (
        ({"dayzero.envelop": "wrapped"}, "no disputed point named 'dayzero.envelop'"),
        ({"dayzero.envelope": "boxed"}, "dayzero.envelope has no reading 'boxed'"),
    ):
        refused = client.put("/_sandbox/tenants/demo/profile", json={"readings": readings})
        assert refused.status_code == 400 and named in refused.json()["detail"]
    assert client.get("/_sandbox/tenants/demo/profile").json()["chosen"] == {}


def test_the_disputed_points_name_their_readings_evidence_and_the_served_reading(
    client: TestClient,
) -> None:
    points = {p["name"]: p for p in client.get("/_sandbox/disputed-points").json()["points"]}
    envelope = points["dayzero.envelope"]
    assert envelope["served"] == envelope["default"] == "bare"
    readings = {reading["name"]: reading for reading in envelope["readings"]}
    assert set(readings) == {"bare", "wrapped"}
    assert all(reading["evidence"] for reading in readings.values())


def test_a_server_profile_changes_the_served_spec_and_a_tenant_can_choose_back() -> None:
    served = Profile.of({"dayzero.envelope": "wrapped"})
    with TestClient(create_app(None, validate_responses=True, profile=served)) as client:
        spec = client.get("/dayzero/openapi.json").json()
        create = spec["paths"]["/api/v1/credit-memos"]["post"]["responses"]["201"]
        schema = create["content"]["application/json"]["schema"]
        assert set(schema["required"]) == ENVELOPE_KEYS
        dayzero = dayzero_client(client)
        assert "data" in dayzero.customer()
        bare = {"readings": {"dayzero.envelope": "bare"}}
        client.put("/_sandbox/tenants/demo/profile", json=bare)
        assert "data" not in dayzero.customer()


def _acme_fixture(envelope: str) -> dict[str, Any]:
    """A fixture of one DayZero customer, Acme, whose profile picks the ``envelope`` reading."""
    return {
        "profile": {"dayzero.envelope": envelope},
        "dayzero": {"customers": [{"ref": "acme", "name": "Acme"}]},
    }


def test_a_fixture_sets_the_tenants_profile_once_its_data_has_loaded(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    fixture = _acme_fixture("wrapped")
    assert client.post("/_sandbox/tenants/demo/fixtures", json=fixture).status_code == 201
    listed = dayzero.customers()
    assert [c["name"] for c in listed["data"]["items"]] == ["Acme"]


def test_a_fixture_with_an_unknown_reading_loads_nothing(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    fixture = _acme_fixture("boxed")
    refused = client.post("/_sandbox/tenants/demo/fixtures", json=fixture)
    assert refused.status_code == 400 and "profile: dayzero.envelope" in refused.json()["detail"]
    assert dayzero.customers()["items"] == []


def test_a_snapshot_carries_the_tenants_profile(client: TestClient) -> None:
    client.put("/_sandbox/tenants/demo/profile", json=WRAPPED)
    snapshot = client.get("/_sandbox/tenants/demo/snapshot").json()
    assert snapshot["profile"] == WRAPPED["readings"]
    assert client.put("/_sandbox/tenants/copy/snapshot", json=snapshot).status_code in (200, 201)
    assert client.get("/_sandbox/tenants/copy/profile").json()["chosen"] == WRAPPED["readings"]


def test_serve_answers_in_the_profile_file_it_is_given(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text("readings:\n  dayzero.envelope: wrapped\n", encoding="utf-8")
    with serving(("--in-memory", "--profile", str(profile))) as base_url:
        created = dayzero_client(httpx.Client(base_url=base_url)).customer()
        assert set(created) == ENVELOPE_KEYS


def test_serve_refuses_a_profile_file_naming_an_unknown_point(tmp_path: Path) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text("readings:\n  dayzero.wrapping: yes\n", encoding="utf-8")
    done = subprocess.run(
        [CREDITBOX, "serve", "--in-memory", "--profile", str(profile)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--profile: no disputed point named 'dayzero.wrapping'" in done.stderr


def test_a_status_conflict_is_400_by_default_and_409_under_the_conflict_reading(
    client: TestClient, dayzero: DayZeroClient
) -> None:
    customer = dayzero.customer()["id"]
    issued = dayzero.issued_memo(customer)
    again = dayzero.call("POST", f"/credit-memos/{issued['id']}/issue")
    assert (again.status_code, again.json()) == (
        400,
        {"detail": "Only draft credit memos can be issued"},
    )
    conflict = {"readings": {"dayzero.conflict-status": "conflict"}}
    client.put("/_sandbox/tenants/demo/profile", json=conflict)
    again = dayzero.call("POST", f"/credit-memos/{issued['id']}/issue")
    assert (again.status_code, again.json()) == (
        409,
        {"detail": "Only draft credit memos can be issued"},
    )
    # a refusal that is not about status stays 400
    over = dayzero.apply(issued["id"], dayzero.open_invoice(customer, 100)["id"], 5000)
    assert over.status_code == 400


def test_count_errors_are_the_clients_by_default_and_the_reference_pages_under_reference(
    client: TestClient,
) -> None:
    count = count_client(client)
    client_reading = count.call("POST", "/customers", json={"customer": "Acme"})
    assert client_reading.json() == {"message": "email: Field required", "statusCode": 400}
    reference = {"readings": {"count.error-body": "reference"}}
    client.put("/_sandbox/tenants/demo/profile", json=reference)
    refused = count.call("POST", "/customers", json={"customer": "Acme"})
    assert (refused.status_code, refused.json()) == (
        400,
        {
            "status": "error",
            "message": "email: Field required",
            "code": "VALIDATION_ERROR",
            "errors": [{"field": "email", "message": "Field required"}],
        },
    )
    missing = count.call("GET", "/invoices/00000000-0000-4000-8000-000000000000")
    assert missing.json() == {
        "status": "error",
        "message": "Invoice not found",
        "code": "NOT_FOUND",
    }


def _count_memo(count: CountClient) -> dict[str, Any]:
    """A COUNT memo draft, made while the tenant speaks the default (bare) readings."""
    email = f"{uuid.uuid4().hex}@a.example"
    customer = count.customer("A", email)
    product = count.product("Hour", 10)
    body = count_record(customer["id"], product["id"], 10, "memo")
    return count.expect("POST", "/invoices", 201, json=body)


def test_a_count_memo_draft_is_approved_by_default_and_sent_unapproved_under_the_client_reading(
    client: TestClient,
) -> None:
    count = count_client(client)
    memo = _count_memo(count)
    assert count.expect("PATCH", f"/invoices/{memo['id']}/approve", 200)["status"] == "approved"
    client.put(
        "/_sandbox/tenants/demo/profile",
        json={"readings": {"count.memo-draft-approve": "client"}},
    )
    draft = _count_memo(count)
    refused = count.call("PATCH", f"/invoices/{draft['id']}/approve")
    assert (refused.status_code, refused.json()["message"]) == (
        400,
        "Credit memo drafts are not approved: update the memo and send it (sending finalises it)",
    )
    sent = count.expect("POST", f"/invoices/{draft['id']}/send", 200, json={})
    assert (sent["isDraft"], sent["status"]) == (False, "sent")


def _count_invoice(count: CountClient, approve: bool = True) -> dict[str, Any]:
    """A COUNT invoice (approved, unless ``approve`` is False), in the default readings."""
    customer = count.customer("A", f"{uuid.uuid4().hex}@a.example")
    product = count.product("Hour", 10)
    body = count_record(customer["id"], product["id"], 10, "invoice")
    draft = count.expect("POST", "/invoices", 201, json=body)
    return count.expect("PATCH", f"/invoices/{draft['id']}/approve", 200) if approve else draft


def test_approving_an_approved_count_record_is_refused_by_default_and_a_no_op_under_no_op(
    client: TestClient,
) -> None:
    count = count_client(client)
    approved = _count_invoice(count)
    refused = count.call("PATCH", f"/invoices/{approved['id']}/approve")
    assert (refused.status_code, refused.json()) == (
        400,
        {"message": "Only drafts can be approved", "statusCode": 400},
    )
    assert count.expect("GET", f"/invoices/{approved['id']}", 200) == approved
    sent = count.expect("POST", f"/invoices/{_count_invoice(count)['id']}/send", 200, json={})
    draft = _count_invoice(count, approve=False)
    client.put(
        "/_sandbox/tenants/demo/profile", json={"readings": {"count.approve-again": "no-op"}}
    )
    for record in (approved, sent):
        audit = count.expect("GET", f"/invoices/{record['id']}/audit-log", 200)
        again = count.expect("PATCH", f"/invoices/{record['id']}/approve", 200)
        assert again == record == count.expect("GET", f"/invoices/{record['id']}", 200)
        assert count.expect("GET", f"/invoices/{record['id']}/audit-log", 200) == audit
    first = count.expect("PATCH", f"/invoices/{draft['id']}/approve", 200)
    assert (first["isDraft"], first["approved"], first["status"]) == (False, True, "approved")


def test_under_the_reference_page_reading_solvimon_takes_force_init_on_hold_camel_cased(
    client: TestClient,
) -> None:
    solvimon = solvimon_client(client)
    invoice = solvimon.seed_invoice(one_period("100.00"))
    client.put(
        "/_sandbox/tenants/demo/profile",
        json={"readings": {"solvimon.on-hold-field": "reference-page"}},
    )
    part = [{"period_order": 1, "amount": eur("1.00")}]
    held = solvimon.credit(invoice["id"], {"forceInitOnHold": True, "periods": part})
    assert (held.status_code, held.json()["on_hold"]) == (200, True)
    ignored = solvimon.credit(invoice["id"], {"force_init_on_hold": True, "periods": part})
    assert (ignored.status_code, ignored.json()["on_hold"]) == (200, False)


def test_count_bodies_are_bare_by_default_and_wrapped_under_the_wrapped_reading(
    client: TestClient,
) -> None:
    count = count_client(client)
    bare = _count_memo(count)
    assert bare["invoiceType"] == "memo" and "data" not in bare
    client.put("/_sandbox/tenants/demo/profile", json={"readings": {"count.envelope": "wrapped"}})
    got = count.get(bare["id"])
    assert (got["status"], got["message"], got["data"]["id"]) == ("success", "Success", bare["id"])
    listed = count.invoices()
    assert listed["data"]["totalRecords"] == 1
    missing = count.call("GET", "/invoices/00000000-0000-4000-8000-000000000000")
    assert missing.json() == {"message": "Invoice not found", "statusCode": 404}


def test_count_create_takes_the_clients_body_by_default_and_the_references_under_reference(
    client: TestClient,
) -> None:
    count = count_client(client)
    email = f"{uuid.uuid4().hex}@a.example"
    customer = count.customer("A", email)["id"]
    product = count.product("Hour", 10)["id"]
    client_body = {
        "customerUuid": customer,
        "date": "2026-03-01",
        "products": [{"uuid": product, "quantity": 2, "unitPrice": 50}],
        "discount": "10.00",
    }
    created = count.expect("POST", "/invoices", 201, json=client_body)
    assert (created["total"], created["invoiceType"]) == (90.0, "invoice")
    client.put("/_sandbox/tenants/demo/profile", json={"readings": {"count.create": "reference"}})
    refused = count.call("POST", "/invoices", json=client_body)
    assert refused.status_code == 400 and "invoiceNumber" in refused.json()["message"]
    reference_body = {
        "customerUuid": customer,
        "invoiceNumber": "Q-1",
        "date": "2026-03-01",
        "dueDate": "2026-03-31",
        "isDraft": True,
        "invoiceType": "quote",
        "products": [
            {
                "productUuid": product,
                "description": "Hours",
                "quantity": 2,
                "price": 50,
                "taxes": [],
            }
        ],
    }
    quote = count.expect("POST", "/invoices", 200, json=reference_body)
    assert (quote["invoiceType"], quote["invoiceNumber"], quote["total"]) == ("quote", "Q-1", 100.0)
    # the client's `uuid` is no field of the reference's line: it does not name the product
    line = {**reference_body["products"][0], "productUuid": "", "uuid": product}
    unnamed = count.call("POST", "/invoices", json={**reference_body, "products": [line]})
    assert unnamed.status_code == 404, unnamed.text


def test_count_list_rows_are_named_by_default_and_records_under_the_reference_reading(
    client: TestClient,
) -> None:
    count = count_client(client)
    memo = _count_memo(count)
    assert [r["id"] for r in count.invoices()["invoices"]] == [memo["id"]]
    client.put(
        "/_sandbox/tenants/demo/profile", json={"readings": {"count.list-rows": "reference"}}
    )
    listed = count.invoices()
    assert "invoices" not in listed and [r["id"] for r in listed["records"]] == [memo["id"]]
    assert count.customers()["records"][0]["customer"] == "A"
