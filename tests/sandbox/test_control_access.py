"""The control API is guarded by an admin token off loopback; vendor credentials never open it.

Every operation of the control spec is called: without a token, with a wrong one, and with each
vendor's demo credential as the bearer token. Only the admin token opens them; the console page,
its assets, the docs page and ``/health`` stay open because they hold no tenant data.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml
from starlette.testclient import TestClient

from sandbox.app import _parsed_spec, create_app
from tests.sandbox.control_api.test_fixtures import SAMPLE
from tests.support.clients import COUNT_DEMO, DEMO_TOKEN, KOJO_DEMO, SOLVIMON_KEY, kojo_token
from tests.support.figures import record
from tests.support.processes import CREDITBOX, free_port, serving, wait_until_healthy

ADMIN_TOKEN = "admin-token-for-tests-0123456789"
OPEN_PATHS = {"/", "/assets/graphiql/{name}", "/health"}
METHODS = ("get", "post", "put", "patch", "delete")
GENERATED = re.compile(r"admin token \(generated\): (\S+)")


def guarded_operations() -> list[tuple[str, str]]:
    """Every control operation but the open ones, with ids filled in (``demo`` for tenants)."""
    found = []
    for path, item in _parsed_spec("control.yaml")["paths"].items():
        for method in METHODS:
            if method in item and path not in OPEN_PATHS:
                url = re.sub(r"\{tenant_id\}", "demo", path)
                found.append((method.upper(), "/_sandbox" + re.sub(r"\{\w+\}", "x", url)))
    return found


@pytest.fixture(scope="module")
def guarded() -> Iterator[TestClient]:
    with TestClient(create_app(None, validate_responses=True, admin_token=ADMIN_TOKEN)) as client:
        yield client


def vendor_bearers(client: TestClient) -> dict[str, str]:
    """Each vendor's working demo credential, to send as if it were the admin token."""
    return {
        "dayzero token": DEMO_TOKEN,
        "count access token": COUNT_DEMO["access_token"],
        "count client secret": COUNT_DEMO["client_secret"],
        "solvimon api key": SOLVIMON_KEY,
        "kojo access token": kojo_token(client),
    }


def assert_refused(response: httpx.Response) -> None:
    assert response.status_code == 401, (response.request.url, response.text)
    assert response.json()["detail"].startswith("The control API needs this sandbox's admin token")
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path"), guarded_operations())
def test_every_control_operation_refuses_a_missing_or_wrong_token(
    guarded: TestClient, method: str, path: str
) -> None:
    attempts = [{}, {"Authorization": "Bearer not-the-token"}, {"Authorization": ADMIN_TOKEN}]
    attempts += [{"Authorization": f"Bearer {ADMIN_TOKEN}x"}, {"Authorization": "Basic YTpi"}]
    attempts += [{"Authorization": f"Bearer {value}"} for value in vendor_bearers(guarded).values()]
    for headers in attempts:
        assert_refused(guarded.request(method, path, headers=headers, json={}))
    record("control_api", refused_requests=len(attempts))


def test_the_admin_token_opens_the_control_api(guarded: TestClient) -> None:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    tenants = guarded.get("/_sandbox/tenants", headers=headers)
    assert tenants.status_code == 200
    assert "demo" in {tenant["id"] for tenant in tenants.json()["items"]}
    created = guarded.post("/_sandbox/tenants", headers=headers, json={"id": "by-admin"})
    assert created.status_code == 201
    assert guarded.post("/_sandbox/tenants/by-admin/reset", headers=headers).status_code == 200


def test_a_fixture_loads_through_a_guarded_control_api(guarded: TestClient) -> None:
    """Fixtures seed Solvimon and Kojo through the control API's own routes, in process."""
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    guarded.post("/_sandbox/tenants", headers=headers, json={"id": "seeded"})
    fixture = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    loaded = guarded.post("/_sandbox/tenants/seeded/fixtures", headers=headers, json=fixture)
    assert loaded.status_code == 201, loaded.text
    assert loaded.json()["created"]["solvimon.invoices"]
    assert loaded.json()["created"]["kojo.invoices"]


def test_a_refused_request_changes_nothing(guarded: TestClient) -> None:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    before = guarded.get("/_sandbox/tenants/demo/clock", headers=headers).json()["offset_seconds"]
    advanced = guarded.post("/_sandbox/tenants/demo/clock/advance", json={"days": 3})
    assert_refused(advanced)
    assert_refused(guarded.delete("/_sandbox/tenants/demo"))
    after = guarded.get("/_sandbox/tenants/demo/clock", headers=headers).json()["offset_seconds"]
    assert after == before
    assert guarded.get("/_sandbox/tenants/demo", headers=headers).status_code == 200


def test_pages_assets_and_health_stay_open(guarded: TestClient) -> None:
    assert guarded.get("/_sandbox/health").json()["status"] == "ok"
    assert "<html" in guarded.get("/_sandbox/").text.lower()
    assert guarded.get("/_sandbox/ui/").status_code == 200
    spec = guarded.get("/_sandbox/openapi.json").json()
    assert spec["components"]["securitySchemes"]["AdminToken"]["scheme"] == "bearer"
    asset = guarded.get("/_sandbox/assets/graphiql/graphiql.min.css")
    assert asset.status_code == 200 and asset.headers["content-type"].startswith("text/css")


def test_vendor_apis_need_no_admin_token(guarded: TestClient) -> None:
    answer = guarded.get("/solvimon/v1/invoices", headers={"X-API-KEY": SOLVIMON_KEY})
    assert answer.status_code == 200, answer.text
    assert "data" in answer.json()


def test_without_a_token_the_control_api_is_open_and_documents_no_scheme() -> None:
    with TestClient(create_app(None)) as client:
        assert client.get("/_sandbox/tenants").status_code == 200
        assert "securitySchemes" not in client.get("/_sandbox/openapi.json").json()["components"]


def test_serve_off_loopback_generates_and_prints_a_token(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [CREDITBOX, "serve", "--host", "0.0.0.0", "--port", str(port), "--in-memory"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={key: value for key, value in os.environ.items() if key != "CREDITBOX_ADMIN_TOKEN"},
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base_url, process)  # type: ignore[arg-type]
        assert process.stdout is not None
        printed = ""
        while not (found := GENERATED.search(printed)):
            line = process.stdout.readline()
            assert line, printed
            printed += line
        token = found.group(1)
        assert len(token) >= 16
        assert httpx.get(f"{base_url}/_sandbox/tenants").status_code == 401
        with_token = httpx.get(
            f"{base_url}/_sandbox/tenants", headers={"Authorization": f"Bearer {token}"}
        )
        assert with_token.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_on_loopback_is_open_unless_a_token_is_given() -> None:
    with serving(("--in-memory",)) as base_url:
        assert httpx.get(f"{base_url}/_sandbox/tenants").status_code == 200
    with serving(("--in-memory", "--admin-token", ADMIN_TOKEN)) as base_url:
        assert httpx.get(f"{base_url}/_sandbox/tenants").status_code == 401
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        assert httpx.get(f"{base_url}/_sandbox/tenants", headers=headers).status_code == 200


def test_serve_refuses_a_weak_admin_token() -> None:
    result = subprocess.run(
        [CREDITBOX, "serve", "--in-memory", "--admin-token", "short"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "at least 16 printable ASCII characters" in result.stderr


def test_the_command_line_tools_send_the_admin_token(tmp_path: Path) -> None:
    with serving(("--in-memory", "--admin-token", ADMIN_TOKEN)) as base_url:
        bare = subprocess.run(
            [CREDITBOX, "clock", "--url", base_url], capture_output=True, text=True, timeout=60
        )
        assert bare.returncode == 1
        assert "refused (401)" in bare.stderr
        given = subprocess.run(
            [CREDITBOX, "clock", "--url", base_url, "--admin-token", ADMIN_TOKEN],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert given.returncode == 0, given.stderr
        assert "tenant demo:" in given.stdout


def test_the_contract_harness_seeds_through_a_guarded_control_api(tmp_path: Path) -> None:
    """Kojo's rules seed credit memos through the control API: with ``--admin-token`` they
    run; without it they skip and say what would let them run."""
    with serving(("--in-memory", "--admin-token", ADMIN_TOKEN)) as base_url:
        args = [
            *("contracts", "--api", "kojo", "--base-url", f"{base_url}/kojo"),
            *("--client-id", KOJO_DEMO["client_id"], "--client-secret", KOJO_DEMO["client_secret"]),
            *("--layers", "rules", "--allow-writes", "--rate-limit", "0"),
            *("--report-dir", str(tmp_path)),
        ]
        without = subprocess.run([CREDITBOX, *args], capture_output=True, text=True, timeout=120)
        with_token = subprocess.run(
            [CREDITBOX, *args, "--admin-token", ADMIN_TOKEN],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert "SKIP     KJ-MEMO-ARITHMETIC" in without.stdout, without.stdout
    assert "--admin-token if it has one" in without.stdout
    assert with_token.returncode == 0, with_token.stdout
    assert "PASS     KJ-MEMO-ARITHMETIC" in with_token.stdout, with_token.stdout
