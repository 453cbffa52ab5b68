"""The request path for an operation of a spec: its steps chained once, not looked up per layer.

Connexion's middleware stack finds a request's operation again in nearly every layer: the Swagger
UI layer and the routing layer each run a Starlette router (two levels of mounts and routes),
then security, validation, response validation, context and the app each look the operation up
by id, and the lifespan layer passes the request on. Profiles (``bench/findings.md``) showed that
walk as a fixed cost of every request, larger than a read of the store.

:class:`DirectRoutes` sits where that walk begins (before the Swagger UI layer). When the app is
built it reads, for every route Connexion made from a spec, the per-operation objects Connexion
made for it (security, request validation, response validation, context, the handler) and the
sandbox's own steps between them (a vendor's signature check, say), and chains them directly,
in the stack's order (leaving out a step that says it ``serves_only`` another mount's requests).
A request whose method and path match a route in Connexion's own order
(Starlette's patterns and converters, the first full match winning) goes down its chain;
everything else (the docs, the UI, an unknown path, a method the path does not serve) takes
Connexion's whole stack as before, so every refusal keeps its shape. The steps are Connexion's
own objects, so what a request meets on its way is what it met before, minus the lookups.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from connexion.middleware.abstract import ROUTING_CONTEXT, RoutedMiddleware
from connexion.middleware.lifespan import LifespanMiddleware
from connexion.middleware.routing import RoutingMiddleware, RoutingOperation
from starlette.routing import Mount, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["DirectRoutes"]

# the attributes by which an ASGI middleware holds the app it wraps
_NEXT_APP_ATTRIBUTES = ("next_app", "app", "_app")


@dataclass(frozen=True)
class _Route:
    route: Route
    operation_id: str
    chain: ASGIApp


@dataclass(frozen=True)
class _Mount:
    prefix: str  # the API's base path, as Connexion mounted it
    routes_by_method: dict[str, tuple[_Route, ...]]  # in Connexion's order


class DirectRoutes:
    """ASGI middleware: a request to a spec's operation goes straight down that operation's
    chain of steps (see the module's docstring); anything else goes on to ``app``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._mounts: tuple[_Mount, ...] = ()

    def compile(self, stack: Sequence[Any]) -> None:
        """Chain every route's steps from ``stack``, the built middleware (outermost first),
        of which this is one. Leaves every request to Connexion's stack when a layer after this
        one is of a kind it does not know how to chain."""
        inner = list(stack[stack.index(self) + 1 :])
        routing = next((layer for layer in inner if isinstance(layer, RoutingMiddleware)), None)
        if routing is None:
            return
        steps = inner[inner.index(routing) + 1 :]
        if not all(_chainable(step) for step in steps):
            return
        self._mounts = tuple(_mounts(routing.router, steps))

    @property
    def route_count(self) -> int:
        """How many routes go down a direct chain (the tests check that all do)."""
        return sum(
            len(routes)
            for mount in self._mounts
            for method, routes in mount.routes_by_method.items()
            if method != "HEAD"
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self._find(scope) if scope["type"] == "http" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        route, prefix, path_params = found
        # What Connexion's routing layer hands on: a copy of the scope, with the path's
        # parameters and the operation it found.
        forwarded = dict(scope)
        forwarded.setdefault("path_params", {}).update(path_params)
        routing = forwarded.setdefault("extensions", {}).setdefault(ROUTING_CONTEXT, {})
        routing.update({"api_base_path": prefix, "operation_id": route.operation_id})
        await route.chain(forwarded, receive, send)

    def _find(self, scope: Scope) -> tuple[_Route, str, dict[str, Any]] | None:
        if scope.get("root_path"):
            return None  # served under a root path: Starlette's routing resolves that
        path: str = scope["path"]
        for mount in self._mounts:
            if not path.startswith(mount.prefix + "/"):
                continue
            below = path[len(mount.prefix) :]
            for candidate in mount.routes_by_method.get(scope["method"], ()):
                matched = candidate.route.path_regex.match(below)
                if matched is not None:
                    convertors = candidate.route.param_convertors
                    params = {
                        name: convertors[name].convert(value)
                        for name, value in matched.groupdict().items()
                    }
                    return candidate, mount.prefix, params
            return None  # the first mount that takes the path decides, as in Starlette
        return None


def _chainable(step: Any) -> bool:
    """Whether ``step`` can be put in a route's chain: a Connexion layer that routes by
    operation id, the lifespan layer (which passes requests on) or a plain ASGI middleware of
    the sandbox's own."""
    if isinstance(step, RoutedMiddleware | LifespanMiddleware):
        return True
    return not type(step).__module__.startswith("connexion.") and bool(_next_app_attribute(step))


def _next_app_attribute(step: Any) -> str:
    return next((name for name in _NEXT_APP_ATTRIBUTES if hasattr(step, name)), "")


def _mounts(router: Router, steps: Sequence[Any]) -> Iterable[_Mount]:
    for mount in router.routes:
        if not isinstance(mount, Mount) or not isinstance(mount.app, Router):
            return  # routed another way: later mounts could not be matched in order
        api_router = mount.app
        if not isinstance(api_router.default, RoutingOperation):
            return  # another API shares the base path: Starlette chains them
        routes_by_method: dict[str, list[_Route]] = {}
        for route in api_router.routes:
            if not isinstance(route, Route) or not isinstance(route.endpoint, RoutingOperation):
                continue
            operation_id = route.endpoint.operation_id
            if operation_id is None:
                continue
            chain = _chain(steps, mount.path, operation_id)
            for method in route.methods or ():
                routes_by_method.setdefault(method, []).append(_Route(route, operation_id, chain))
        yield _Mount(mount.path, {m: tuple(r) for m, r in routes_by_method.items()})


def _chain(steps: Sequence[Any], base_path: str, operation_id: str) -> ASGIApp:
    """The operation's steps, innermost first, each a copy pointing at the next."""
    chain: Any = None
    for step in reversed(steps):
        if isinstance(step, LifespanMiddleware):
            continue
        if getattr(step, "serves_only", base_path) != base_path:
            continue  # a step of another mount's requests only: it would pass this one on
        if isinstance(step, RoutedMiddleware):
            apis = step.apis.get(base_path)
            if not apis:
                continue  # the layer passes this API's requests on
            operation = next(
                (api.operations[operation_id] for api in apis if operation_id in api.operations),
                None,
            )
            if operation is None or operation is step.app:
                continue  # no step of its own for this operation (e.g. no response validation)
            link = operation if chain is None else _pointing_at(operation, chain)
        else:
            link = _pointing_at(step, chain)
        chain = link
    return chain


def _pointing_at(step: Any, next_app: ASGIApp) -> Any:
    linked = copy.copy(step)
    setattr(linked, _next_app_attribute(step), next_app)
    return linked
