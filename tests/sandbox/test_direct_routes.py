"""Requests to a spec's operations go straight down their chain of steps; the route each one
takes is the one Connexion's own routing would take; everything else takes Connexion's stack."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from connexion.middleware.abstract import ROUTING_CONTEXT
from connexion.middleware.routing import RoutingMiddleware
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from sandbox.app import create_app
from sandbox.direct_routes import DirectRoutes
from tests.support.clients import dayzero_client

SAMPLE_VALUES = ("3fa85f64-5717-4562-b3fc-2c963f66afa6", "bulk", "42")


def _layers(app: Any) -> list[Any]:
    apps = app._apps  # the server profile's app: the one built at start
    return list(next(iter(apps.values())).middleware.middleware_stack)


def _of_type(layers: list[Any], kind: type) -> Any:
    return next(layer for layer in layers if isinstance(layer, kind))


def _routing_decision(routing: RoutingMiddleware, method: str, path: str) -> Any:
    """What Connexion's routing layer decides for a request: (base path, operation id) and the
    path's parameters, or None when it finds no operation."""
    seen: dict[str, Any] = {}

    async def capture(scope: Scope, receive: Receive, send: Send) -> None:
        found = scope.get("extensions", {}).get(ROUTING_CONTEXT, {})
        if found.get("operation_id") is not None:
            seen["decision"] = (found["api_base_path"], found["operation_id"])
            seen["params"] = dict(scope.get("path_params", {}))

    scope = _scope(method, path)
    # route with a copy of the layer whose every route hands on to ``capture``
    for mount in routing.router.routes:
        for route in getattr(mount.app, "routes", []):
            route.endpoint.next_app, route.app = capture, route.app
        mount.app.default.next_app = capture
    asyncio.run(routing(scope, _nothing, _ignore))
    if "decision" not in seen:
        return None
    return seen["decision"], seen["params"]


def _direct_decision(direct: DirectRoutes, method: str, path: str) -> Any:
    found = direct._find(_scope(method, path))
    if found is None:
        return None
    route, prefix, params = found
    return (prefix, route.operation_id), params


def _scope(method: str, path: str) -> dict[str, Any]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
    }


async def _nothing() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def _ignore(message: Any) -> None:
    return None


def _requests_for_every_route(direct: DirectRoutes) -> list[tuple[str, str]]:
    """A method and a path for each route, its parameters filled with sample values, plus the
    same path one level shorter and longer, and with a method it may not serve."""
    requests = []
    for mount in direct._mounts:
        for method, routes in mount.routes_by_method.items():
            for candidate in routes:
                template = candidate.route.path_format
                for value in SAMPLE_VALUES:
                    path = mount.prefix + re.sub(r"\{[^}]+\}", value, template)
                    requests += [(method, path), ("DELETE", path), (method, path + "/x")]
                    requests.append((method, path.rsplit("/", 1)[0]))
    return requests


def test_every_operation_of_every_spec_has_a_direct_chain() -> None:
    layers = _layers(create_app(None))
    direct = _of_type(layers, DirectRoutes)
    routing = _of_type(layers, RoutingMiddleware)
    operations = sum(
        1
        for mount in routing.router.routes
        for route in mount.app.routes
        for method in route.methods
        if method != "HEAD"
    )
    assert operations > 100
    assert direct.route_count == operations


def test_each_request_takes_the_route_connexions_own_routing_takes() -> None:
    layers = _layers(create_app(None))
    direct = _of_type(layers, DirectRoutes)
    routing = _of_type(layers, RoutingMiddleware)
    requests = _requests_for_every_route(direct)
    assert len(requests) > 1000
    differing = [
        (method, path, _direct_decision(direct, method, path), expected)
        for method, path in requests
        if _direct_decision(direct, method, path)
        != (expected := _routing_decision(routing, method, path))
    ]
    assert differing == []


class _Counting:
    """Counts the requests that reach Connexion's own stack."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.paths: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.paths.append(scope["path"])
        await self.app(scope, receive, send)


@pytest.fixture
def counted() -> Any:
    app = create_app(None, validate_responses=True)
    direct = _of_type(_layers(app), DirectRoutes)
    direct.app = counting = _Counting(direct.app)
    with TestClient(app) as client:
        yield client, counting


def test_operations_skip_connexions_routing_and_the_rest_does_not(counted: Any) -> None:
    client, counting = counted
    dayzero = dayzero_client(client)
    customer = dayzero.customer("Direct")["id"]
    memo = dayzero.memo(customer, 700)
    assert dayzero.call("GET", f"/credit-memos/{memo['id']}").json()["id"] == memo["id"]
    assert counting.paths == []

    assert client.get("/dayzero/ui/").status_code == 200
    assert client.get("/dayzero/openapi.json").status_code == 200
    unknown = dayzero.call("GET", "/no-such-thing")
    assert unknown.status_code == 404
    assert counting.paths == [
        "/dayzero/ui/",
        "/dayzero/openapi.json",
        "/dayzero/api/v1/no-such-thing",
    ]


def test_a_refusal_on_the_direct_path_keeps_the_vendors_shape(counted: Any) -> None:
    client, counting = counted
    dayzero = dayzero_client(client)
    missing = dayzero.call("GET", "/credit-memos/3fa85f64-5717-4562-b3fc-2c963f66afa6")
    assert missing.status_code == 404
    assert set(missing.json()) == {"detail"}
    invalid = dayzero.call("POST", "/credit-memos", json={"amount_cents": "lots"})
    assert invalid.status_code == 422
    assert {issue["loc"][0] for issue in invalid.json()["detail"]} == {"body"}
    unauthenticated = client.get("/dayzero/api/v1/credit-memos")
    assert unauthenticated.status_code in (401, 403)
    assert counting.paths == []


def _steps(chain: Any) -> list[Any]:
    steps = []
    while chain is not None:
        steps.append(chain)
        chain = getattr(chain, "next_app", None) or getattr(chain, "app", None)
        if not callable(chain):
            break
    return steps


def test_a_chain_holds_the_steps_of_its_own_mount_and_none_of_another_mounts() -> None:
    direct = _of_type(_layers(create_app(None)), DirectRoutes)
    serving = {}
    for mount in direct._mounts:
        chain = mount.routes_by_method["GET"][0].chain if "GET" in mount.routes_by_method else None
        serving[mount.prefix] = {getattr(step, "serves_only", None) for step in _steps(chain)}
    assert serving["/dayzero"] == {None}
    assert serving["/count"] == {None, "/count"}
    assert serving["/solvimon"] == {None, "/solvimon"}
