"""Each vendor's part of the benchmark, found through the registry, and its requests answered by
a sandbox in process (no load is run here)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from bench import scaling, workload
from bench.load import Request, Variant
from bench.vendors import Tenant, VendorBench, benchmarked, dayzero, discover
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


def _answered(
    client: TestClient, requests: Mapping[str, Request]
) -> dict[str, list[httpx.Response]]:
    """Each operation's answers, one for each of its variants in turn."""
    return {
        operation: [
            client.request(request.method, sent.url, headers=request.headers, json=sent.body)
            for sent in request.sent
        ]
        for operation, request in requests.items()
    }


def _refused(answers: Mapping[str, list[httpx.Response]]) -> dict[str, list[str]]:
    refused = {
        op: [a.text for a in answered if a.status_code >= 300] for op, answered in answers.items()
    }
    return {op: texts for op, texts in refused.items() if texts}


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


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A sandbox in process, every vendor's benchmark data made in its tenant, and the answers
    to one round of every operation (each variant once)."""

    client: TestClient
    parts: list[workload.Prepared]
    answers: dict[str, list[httpx.Response]]


@pytest.fixture(scope="module")
def prepared() -> Iterator[Prepared]:
    """Made once for the tests that read it (500 memos and invoices take seconds in process)."""
    with TestClient(create_app(None, validate_responses=True), base_url=BASE_URL) as client:
        parts = workload.prepare_tenant(client, BASE_URL, "bench")
        answers = _answered(client, workload.sandbox_requests(parts))
        yield Prepared(client, parts, answers)


def test_every_prepared_request_is_answered_and_prism_gets_the_same_paths(
    prepared: Prepared,
) -> None:
    requests = workload.sandbox_requests(prepared.parts)
    assert list(requests) == OPERATIONS
    assert _refused(prepared.answers) == {}
    roots = {part.vendor.name: f"http://prism-{part.vendor.name}:4010" for part in prepared.parts}
    prism = workload.prism_requests(roots, prepared.parts)
    mounts = {f"{BASE_URL}/{part.vendor.name}/": roots[part.vendor.name] for part in prepared.parts}
    expected = {
        operation: [_under_root(sent.url, mounts) for sent in request.sent]
        for operation, request in requests.items()
    }
    assert {op: [sent.url for sent in request.sent] for op, request in prism.items()} == expected
    assert prism["Kojo one query"].url == "http://prism-kojo:4010/graphql"


def _under_root(url: str, mounts: Mapping[str, str]) -> str:
    """``url``, under one of ``mounts``' keys, at the same path under that mount's root."""
    [(mount, root)] = [(mount, root) for mount, root in mounts.items() if url.startswith(mount)]
    return f"{root}/{url.removeprefix(mount)}"


def test_the_apply_goes_round_500_memos_each_crediting_an_invoice_of_its_own(
    prepared: Prepared,
) -> None:
    [dayzero] = [part for part in prepared.parts if part.vendor.name == "dayzero"]
    apply = dayzero.requests["DayZero apply"]
    memos = [sent.url.split("/credit-memos/")[1].removesuffix("/apply") for sent in apply.sent]
    invoices = {sent.body["invoice_id"] for sent in apply.sent}
    assert len(set(memos)) == len(invoices) == len(apply.sent) == 500
    # one round of the apply has given every memo one application
    for memo in memos[::50]:
        read = prepared.client.get(
            f"{dayzero.mount_url}/api/v1/credit-memos/{memo}", headers=apply.headers
        )
        assert [a["amount_applied"] for a in read.json()["applications"]] == [1]


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


@pytest.mark.parametrize(("applied_at_most", "issued"), [(500, 8), (3, 3)])
def test_a_scaling_workload_fills_a_tenant_that_answers_every_measured_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, applied_at_most: int, issued: int
) -> None:
    monkeypatch.setattr(dayzero, "APPLIED_MEMOS", applied_at_most)
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
    # 7 memos beside the template's, issued up to the limit, drafts after; the apply goes
    # round the issued ones, each once in a round
    [listed] = answered["DayZero list memos (limit 50)"]
    statuses = sorted(memo["status"] for memo in listed.json()["items"])
    assert statuses == ["draft"] * (8 - issued) + ["issued"] * issued
    [read] = answered["DayZero get memo"]
    assert read.json()["id"] == ids["memo"]
    assert len(answered["DayZero apply"]) == len(set(ids["applied_memos"])) == issued
