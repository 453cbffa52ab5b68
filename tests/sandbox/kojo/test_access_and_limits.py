"""Kojo access and limits: OAuth tokens (valid 3600 s), Kojo's error body, malformed queries,
the depth limit, the size of an answer (entities and fields), and tenants that never see each
other's data."""

from __future__ import annotations

import base64
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from contracts.vendors.kojo.client import KojoClient
from sandbox.embedded import EmbeddedSandbox
from tests.support.clients import KOJO_DEMO, kojo_client, new_tenant

QUERY = {"query": "{ creditMemos { id } }"}


def test_the_token_endpoint_answers_client_credentials(client: TestClient) -> None:
    response = client.post(
        "/kojo/oauth2/token", data={"grant_type": "client_credentials", **KOJO_DEMO}
    )
    body = response.json()
    assert (response.status_code, body["token_type"], body["expires_in"]) == (200, "bearer", 3600)
    basic = base64.b64encode(
        f"{KOJO_DEMO['client_id']}:{KOJO_DEMO['client_secret']}".encode()
    ).decode()
    with_basic = client.post(
        "/kojo/oauth2/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert with_basic.status_code == 200


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        (
            {
                "grant_type": "client_credentials",
                "client_id": KOJO_DEMO["client_id"],
                "client_secret": "x",
            },
            401,
            "invalid_client",
        ),
        (
            {"grant_type": "client_credentials", "client_id": KOJO_DEMO["client_id"]},
            400,
            "invalid_request",
        ),
        ({"grant_type": "password", **KOJO_DEMO}, 400, "invalid_request"),
    ],
)
def test_the_token_endpoint_refuses_in_oauths_words(
    client: TestClient, form: dict[str, str], status: int, error: str
) -> None:
    response = client.post("/kojo/oauth2/token", data=form)
    assert (response.status_code, response.json()["error"]) == (status, error)


def test_queries_need_a_valid_token_and_are_refused_with_http_200(client: TestClient) -> None:
    """Kojo: "GraphQL APIs will always return HTTP code 200. Check for the existence of the
    errors key" (https://docs.kojo.tech/docs/standards/errors)."""
    for headers in (
        {},
        {"Authorization": "Bearer kj_forged.0000"},
        {"Authorization": "Basic eA=="},
    ):
        response = client.post("/kojo/graphql", json=QUERY, headers=headers)
        assert response.status_code == 200, headers
        assert "data" not in response.json()
        [error] = response.json()["errors"]
        assert set(error) >= {"message", "requestId"}
        assert error["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_malformed_query_gets_kojos_error_body(kojo: KojoClient) -> None:
    for query in (
        "{ creditMemos(limit: 1 { id } }",
        "{ creditMemos { nope } }",
        "{ creditMemo { id } }",
    ):
        [error] = kojo.errors(query)
        assert error["requestId"].startswith("req_") and error["message"], query
        assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_a_body_that_is_not_a_graphql_request_gets_errors_with_http_200(
    kojo: KojoClient, client: TestClient
) -> None:
    for body in ({"variables": {}}, {"query": 5}):
        response = client.post("/kojo/graphql", json=body, headers=kojo.headers)
        assert response.status_code == 200
        [error] = response.json()["errors"]
        assert error["requestId"] and error["extensions"]["code"] == "BAD_REQUEST"
    response = client.post(
        "/kojo/graphql", content=b"{", headers={**kojo.headers, "content-type": "application/json"}
    )
    assert response.status_code == 200 and response.json()["errors"]


def _forged(claims: str) -> str:
    return "kj_" + base64.urlsafe_b64encode(claims.encode()).decode().rstrip("=") + ".x"


@pytest.mark.parametrize(
    "claims",
    ['{"t": "demo", "e": Infinity}', '{"t": "demo", "e": 1e400}', '{"t": "demo", "e": -Infinity}',
     "[" * 5000, '{"t": "demo", "e": true}', '{"t": "demo", "e": 1.5}'],
    ids=["infinity", "huge", "minus-infinity", "deep", "boolean", "fraction"],
)  # fmt: skip
def test_a_forged_token_of_any_claims_is_unauthenticated(client: TestClient, claims: str) -> None:
    """Its claims are read before its signature can be checked (they name the tenant whose
    secret signs them): claims no genuine token has are refused like any forgery (they were
    a 500 with no body)."""
    headers = {"Authorization": f"Bearer {_forged(claims)}"}
    response = client.post("/kojo/graphql", json=QUERY, headers=headers)
    assert response.status_code == 200, response.text
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"


def test_too_deep_a_query_is_refused(kojo: KojoClient) -> None:
    nested = "id"
    for _ in range(5):
        nested = f"creditMemoItems {{ creditMemo {{ {nested} }} }}"
    [error] = kojo.errors(f"{{ creditMemos {{ {nested} }} }}")
    assert error["message"] == "Query depth 12 exceeds the limit of 8"


ALIASES = " ".join(f"a{n}: id" for n in range(600))


def test_a_field_asked_for_over_and_over_under_aliases_is_refused_by_the_answers_size(
    kojo: KojoClient,
) -> None:
    """600 aliases of one field on 5 memos is 3,000 fields, past the budget of 100 entities with
    every field of the widest type (2,904); on 4 memos it is 2,400, and served. What counts is
    the answer the tenant's data gives, not what the list's limit might give."""
    assert kojo.data(f"{{ creditMemos {{ {ALIASES} }} }}") == {"creditMemos": []}
    invoice = kojo.seed_invoice((100, 1.0))
    for _ in range(5):
        kojo.seed_memo(invoice, (0, 1))
    refused = kojo.post(f"{{ creditMemos {{ {ALIASES} }} }}")
    assert refused.status_code == 200 and "data" not in refused.json()
    [error] = refused.json()["errors"]
    assert error["message"].startswith("The query returns more than 2904 fields")
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    served = kojo.data(f"{{ creditMemos(limit: 4) {{ {ALIASES} }} }}")["creditMemos"]
    assert len(served) == 4 and len(served[0]) == 600
    # introspection (__typename) is not counted: it is not one of the type's fields
    typenames = " ".join(f"t{n}: __typename" for n in range(600))
    assert len(kojo.data(f"{{ creditMemos {{ id {typenames} }} }}")["creditMemos"]) == 5


def test_a_query_of_every_field_on_nested_lists_is_served_when_the_data_is_small(
    kojo: KojoClient,
) -> None:
    """Kojo documents one size limit, 100 entities. A query that selects every field at three
    levels of lists could return far more if the lists were full; on one invoice of two items it
    returns a handful of entities, and Kojo would serve it, so the sandbox does too."""
    invoice = kojo.seed_invoice((1, 2.0), (3, 4.0))
    kojo.seed_memo(invoice, (0, 1))
    item = "id createdAt updatedAt lineNumber quantity unitPriceFloat extPriceFloat"
    query = (
        "{ invoices(limit: 100) { id title invoiceNumber totalDue subtotal "
        f"invoiceItems {{ {item} invoice {{ id invoiceItems {{ {item} }} }} }}"
        " creditMemos { id creditMemoItems { id quantity invoiceItem { id } } } } }"
    )
    [found] = kojo.data(query)["invoices"]
    assert [item["quantity"] for item in found["invoiceItems"]] == [1, 3]
    assert len(found["invoiceItems"][1]["invoice"]["invoiceItems"]) == 2
    assert found["creditMemos"][0]["creditMemoItems"][0]["quantity"] == 1


def test_the_same_query_text_is_judged_afresh_by_each_requests_variables(kojo: KojoClient) -> None:
    """Validation is remembered per query text; the answer's size, which reads variables and
    data, is counted on every request."""
    invoice = kojo.seed_invoice((100, 1.0))
    for _ in range(5):
        kojo.seed_memo(invoice, (0, 1))
    query = f"query($n: Int) {{ creditMemos(limit: $n) {{ {ALIASES} }} }}"
    for _ in range(2):
        assert len(kojo.data(query, {"n": 4})["creditMemos"]) == 4
        [error] = kojo.errors(query, {"n": 5})
        assert error["message"].startswith("The query returns more than 2904 fields")
    for _ in range(2):  # a refused text stays refused, with the same error
        [error] = kojo.errors("{ creditMemos { nope } }")
        assert error["message"] == "Cannot query field 'nope' on type 'CreditMemo'."
        assert error["locations"] == [{"line": 1, "column": 17}]


def test_fragments_that_each_spread_the_next_twice_are_judged_at_once(kojo: KojoClient) -> None:
    """Forty fragments, each spreading the next twice: a walk of every path through them is
    2**40 steps. The depth limit measures each fragment once, so the query is answered (it
    stalled the sandbox for every tenant, 40 s of CPU for 22 fragments)."""
    chain = " ".join(
        f"fragment F{n} on CreditMemo {{ id ...F{n + 1} ...F{n + 1} }}" for n in range(40)
    )
    query = f"{{ creditMemos(limit: 1) {{ ...F0 }} }} {chain} fragment F40 on CreditMemo {{ id }}"
    answered: list[Any] = []
    worker = threading.Thread(target=lambda: answered.append(kojo.data(query)), daemon=True)
    worker.start()
    worker.join(timeout=120)  # a hang guard, not a speed target
    assert answered and "creditMemos" in answered[0]


def test_introspection_is_not_limited_by_depth(kojo: KojoClient) -> None:
    found = kojo.data(
        "{ __schema { queryType { fields { name args { name type { name ofType { name } } } } } } }"
    )
    names = {field["name"] for field in found["__schema"]["queryType"]["fields"]}
    assert names == {"creditMemo", "creditMemos", "invoice", "invoices"}


def test_another_tenant_sees_none_of_it(kojo: KojoClient, client: TestClient) -> None:
    invoice = kojo.seed_invoice((1, 1.0))
    memo = kojo.seed_memo(invoice, (0, 1))
    other = new_tenant(client, name="other")
    credentials = {k: v for k, v in other["credentials"]["kojo"].items() if k != "base_url"}
    stranger = kojo_client(client, credentials)
    assert stranger.data("{ creditMemos { id } invoices { id } }") == {
        "creditMemos": [],
        "invoices": [],
    }
    assert stranger.data(f'{{ creditMemo(id: "{memo["id"]}") {{ id }} }}') == {"creditMemo": None}


def test_the_explorer_is_served_on_get(client: TestClient) -> None:
    response = client.get("/kojo/graphql")
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()


def test_a_legacy_api_key_is_a_bearer_token_that_never_expires(client: TestClient) -> None:
    key = client.get("/_sandbox/tenants/demo").json()["credentials"]["kojo"]["api_key"]
    headers = {"Authorization": f"Bearer {key}"}
    assert "errors" not in client.post("/kojo/graphql", json=QUERY, headers=headers).json()
    client.post("/_sandbox/tenants/demo/clock/advance", json={"days": 400})
    later = client.post("/kojo/graphql", json=QUERY, headers=headers)
    assert later.status_code == 200 and "errors" not in later.json(), later.text
    wrong = client.post("/kojo/graphql", json=QUERY, headers={"Authorization": "Bearer kjk_nope"})
    assert wrong.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_result_of_more_than_100_entities_is_refused_with_a_hint_to_page(
    kojo: KojoClient,
) -> None:
    """Kojo's api-limits page: "a maximum of 100 entities (anything with an id field) at a time"."""
    kojo.seed_invoice(*[(1, 1.0)] * 120)
    too_many = kojo.post("{ invoices { id invoiceItems { id } } }")
    assert too_many.status_code == 200 and "data" not in too_many.json()
    [error] = too_many.json()["errors"]
    assert error["message"].startswith("The query returns more than 100 entities")
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    # an entity counts whether or not its id is selected
    assert kojo.post("{ invoices { invoiceItems { lineNumber } } }").json()["errors"]
    # entities behind fragments count; a list under @skip(if: true) does not
    spread = "{ invoices { ...Items } } fragment Items on Invoice { invoiceItems { id } }"
    assert kojo.post(spread).json()["errors"]
    assert kojo.data("{ invoices { id invoiceItems @skip(if: true) { id } } }")["invoices"]
    smaller = kojo.seed_invoice(*[(1, 1.0)] * 50)
    query = "query ($id: ID!) { invoice(id: $id) { id invoiceItems { id } } }"
    assert len(kojo.data(query, {"id": smaller["id"]})["invoice"]["invoiceItems"]) == 50


HOSTILE = (
    "{ invoices(limit: 100) { invoiceItems { id description quantity unitPriceFloat "
    "invoice { invoiceItems { id } } } } }"
)


def test_a_query_of_a_million_values_is_refused_before_it_runs_and_other_tenants_are_served(
    tmp_path: Path,
) -> None:
    """30 invoices of 200 items: the query above would return 30 x 200 x 200 items. It is refused
    as soon as its 101st entity is counted, so it costs about what a one-invoice query costs (a
    ratio against that reference, both the fastest of a few, measured in the same run while
    another tenant keeps querying), and that tenant's queries, before, during and after, are all
    answered."""
    with (
        EmbeddedSandbox(tmp_path) as served,
        httpx.Client(base_url=served.base_url, timeout=120) as http,
        httpx.Client(base_url=served.base_url, timeout=120) as other_http,
    ):
        created = new_tenant(http, id="big")["credentials"]
        big = kojo_client(http, {k: created["kojo"][k] for k in KOJO_DEMO}, tenant="big")
        for _ in range(30):
            big.seed_invoice(*[(1, 1.0)] * 200)
        demo = kojo_client(other_http)

        def seconds(query: str) -> tuple[float, Any]:
            started = time.perf_counter()
            response = big.post(query)
            return time.perf_counter() - started, response

        done = threading.Event()
        answered: list[Any] = []

        def other_tenant() -> None:
            while not done.is_set():
                answered.append(demo.post("{ invoices(limit: 5) { id } }"))

        with ThreadPoolExecutor(max_workers=1) as pool:
            querying = pool.submit(other_tenant)
            while not answered:
                time.sleep(0.001)
            reference = min(seconds("{ invoices(limit: 1) { id } }")[0] for _ in range(5))
            refusals = [seconds(HOSTILE) for _ in range(3)]
            done.set()
            querying.result()
        for _, refused in refusals:
            assert refused.status_code == 200 and "data" not in refused.json()
            [error] = refused.json()["errors"]
            assert error["message"].startswith("The query returns more than 100 entities")
            assert set(error) == {"message", "requestId", "extensions"}
        assert len(answered) >= 2
        assert all(r.status_code == 200 and "errors" not in r.json() for r in answered)
        took = min(took for took, _ in refusals)
        assert took < 20 * reference, (
            f"refused in {took:.3f} s; a one-invoice query takes {reference:.3f} s"
        )
