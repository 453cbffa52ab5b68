"""The specs work in the client generator integrators reach for: openapi-python-client generates a
client from each OpenAPI spec as shipped, the client compiles, and it drives a realistic flow
against a served sandbox (create, apply or credit, read back both sides, every refusal the flow
provokes, then the faults, limits and auth refusals the specs declare).

Every client is built with ``raise_on_unexpected_status=True``: a status the spec does not declare
raises, and a body its model cannot read fails ``from_dict``, so each call below proves that the
spec describes what the sandbox answers."""

from __future__ import annotations

import base64
import compileall
import enum
import importlib
import subprocess
import sys
import typing
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType, UnionType
from typing import Any

import pytest

from contracts.vendors.solvimon.client import line_credit
from sandbox.embedded import EmbeddedSandbox
from sandbox.vendors import BUILT_IN
from specs import spec_path
from tests.support.clients import count_signer, one_period

GENERATOR = str(Path(sys.executable).parent / "openapi-python-client")
SPECS = ("dayzero.yaml", "count.yaml", "solvimon.yaml", "kojo.yaml", "control.yaml")


def test_a_client_is_generated_for_every_built_in_vendor() -> None:
    assert sorted(SPECS) == sorted([vendor.spec for vendor in BUILT_IN] + ["control.yaml"])


ADMIN_TOKEN = "generated-client-admin-token"
# Solvimon's schema lets these amounts be null (NullableAmount)
NULLABLE_AMOUNTS = (
    "invoice_amount_including_tax",
    "open_invoice_amount",
    "closed_invoice_amount",
    "paid_invoice_amount",
)


class Generated:
    """A client generated from one spec and imported: its operations called by operationId."""

    def __init__(self, spec: str, root: Path) -> None:
        done = subprocess.run(
            [GENERATOR, "generate", "--path", str(spec_path(spec)), "--output-path", str(root)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        self.root = root
        [self.package_dir] = [p for p in root.iterdir() if (p / "__init__.py").exists()]
        self.package: Any = None
        # operation module → the tag folder the generator put it in
        self.folders = {
            module.stem: module.parent.name for module in self.package_dir.glob("api/*/*.py")
        }

    def load(self) -> None:
        self.package = importlib.import_module(self.package_dir.name)

    def client(self, base_url: str, token: str | None = None, **kwargs: Any) -> Any:
        if token is not None:
            return self.package.AuthenticatedClient(
                base_url=base_url, token=token, raise_on_unexpected_status=True, **kwargs
            )
        return self.package.Client(base_url=base_url, raise_on_unexpected_status=True, **kwargs)

    def operation(self, operation_id: str) -> ModuleType:
        """The module of an operation, whatever tag folder the generator put it in."""
        name = operation_id.replace(".", "_")
        return importlib.import_module(f"{self.package_dir.name}.api.{self.folders[name]}.{name}")

    def call(self, client: Any, operation_id: str, **arguments: Any) -> Any:
        """``sync_detailed`` with plain values turned into the generated types it takes."""
        function = self.operation(operation_id).sync_detailed
        hints = typing.get_type_hints(function)
        typed = {name: _typed(hints[name], value) for name, value in arguments.items()}
        return function(client=client, **typed)

    def caller(self, client: Any, **fixed: Any) -> Callable[..., Any]:
        """``call`` with ``client`` and the ``fixed`` arguments every call of a flow passes."""
        return lambda operation_id, **arguments: self.call(
            client, operation_id, **fixed, **arguments
        )


def _typed(hint: Any, value: Any) -> Any:
    """A dict as the generated model, a string as the generated enum or a UUID, where the
    parameter's type asks for one."""
    options = typing.get_args(hint) if isinstance(hint, UnionType) else (hint,)
    for option in options:
        if isinstance(value, dict) and hasattr(option, "from_dict"):
            return option.from_dict(value)
        if isinstance(value, str) and isinstance(option, type) and issubclass(option, enum.Enum):
            return option(value)
        if isinstance(value, str) and option is uuid.UUID:
            return uuid.UUID(value)
    return value


def parsed(response: Any, status: int, model: str) -> Any:
    """The response has ``status`` and was read into the generated model ``model``."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert type(response.parsed).__name__ == model, (type(response.parsed), response.content[:300])
    return response.parsed


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Generated]]:
    root = tmp_path_factory.mktemp("clients")
    clients = {spec: Generated(spec, root / spec.removesuffix(".yaml")) for spec in SPECS}
    paths = [str(client.root) for client in clients.values()]
    sys.path[:0] = paths
    try:
        for client in clients.values():
            client.load()
        yield clients
    finally:
        for path in paths:
            sys.path.remove(path)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedSandbox]:
    with EmbeddedSandbox(tmp_path_factory.mktemp("data")) as served:
        yield served


class Control:
    """The generated control client: a tenant of its own for each flow, and its faults."""

    def __init__(self, generated: Generated, base_url: str) -> None:
        self.generated = generated
        self.client = generated.client(f"{base_url}/_sandbox")

    def call(self, operation: str, **arguments: Any) -> Any:
        return self.generated.call(self.client, f"sandbox.control.{operation}", **arguments)

    def tenant(self) -> tuple[str, dict[str, Any]]:
        created = parsed(self.call("create_tenant", body={}), 201, "Tenant")
        return created.id, created.credentials.to_dict()

    def faults(self, tenant: str, **faults: Any) -> None:
        parsed(self.call("set_faults", tenant_id=tenant, body=faults), 200, "Faults")


@pytest.fixture(scope="module")
def control(generated: dict[str, Generated], sandbox: EmbeddedSandbox) -> Control:
    return Control(generated["control.yaml"], sandbox.base_url)


@pytest.mark.parametrize("spec", SPECS)
def test_a_generated_client_compiles(spec: str, generated: dict[str, Generated]) -> None:
    root = generated[spec].root
    assert compileall.compile_dir(str(root), quiet=1), f"the {spec} client does not compile"


def fault_statuses(
    control: Control, tenant: str, vendor: str, send: Any, error_model: str, status: int
) -> None:
    """A fault of ``status``, then a rate limit of one request a minute: both read as the
    vendor's error body."""
    control.faults(tenant, rules=[{"vendor": vendor, "error_rate": 1.0, "error_status": status}])
    parsed(send(), status, error_model)
    control.faults(tenant, rate_limits=[{"vendor": vendor, "limit": 1, "window_seconds": 60}])
    send()
    parsed(send(), 429, error_model)
    control.faults(tenant)


def test_dayzero_memo_applied_to_an_invoice_through_a_generated_client(
    generated: dict[str, Generated], sandbox: EmbeddedSandbox, control: Control
) -> None:
    dayzero = generated["dayzero.yaml"]
    tenant, credentials = control.tenant()
    client = dayzero.client(f"{sandbox.base_url}/dayzero", token=credentials["dayzero"]["token"])
    call = dayzero.caller(client, x_business_id=credentials["dayzero"]["business_id"])

    customer = parsed(
        call("create_customer_api_v1_customers_post", body={"name": "Acme"}),
        201,
        "CustomerResponse",
    ).id
    line = {"description": "Work", "quantity": 1, "unit_price": 10_000}
    body = {"customer_id": customer, "line_items": [line]}
    invoice = parsed(call("create_invoice_api_v1_invoices_post", body=body), 201, "InvoiceResponse")
    finalize = "finalize_invoice_api_v1_invoices_invoice_id_finalize_post"
    parsed(call(finalize, invoice_id=invoice.id), 201, "InvoiceResponse")
    memo_body = {"customer_id": customer, "amount_cents": 3_000, "reason": "pricing_error"}
    memo = parsed(
        call("create_credit_memo_api_v1_credit_memos_post", body=memo_body),
        201,
        "CreditMemoResponse",
    )
    issue = "issue_credit_memo_api_v1_credit_memos_credit_memo_id_issue_post"
    parsed(call(issue, credit_memo_id=memo.id), 201, "CreditMemoResponse")
    apply = "apply_credit_memo_api_v1_credit_memos_credit_memo_id_apply_post"
    applied = call(
        apply, credit_memo_id=memo.id, body={"invoice_id": invoice.id, "amount_cents": 2_000}
    )
    parsed(applied, 201, "CreditMemoApplicationResponse")

    get_memo = "get_credit_memo_api_v1_credit_memos_credit_memo_id_get"
    after = parsed(call(get_memo, credit_memo_id=memo.id), 200, "CreditMemoResponse")
    assert (after.amount_applied, after.amount_remaining) == (2_000, 1_000)
    get_invoice = "get_invoice_api_v1_invoices_invoice_id_get"
    credited = parsed(call(get_invoice, invoice_id=invoice.id), 200, "InvoiceResponse")
    assert credited.amount_credited == 2_000

    # the refusals the flow provokes, each in DayZero's own body
    too_much = {"invoice_id": invoice.id, "amount_cents": 5_000}
    parsed(call(apply, credit_memo_id=memo.id, body=too_much), 400, "HTTPError")
    parsed(call(get_memo, credit_memo_id=str(uuid.uuid4())), 404, "HTTPError")
    negative = {"customer_id": customer, "amount_cents": -1}
    create = "create_credit_memo_api_v1_credit_memos_post"
    parsed(call(create, body=negative), 422, "HTTPValidationError")
    stranger = dayzero.call(
        client, get_memo, credit_memo_id=memo.id, x_business_id=str(uuid.uuid4())
    )
    parsed(stranger, 403, "HTTPError")
    wrong_token = dayzero.client(f"{sandbox.base_url}/dayzero", token="dz_wrong")
    parsed(dayzero.call(wrong_token, get_memo, credit_memo_id=memo.id), 401, "HTTPError")
    huge = {**memo_body, "description": "x" * (2 * 1024 * 1024)}
    parsed(call(create, body=huge), 413, "HTTPError")
    fault_statuses(
        control, tenant, "dayzero", lambda: call(get_memo, credit_memo_id=memo.id), "HTTPError", 503
    )


def test_count_memo_applied_to_an_invoice_through_a_generated_client(
    generated: dict[str, Generated], sandbox: EmbeddedSandbox, control: Control
) -> None:
    count = generated["count.yaml"]
    tenant, credentials = control.tenant()
    auth = count_signer(credentials["count"])
    client = count.client(f"{sandbox.base_url}/count", httpx_args={"auth": auth})
    call = count.caller(client)

    email = f"{uuid.uuid4().hex}@acme.example"
    customer = parsed(
        call("create_customer", body={"customer": "Acme", "email": email}), 201, "Customer"
    )
    product_body = {"name": "Hour", "unitPrice": 1}
    product = parsed(call("create_product", body=product_body), 201, "Product")

    def approved(kind: str, amount: float) -> Any:
        line = {"productUuid": product.id, "quantity": 1, "unitPrice": amount}
        body = {
            "invoiceType": kind,
            "customerUuid": customer.id,
            "date": "2026-03-01",
            "products": [line],
        }
        created = parsed(call("create_invoice", body=body), 201, "Invoice")
        return parsed(call("approve_invoice", uuid=created.id), 200, "Invoice")

    invoice, memo = approved("invoice", 100), approved("memo", 30)
    credit = {"creditMemos": [{"id": memo.id, "amount": 10}]}
    after = parsed(
        call("apply_multiple_credit_to_invoice", uuid=invoice.id, body=credit), 200, "Invoice"
    )
    assert after.open_balance == 90
    memo_after = parsed(call("get_invoice", uuid=memo.id), 200, "Invoice")
    assert memo_after.remaining_credit == 20

    too_much = {"creditMemos": [{"id": memo.id, "amount": 50}]}
    parsed(call("apply_multiple_credit_to_invoice", uuid=invoice.id, body=too_much), 400, "Error")
    parsed(call("get_invoice", uuid=str(uuid.uuid4())), 404, "Error")
    parsed(call("create_customer", body={"customer": "Again", "email": email}), 409, "Error")
    unsigned = count.client(f"{sandbox.base_url}/count")
    parsed(count.call(unsigned, "get_invoice", uuid=invoice.id), 401, "Error")
    huge = {"customer": "x" * (2 * 1024 * 1024), "email": "big@acme.example"}
    parsed(call("create_customer", body=huge), 413, "Error")
    fault_statuses(
        control, tenant, "count", lambda: call("get_invoice", uuid=invoice.id), "Error", 504
    )


def test_solvimon_invoice_credited_through_a_generated_client(
    generated: dict[str, Generated], sandbox: EmbeddedSandbox, control: Control
) -> None:
    solvimon = generated["solvimon.yaml"]
    tenant, credentials = control.tenant()
    key = credentials["solvimon"]["api_key"]
    client = solvimon.client(f"{sandbox.base_url}/solvimon", headers={"X-API-KEY": key})
    call = solvimon.caller(client, version="1")

    seed = {"periods": one_period("100.00", "50.00")}
    seeded = control.call("seed_solvimon_invoice", tenant_id=tenant, body=seed)
    assert seeded.status_code == 201, seeded.content
    original = seeded.parsed.to_dict()["id"]
    credit = call("credit_invoice", resource_id=original, body=line_credit(1, 1, 1, "20.00"))
    credit_invoice = parsed(credit, 200, "Invoice")
    assert (credit_invoice.type_, credit_invoice.status) == ("CREDIT", "DRAFT")
    assert [link.id for link in credit_invoice.linked_invoices] == [original]
    page = parsed(call("list_invoices"), 200, "InvoicePage")
    assert {invoice.id for invoice in page.data} == {original, credit_invoice.id}
    read = parsed(call("get_invoice", resource_id=credit_invoice.id), 200, "Invoice")
    # the generated model reads null amounts as None, as Solvimon's schema allows them
    nulls = type(read).from_dict({**read.to_dict(), **dict.fromkeys(NULLABLE_AMOUNTS)})
    assert [getattr(nulls, field) for field in NULLABLE_AMOUNTS] == [None] * 4

    too_much = line_credit(1, 1, 1, "500.00")
    refused = call("credit_invoice", resource_id=original, body=too_much)
    assert refused.status_code in (400, 409, 422) and type(refused.parsed).__name__ == "ApiError"
    parsed(call("get_invoice", resource_id="invo_missing"), 404, "ApiError")
    wrong_key = solvimon.client(f"{sandbox.base_url}/solvimon", headers={"X-API-KEY": "nope"})
    parsed(
        solvimon.call(wrong_key, "get_invoice", version="1", resource_id=original), 401, "ApiError"
    )
    huge = {"note": "x" * (2 * 1024 * 1024)}
    parsed(call("credit_invoice", resource_id=original, body=huge), 413, "ApiError")
    fault_statuses(
        control,
        tenant,
        "solvimon",
        lambda: call("get_invoice", resource_id=original),
        "ApiError",
        502,
    )


def test_kojo_token_and_query_through_a_generated_client(
    generated: dict[str, Generated], sandbox: EmbeddedSandbox, control: Control
) -> None:
    kojo = generated["kojo.yaml"]
    tenant, credentials = control.tenant()
    plain = kojo.client(f"{sandbox.base_url}/kojo")
    form = {
        "grant_type": "client_credentials",
        "client_id": credentials["kojo"]["client_id"],
        "client_secret": credentials["kojo"]["client_secret"],
    }
    token = parsed(kojo.call(plain, "issue_token", body=form), 200, "IssueTokenResponse200")
    refused = kojo.call(plain, "issue_token", body={**form, "client_secret": "wrong"})
    parsed(refused, 401, "OAuthErrorBody")
    client = kojo.client(f"{sandbox.base_url}/kojo", token=token.access_token)

    def query(text: str) -> Any:
        return kojo.call(client, "run_query", body={"query": text})

    answer = parsed(query("{ invoices(limit: 5) { id totalDue } }"), 200, "GraphQLResponse")
    assert answer.to_dict()["data"] == {"invoices": []}
    parsed(query("{ nope }"), 200, "GraphQLResponse")
    parsed(query("{ invoices { id } }" + " " * (2 * 1024 * 1024)), 413, "Errors")
    # a token request with Basic credentials names its tenant, whose faults then apply
    basic = base64.b64encode(f"{form['client_id']}:{form['client_secret']}".encode()).decode()
    basic_client = kojo.client(
        f"{sandbox.base_url}/kojo", headers={"Authorization": f"Basic {basic}"}
    )
    grant = {"grant_type": "client_credentials"}
    control.faults(tenant, rules=[{"vendor": "kojo", "error_rate": 1.0, "error_status": 500}])
    parsed(query("{ invoices { id } }"), 500, "Errors")
    parsed(kojo.call(basic_client, "issue_token", body=grant), 500, "OAuthErrorBody")
    control.faults(tenant, rate_limits=[{"vendor": "kojo", "limit": 1, "window_seconds": 60}])
    query("{ invoices { id } }")
    parsed(query("{ invoices { id } }"), 429, "RateLimited")
    parsed(kojo.call(basic_client, "issue_token", body=grant), 429, "RateLimited")
    control.faults(tenant)


def test_the_control_api_through_a_generated_client(
    generated: dict[str, Generated], control: Control
) -> None:
    tenant, _ = control.tenant()
    parsed(control.call("get_tenant", tenant_id=tenant), 200, "Tenant")
    control.faults(tenant, rules=[{"vendor": "dayzero", "latency_ms": 10}])
    parsed(control.call("get_faults", tenant_id=tenant), 200, "Faults")
    parsed(control.call("clear_faults", tenant_id=tenant), 200, "Faults")
    bad_faults = {"rules": [{"error_rate": 2.0}]}
    parsed(control.call("set_faults", tenant_id=tenant, body=bad_faults), 400, "Error")
    parsed(control.call("get_tenant", tenant_id="no-such-tenant"), 404, "Error")
    assert control.call("delete_tenant", tenant_id=tenant).status_code == 204

    # a sandbox with an admin token asks for it; the shipped spec declares the 401
    controls = generated["control.yaml"]
    with EmbeddedSandbox(admin_token=ADMIN_TOKEN) as guarded:
        bare = controls.client(f"{guarded.base_url}/_sandbox")
        refused = controls.call(bare, "sandbox.control.list_tenants")
        parsed(refused, 401, "Error")
        admin = controls.client(f"{guarded.base_url}/_sandbox", token=ADMIN_TOKEN)
        listed = controls.call(admin, "sandbox.control.list_tenants")
        assert listed.status_code == 200, listed.content
