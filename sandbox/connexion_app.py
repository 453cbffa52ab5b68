"""Connexion's ``AsyncApp``, with each operation's per-request set-up done once.

Connexion 3.3 builds an operation's decorators (the parameter decorator, which reads the
handler's signature with ``inspect``; the response decorator; a URI parser) again on every
request, and runs every sync handler in a thread pool. Profiles under load (``bench/findings.md``)
showed both as a fixed cost on every request. Here:

- each operation builds its decorated handler on its first request and keeps it (the pieces
  depend only on the operation, which a route never changes);
- sync handlers of reads (GET, HEAD) run on the event loop: their work is the store's, which
  serialises everything behind one lock anyway and answers a read in microseconds. A hop to a
  worker thread and back cost more than the read itself. Writes still run in the thread pool:
  they wait for the disk, and while one is in flight another request can meet it (Solvimon
  answers a duplicate idempotent request that arrives then with 422, and so does the sandbox).

- the parameter decorator sanitises each argument's name once, not on every request;
- each security handler asks once per function, not on every request, which arguments the
  vendor's verification function takes (Connexion reads its signature with ``inspect``, twice
  per request).

And at start-up, Connexion checks each spec against the OpenAPI meta-schema every time an API
is added: about 0.3 s of a 1.5 s start for the five specs. The specs are the package's own, fixed
when it is built, and the test suite checks each with that same validator
(``tests/sandbox/test_specs_valid.py``), so :class:`SandboxApp` adds them without the check.

Everything else (routing, security, validation, the handlers' arguments and responses) is
Connexion's own code, unchanged.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import threading
from collections.abc import Callable, Iterator
from typing import Any

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import AsyncParameterDecorator
from connexion.frameworks.starlette import Starlette as StarletteFramework
from connexion.operations import AbstractOperation
from connexion.security import SECURITY_HANDLERS
from connexion.spec import OpenAPISpecification
from connexion.utils import inspect_function_arguments
from starlette.types import Receive, Scope, Send

__all__ = ["SandboxApp"]


class _ParameterDecorator(AsyncParameterDecorator):
    """Connexion's parameter decorator, remembering how it sanitises each name (three regular
    expressions for every argument of every request otherwise)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sanitize: Callable[[str], str] = self.sanitize_fn  # type: ignore[has-type]
        self.sanitize_fn = functools.lru_cache(maxsize=1024)(sanitize)


class _Decorator(StarletteDecorator):
    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return _ParameterDecorator


class _InlineDecorator(_Decorator):
    """Connexion's Starlette decorator, calling sync handlers directly instead of in a thread
    (for reads only: see the module's docstring)."""

    @property
    def _sync_async_decorator(self) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
            if inspect.iscoroutinefunction(function):
                return function

            @functools.wraps(function)
            async def wrapper(*args: Any, **kwargs: Any) -> Any:
                return function(*args, **kwargs)

            return wrapper

        return decorator


class _Operation(AsyncOperation):
    """An operation that decorates its handler once, on its first request."""

    _decorated: Callable[..., Any] | None = None
    _uri_parser: Any = None
    reads_only = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> Any:
        if self._decorated is None:
            kind = _InlineDecorator if self.reads_only else _Decorator
            decorator = kind(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)
            # Both read the operation from Connexion's request context, so they are made here.
            self._uri_parser = decorator.uri_parser
            self._decorated = decorator.decorate(self._fn)
        request = StarletteFramework.get_request(
            uri_parser=self._uri_parser, scope=scope, receive=receive
        )
        response = await self._decorated(request)
        return await response(scope, receive, send)


class _Api(AsyncApi):
    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        made = _Operation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )
        made.reads_only = operation.method.lower() in ("get", "head")
        return made


@functools.cache
def _accepts_kwarg(function: Callable[..., Any], keyword: str) -> bool:
    arguments, has_kwargs = inspect_function_arguments(function)
    return has_kwargs or keyword in arguments


# Connexion's security handlers, each asking a function's arguments once (see the docstring)
_SECURITY_MAP = {
    name: type(handler.__name__, (handler,), {"_accepts_kwarg": staticmethod(_accepts_kwarg)})
    for name, handler in SECURITY_HANDLERS.items()
}


class SandboxApp(AsyncApp):
    """``AsyncApp`` whose APIs are made of :class:`_Operation`, from specs checked by the tests."""

    def __init__(self, import_name: str, **kwargs: Any) -> None:
        super().__init__(import_name, security_map=_SECURITY_MAP, **kwargs)
        self._middleware_app.api_cls = _Api

    def add_api(self, specification: Any, **kwargs: Any) -> Any:
        with _TRUSTING, _specs_trusted():
            return super().add_api(specification, **kwargs)

    def build_now(self) -> None:
        """Build the routing and middleware now rather than on the first request, which Connexion
        would do on the event loop (a profile's app is built in a worker thread instead)."""
        middleware = self.middleware
        if middleware.middleware_stack is None:
            with _TRUSTING, _specs_trusted():
                middleware.app, middleware.middleware_stack = middleware._build_middleware_stack()


_TRUSTING = threading.Lock()


@contextlib.contextmanager
def _specs_trusted() -> Iterator[None]:
    """Connexion's meta-schema check of a spec, switched off while one of ours is added."""
    own = OpenAPISpecification.__dict__.get("_validate_spec")  # else inherited
    OpenAPISpecification._validate_spec = classmethod(lambda cls, spec: None)
    try:
        yield
    finally:
        if own is None:
            del OpenAPISpecification._validate_spec
        else:
            OpenAPISpecification._validate_spec = own
