"""How the sandbox's cost grows with its data: one tenant of 100 … 100,000 records, and 1,000
tenants of 100 records each, for every vendor that has a scaling workload
(``bench/vendors/<name>.py``).

Putting 100,000 records in through the API would take as long as the thing being measured, so
the data is written as the store keeps it (the tenant's snapshot file, in TinyDB's layout, with
no log after it) while the server is stopped, from templates that a running sandbox created
through its API and exported through its control API.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import load, servers, workload
from bench.vendors import Benchmarked, Ids, ScalingWorkload, Tables, Tenant, benchmarked


@dataclass(frozen=True)
class Template:
    tables: Tables  # every table of the tenant the template came from
    credentials: Mapping[str, Any]  # the vendor's, of that tenant


@dataclass
class SizeResult:
    label: str
    seconds_to_ready: float
    rss_mb_start: float
    rss_mb_end: float
    operations: dict[str, load.Measured]


@dataclass
class Scaling:
    """One vendor's scaling workload and what it measured, size by size."""

    workload: ScalingWorkload
    sizes: list[SizeResult] = field(default_factory=list)


def scaled() -> list[tuple[Benchmarked, ScalingWorkload]]:
    """The benchmarked vendors with a scaling workload, in the registry's order."""
    return [(vendor, vendor.bench.scaling) for vendor in benchmarked() if vendor.bench.scaling]


def template(vendor: Benchmarked, scaling: ScalingWorkload, data_dir: Path) -> Template:
    """The workload's seed records, made through the API of a sandbox and exported."""
    with servers.sandbox(data_dir) as server, httpx.Client(base_url=server.base_url) as http:
        credentials = workload.new_tenant(http, "scale")[vendor.name]
        scaling.seed(Tenant(http, "scale", credentials, server.base_url, vendor.mount.base_path))
        snapshot = http.get("/_sandbox/tenants/scale/snapshot")
        snapshot.raise_for_status()
    return Template(snapshot.json()["data"], credentials)


def write(data_dir: Path, tenant_id: str, tables: Tables) -> None:
    path = data_dir / "tenants" / f"{tenant_id}.json"
    path.write_text(json.dumps(tables, separators=(",", ":")))
    path.with_suffix(".log").unlink(missing_ok=True)


def measure(
    vendor: Benchmarked,
    scaling: ScalingWorkload,
    data_dir: Path,
    label: str,
    credentials: Mapping[str, Any],
    ids: Ids,
    seconds: float,
) -> SizeResult:
    with servers.sandbox(data_dir) as server:
        rss_start = server.rss_mb()
        mount_url = f"{server.base_url}{vendor.mount.base_path}"
        requests = scaling.requests(mount_url, credentials, ids)
        results = {name: load.run(requests[name], seconds) for name in scaling.operations}
        return SizeResult(label, server.seconds_to_ready, rss_start, server.rss_mb(), results)


def one_tenant(
    vendor: Benchmarked,
    scaling: ScalingWorkload,
    root: Path,
    sizes: tuple[int, ...],
    seconds: float,
) -> Iterator[SizeResult]:
    data_dir = root / vendor.name / "one-tenant"
    made = template(vendor, scaling, data_dir)
    for size in sizes:
        tables, ids = scaling.tables(made.tables, made.credentials, made.credentials, size)
        write(data_dir, "scale", tables)
        print(f"  {size} {scaling.unit} in one tenant...", flush=True)
        label = f"{size:,} {scaling.unit}"
        yield measure(vendor, scaling, data_dir, label, made.credentials, ids, seconds)


def many_tenants(
    vendor: Benchmarked,
    scaling: ScalingWorkload,
    root: Path,
    tenants: int,
    size: int,
    seconds: float,
) -> SizeResult:
    data_dir = root / vendor.name / "many-tenants"
    made = template(vendor, scaling, data_dir)
    with servers.sandbox(data_dir) as server, httpx.Client(base_url=server.base_url) as http:
        created = [workload.new_tenant(http, f"t{n:04d}")[vendor.name] for n in range(tenants)]
    print(f"  {tenants} tenants of {size} {scaling.unit}...", flush=True)
    ids: Ids = {}
    measured_credentials: Mapping[str, Any] = {}
    for number, credentials in enumerate(created):
        tables, ids_here = scaling.tables(made.tables, made.credentials, credentials, size)
        write(data_dir, f"t{number:04d}", tables)
        if number == tenants // 2:
            ids, measured_credentials = ids_here, credentials
    label = f"{tenants:,} tenants x {size} {scaling.unit}"
    return measure(vendor, scaling, data_dir, label, measured_credentials, ids, seconds)


def run(
    root: Path, sizes: tuple[int, ...], tenants: int, tenant_size: int, seconds: float
) -> list[Scaling]:
    """Every scaling workload: each size in one tenant, then ``tenants`` of ``tenant_size``."""
    results = []
    for vendor, scaling in scaled():
        measured = Scaling(scaling, list(one_tenant(vendor, scaling, root, sizes, seconds)))
        measured.sizes.append(many_tenants(vendor, scaling, root, tenants, tenant_size, seconds))
        results.append(measured)
    return results
