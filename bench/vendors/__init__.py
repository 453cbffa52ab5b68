"""Each vendor's part of the benchmark, found through the sandbox's registry.

A vendor is benchmarked when ``bench/vendors/<name>.py`` exists for its entry in
``sandbox.vendors.VENDORS``; the module's ``BENCH`` (a ``VendorBench``) says what is measured,
how the data for it is made in a sandbox tenant, which targets apply to which of its operations
(the targets' figures are in ``bench/report.py``), and, when it has one, how its operations are
measured as its data grows (a ``ScalingWorkload``). A vendor without a module is not
benchmarked. The shared parts of ``bench/`` read vendors only from here.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import httpx

from bench.load import Request
from sandbox.vendors import VENDORS, VendorMount

# a tenant's data as its snapshot holds it: table → document id → document
Tables = dict[str, dict[str, dict[str, Any]]]
# the records a vendor's requests name, by role: one (a memo to read) or several in turn (the
# memos an apply goes round)
Ids = dict[str, str | tuple[str, ...]]


def ok(response: httpx.Response) -> Any:
    """The JSON of a successful answer; anything else stops the benchmark with the answer."""
    if response.status_code >= 300:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.text}")
    return response.json()


@dataclass(frozen=True)
class Tenant:
    """A tenant of a running sandbox, as one vendor's benchmark sets it up."""

    http: httpx.Client  # the sandbox, at its root
    id: str
    credentials: Mapping[str, Any]  # the vendor's, of this tenant
    base_url: str  # the sandbox's root, as the measured requests reach it
    mount: str  # the vendor's mount path (its registry entry's base path)

    @property
    def mount_url(self) -> str:
        """Where the vendor's requests under measurement go."""
        return f"{self.base_url}{self.mount}"


@dataclass(frozen=True)
class ScalingWorkload:
    """How a vendor's operations are measured as its data grows (``bench/scaling.py``).

    Putting the data in through the API would take as long as what is measured, so a sandbox
    makes a template through the API (``seed``), the template is exported with the control API,
    and ``tables`` writes as many records as each size needs into a tenant's snapshot."""

    # what the report's scaling table measures: "<title> on one tenant, …"
    title: str
    # what a size counts ("memos"): in the report's labels and targets
    unit: str
    # each operation measured → its column in the report's scaling table, in the table's order
    columns: Mapping[str, str]
    # the records the template starts from, made through the API of a fresh tenant
    seed: Callable[[Tenant], object]
    # (the template tenant's snapshot, its credentials, the credentials of the tenant to fill,
    # the size) → that tenant's tables, and the ids its requests name
    tables: Callable[[Tables, Mapping[str, Any], Mapping[str, Any], int], tuple[Tables, Ids]]
    # (the vendor's mount URL, the tenant's credentials, the ids) → a request per operation
    requests: Callable[[str, Mapping[str, Any], Ids], dict[str, Request]]

    @property
    def operations(self) -> tuple[str, ...]:
        return tuple(self.columns)


@dataclass(frozen=True)
class VendorBench:
    """One vendor's part of the benchmark (the ``BENCH`` of ``bench/vendors/<name>.py``)."""

    # what is measured of the vendor, by the name the report gives it, in the report's order
    operations: tuple[str, ...]
    # makes the data every operation needs in a new tenant; returns a request per operation,
    # each sent to the tenant's mount URL (Prism gets the same path under its own root)
    prepare: Callable[[Tenant], dict[str, Request]]
    # operations with a throughput target over Prism's mock of the vendor's spec
    over_prism: tuple[str, ...] = ()
    # operations with a throughput target over plain Starlette → the target's label
    over_ceiling: Mapping[str, str] = field(default_factory=dict)
    # operations with a one-client latency target: the sandbox's p50 at most Prism's
    one_client_under_prism: tuple[str, ...] = ()
    scaling: ScalingWorkload | None = None

    def __post_init__(self) -> None:
        named = {*self.over_prism, *self.over_ceiling, *self.one_client_under_prism}
        if self.scaling:
            named |= set(self.scaling.operations)
        if unknown := sorted(named - set(self.operations)):
            raise ValueError(f"not among the vendor's operations: {unknown}")


@dataclass(frozen=True)
class Benchmarked:
    """A registered vendor and its benchmark."""

    mount: VendorMount
    bench: VendorBench

    @property
    def name(self) -> str:
        return self.mount.name


def discover(mounts: Iterable[VendorMount]) -> tuple[Benchmarked, ...]:
    """The vendors of ``mounts`` that have a module here, in the order of ``mounts``."""
    found = []
    for mount in mounts:
        module_name = f"{__name__}.{mount.name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        bench = importlib.import_module(module_name).BENCH
        if not isinstance(bench, VendorBench):
            raise TypeError(f"{module_name}.BENCH is not a VendorBench")
        found.append(Benchmarked(mount, bench))
    return tuple(found)


@cache
def benchmarked() -> tuple[Benchmarked, ...]:
    """Every benchmarked vendor, in the sandbox registry's order."""
    return discover(VENDORS)
