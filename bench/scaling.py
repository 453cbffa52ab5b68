"""How the sandbox's cost grows with its data: one tenant of 100 … 100,000 memos, and 1,000
tenants of 100 memos each.

Putting 100,000 memos in through the API would take as long as the thing being measured, so the
data is written as the store keeps it (the tenant's snapshot file, in TinyDB's layout, with no
log after it) while the server is stopped, from templates that a running sandbox created through
its API and exported through its control API.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import load, servers, workload
from bench.vendors import Tables, Tenant, dayzero

MEASURED = (dayzero.GET, dayzero.LIST, dayzero.CREATE, dayzero.APPLY)


@dataclass(frozen=True)
class Template:
    tables: Tables
    credentials: dict[str, Any]  # every vendor's, of the tenant the templates came from


def template(data_dir: Path) -> Template:
    """A customer, an open invoice and an issued memo, made through the API of a sandbox."""
    with servers.sandbox(data_dir) as server, httpx.Client(base_url=server.base_url) as http:
        credentials = workload.new_tenant(http, "scale")
        dayzero.basics(Tenant(http, "scale", credentials["dayzero"], server.base_url, "/dayzero"))
        snapshot = http.get("/_sandbox/tenants/scale/snapshot")
        snapshot.raise_for_status()
    return Template(snapshot.json()["data"], credentials)


def tables_for(template: Template, business_id: str, memos: int) -> tuple[Tables, dict[str, str]]:
    """A tenant's DayZero tables with ``memos`` draft memos beside the big ones; and its ids."""
    return dayzero.tables(
        template.tables, template.credentials["dayzero"], {"business_id": business_id}, memos
    )


def write(data_dir: Path, tenant_id: str, tables: Tables) -> None:
    path = data_dir / "tenants" / f"{tenant_id}.json"
    path.write_text(json.dumps(tables, separators=(",", ":")))
    path.with_suffix(".log").unlink(missing_ok=True)


@dataclass
class SizeResult:
    label: str
    seconds_to_ready: float
    rss_mb_start: float
    rss_mb_end: float
    operations: dict[str, load.Measured]


def measure(
    data_dir: Path,
    label: str,
    credentials: dict[str, str],
    ids: dict[str, str],
    seconds: float,
    start: Callable[[Path], AbstractContextManager[servers.Server]] = servers.sandbox,
) -> SizeResult:
    with start(data_dir) as server:
        rss_start = server.rss_mb()
        requests = dayzero.requests(f"{server.base_url}/dayzero", credentials, ids)
        results = {name: load.run(requests[name], seconds) for name in MEASURED}
        return SizeResult(label, server.seconds_to_ready, rss_start, server.rss_mb(), results)


def one_tenant(root: Path, sizes: tuple[int, ...], seconds: float) -> Iterator[SizeResult]:
    data_dir = root / "one-tenant"
    made = template(data_dir)
    for size in sizes:
        tables, ids = tables_for(made, made.credentials["dayzero"]["business_id"], size)
        write(data_dir, "scale", tables)
        print(f"  {size} memos in one tenant...", flush=True)
        yield measure(data_dir, f"{size:,} memos", made.credentials["dayzero"], ids, seconds)


def many_tenants(root: Path, tenants: int, memos: int, seconds: float) -> SizeResult:
    data_dir = root / "many-tenants"
    made = template(data_dir)
    with servers.sandbox(data_dir) as server, httpx.Client(base_url=server.base_url) as http:
        created = [workload.new_tenant(http, f"t{n:04d}") for n in range(tenants)]
    print(f"  {tenants} tenants of {memos} memos...", flush=True)
    ids: dict[str, str] = {}
    for number, credentials in enumerate(created):
        tables, ids_here = tables_for(made, credentials["dayzero"]["business_id"], memos)
        write(data_dir, f"t{number:04d}", tables)
        if number == tenants // 2:
            ids, measured_credentials = ids_here, credentials["dayzero"]
    label = f"{tenants:,} tenants x {memos} memos"
    return measure(data_dir, label, measured_credentials, ids, seconds)
