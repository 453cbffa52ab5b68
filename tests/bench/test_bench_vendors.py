"""Each vendor's part of the benchmark, found through the registry, and its requests answered by
a sandbox in process (no load is run here)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from bench import scaling, workload
from bench.load import Request, Variant
from bench.vendors import Tenant, VendorBench, benchmarked, discover
from sandbox.app import create_app
from sandbox.vendors import VENDORS

BASE_URL = "http://testserver"
# the rows of docs/benchmarks.md's throughput table, in their order
OPERATIONS = [
    "DayZero get memo",
    "DayZero list memos (limit 50)",
    "DayZero create memo",
    "DayZero apply",
    "COUNT get invoice (signed)",
    "Solvimon get invoice",
    "Kojo one query",
]


def _answered(client: TestClient, requests: Mapping[str, Request]) -> dict[str, httpx.Response]:
    return {
        operation: client.request(
            request.method, request.url, headers=request.headers, json=request.body
        )
        for operation, request in requests.items()
    }


def _refused(answers: Mapping[str, httpx.Response]) -> dict[str, str]:
    return {op: answer.text for op, answer in answers.items() if answer.status_code >= 300}


def test_every_registered_vendor_with_a_module_is_benchmarked_in_the_registry_order() -> None:
    folder = Path(__file__).resolve().parents[2] / "bench" / "vendors"
    with_module = [mount.name for mount in VENDORS if (folder / f"{mount.name}.py").exists()]
    assert [vendor.name for vendor in benchmarked()] == with_module
    assert [op for vendor in benchmarked() for op in vendor.bench.operations] == OPERATIONS


def _no_requests(tenant: Tenant) -> dict[str, Request]:
    return {}


def test_a_target_naming_an_operation_the_vendor_does_not_measure_is_refused() -> None:
    with pytest.raises(ValueError, match="not among the vendor's operations: \\['list'\\]"):
        VendorBench(
            operations=("get",), prepare=_no_requests, one_client_under_prism=("get", "list")
        )


def test_a_vendor_without_a_module_is_not_benchmarked() -> None:
    unbenchmarked = dataclasses.replace(VENDORS[0], name="nobench")
    assert discover([unbenchmarked, VENDORS[1]]) == (benchmarked()[1],)


def test_every_prepared_request_is_answered_and_prism_gets_the_same_paths(
    client: TestClient,
) -> None:
    prepared = workload.prepare_tenant(client, BASE_URL, "bench")
    requests = workload.sandbox_requests(prepared)
    assert list(requests) == OPERATIONS
    assert _refused(_answered(client, requests)) == {}
    roots = {part.vendor.name: f"http://prism-{part.vendor.name}:4010" for part in prepared}
    prism = workload.prism_requests(roots, prepared)
    expected = {
        operation: request.url.replace(f"{BASE_URL}/{part.vendor.name}", roots[part.vendor.name])
        for part in prepared
        for operation, request in part.requests.items()
    }
    assert {operation: request.url for operation, request in prism.items()} == expected
    assert prism["Kojo one query"].url == "http://prism-kojo:4010/graphql"


def test_prism_gets_every_variant_under_its_root_and_starlette_the_first_body() -> None:
    mount_url = f"{BASE_URL}/dayzero"
    variants = [Variant(f"{mount_url}/m/{n}", {"n": n}) for n in range(3)]
    part = workload.Prepared(
        benchmarked()[0], mount_url, {"op": Request.cycling("POST", {"a": "b"}, variants)}
    )
    [prism] = workload.prism_requests({"dayzero": "http://prism:4010"}, [part]).values()
    assert [(v.url, v.body) for v in prism.sent] == [
        (f"http://prism:4010/m/{n}", {"n": n}) for n in range(3)
    ]
    assert prism.headers == {"a": "b"}
    [ceiling] = workload.ceiling_requests("http://st:1", part.requests).values()
    assert ceiling.sent == (Variant("http://st:1/memo", {"n": 0}),)
    elsewhere = workload.Prepared(benchmarked()[0], f"{BASE_URL}/other", part.requests)
    with pytest.raises(ValueError, match="is not under"):
        workload.prism_requests({"dayzero": "http://prism:4010"}, [elsewhere])


def test_a_scaling_workload_fills_a_tenant_that_answers_every_measured_request(
    tmp_path: Path,
) -> None:
    [(vendor, workload_of_vendor)] = scaling.scaled()
    with TestClient(create_app(tmp_path, demo=False), base_url=BASE_URL) as client:
        template_credentials = workload.new_tenant(client, "scale")[vendor.name]
        made = workload.new_tenant(client, "filled")[vendor.name]
        tenant = Tenant(client, "scale", template_credentials, BASE_URL, vendor.mount.base_path)
        workload_of_vendor.seed(tenant)
        snapshot = client.get("/_sandbox/tenants/scale/snapshot").json()["data"]
    tables, ids = workload_of_vendor.tables(snapshot, template_credentials, made, 7)
    scaling.write(tmp_path, "filled", tables)
    with TestClient(create_app(tmp_path, demo=False), base_url=BASE_URL) as client:
        requests = workload_of_vendor.requests(f"{BASE_URL}{vendor.mount.base_path}", made, ids)
        assert list(requests) == list(workload_of_vendor.operations)
        answered = _answered(client, requests)
    assert _refused(answered) == {}
    # 7 drafts beside the issued memo that takes the applies; the get reads one in the middle
    assert len(answered["DayZero list memos (limit 50)"].json()["items"]) == 8
    assert answered["DayZero get memo"].json()["id"] == ids["memo"]
