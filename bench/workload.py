"""The operations measured, and the data each needs, on the sandbox, on Prism and on Starlette.

On the sandbox every operation acts on real data of one tenant, which each benchmarked vendor
(``bench/vendors/``) makes in it. Prism answers from the spec's examples, so it is sent the same
requests at its own mount-less paths (each variant of an operation that has several); plain
Starlette answers every path alike, so it gets one URL per operation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from bench.load import Request
from bench.vendors import Benchmarked, Tenant, benchmarked, ok


@dataclass(frozen=True)
class Prepared:
    """One vendor's requests, each to a URL under its mount in the sandbox."""

    vendor: Benchmarked
    mount_url: str
    requests: dict[str, Request]


def new_tenant(http: httpx.Client, tenant_id: str) -> dict[str, Any]:
    """A new tenant of the sandbox; its credentials, by vendor name."""
    credentials: dict[str, Any] = ok(http.post("/_sandbox/tenants", json={"id": tenant_id}))[
        "credentials"
    ]
    return credentials


def prepare_tenant(http: httpx.Client, base_url: str, tenant_id: str) -> list[Prepared]:
    """Data for every benchmarked vendor's operations in a new tenant; the requests to send."""
    credentials = new_tenant(http, tenant_id)
    prepared = []
    for vendor in benchmarked():
        mount = vendor.mount.base_path
        tenant = Tenant(http, tenant_id, credentials[vendor.name], base_url, mount)
        prepared.append(Prepared(vendor, tenant.mount_url, vendor.bench.prepare(tenant)))
    return prepared


def prepare_sandbox(base_url: str) -> list[Prepared]:
    """``prepare_tenant`` in a new tenant of a running sandbox."""
    with httpx.Client(base_url=base_url, timeout=60) as http:
        return prepare_tenant(http, base_url, "bench")


def sandbox_requests(prepared: Iterable[Prepared]) -> dict[str, Request]:
    """Every operation's request, vendor by vendor in the registry's order."""
    return {operation: request for part in prepared for operation, request in part.requests.items()}


def prism_requests(roots: Mapping[str, str], prepared: Iterable[Prepared]) -> dict[str, Request]:
    """The sandbox's requests re-pointed at Prism's mocks (one per spec, served at its root),
    ``roots`` by vendor name."""
    requests = {}
    for part in prepared:
        for operation, request in part.requests.items():
            root = roots[part.vendor.name]
            under = _under_root(operation, part.mount_url, root)
            requests[operation] = request.repointed(under)
    return requests


def _under_root(operation: str, mount_url: str, root: str) -> Callable[[str], str]:
    """A sandbox URL under ``mount_url`` → the same path under ``root``."""

    def moved(url: str) -> str:
        if not url.startswith(mount_url):
            raise ValueError(f"{operation}: {url} is not under {mount_url}")
        return root + url.removeprefix(mount_url)

    return moved


def ceiling_requests(base_url: str, sandbox: Mapping[str, Request]) -> dict[str, Request]:
    """The same methods and bodies against the fixed-memo Starlette app. It answers every path
    alike, so an operation's variants come down to its first: the fixed ``/memo`` with its
    body."""
    return {
        operation: Request(request.method, f"{base_url}/memo", {}, request.body)
        for operation, request in sandbox.items()
    }
