"""The specs work in the client generator integrators reach for: openapi-python-client generates
a client from each REST spec, the client compiles, and Solvimon's parses what the sandbox answers
(an invoice whose nullable enums are null among them, and one whose amounts are null)."""

from __future__ import annotations

import compileall
import importlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.embedded import EmbeddedSandbox
from specs import spec_path
from tests.support.solvimon_client import DEMO_KEY, one_period

GENERATOR = str(Path(sys.executable).parent / "openapi-python-client")
NULLABLE_AMOUNTS = (
    "invoice_amount_including_tax",
    "open_invoice_amount",
    "closed_invoice_amount",
    "paid_invoice_amount",
)


def _generate(spec: str, where: Path) -> Path:
    done = subprocess.run(
        [GENERATOR, "generate", "--path", str(spec_path(spec)), "--output-path", str(where)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return where


@pytest.mark.parametrize("spec", ["dayzero.yaml", "count.yaml", "solvimon.yaml"])
def test_a_generated_client_compiles(spec: str, tmp_path: Path) -> None:
    generated = _generate(spec, tmp_path / "client")
    assert compileall.compile_dir(str(generated), quiet=1), f"the {spec} client does not compile"


def test_the_generated_solvimon_client_parses_the_sandboxs_invoices(tmp_path: Path) -> None:
    generated = _generate("solvimon.yaml", tmp_path / "client")
    [package] = [p.name for p in generated.iterdir() if (p / "__init__.py").exists()]
    sys.path.insert(0, str(generated))
    try:
        client_module: Any = importlib.import_module(package)
        list_invoices: Any = importlib.import_module(f"{package}.api.invoices.list_invoices")
        get_invoice: Any = importlib.import_module(f"{package}.api.invoices.get_invoice")
        with EmbeddedSandbox() as sandbox:
            control = f"{sandbox.base_url}/_sandbox/tenants/demo/solvimon/invoices"
            body = {"status": "DRAFT", "periods": one_period("100.00")}
            seeded = httpx.post(control, json=body).json()
            client = client_module.Client(
                base_url=f"{sandbox.base_url}/solvimon",
                headers={"X-API-KEY": DEMO_KEY},
                raise_on_unexpected_status=True,
            )
            page = list_invoices.sync(client=client, version="1")
            one = get_invoice.sync(client=client, version="1", resource_id=seeded["id"])
        # Solvimon's schema lets the amounts be null: the client reads null as None
        invoice_type = type(one)
        nulls = {**one.to_dict(), **dict.fromkeys(NULLABLE_AMOUNTS)}
        read_back = invoice_type.from_dict(nulls)
    finally:
        sys.path.remove(str(generated))
    assert [invoice.id for invoice in page.data] == [seeded["id"]]
    assert (one.id, one.status) == (seeded["id"], "DRAFT")
    assert [getattr(read_back, field) for field in NULLABLE_AMOUNTS] == [None] * 4
