"""Every refusal leaves the sandbox in the shape of the API it was sent to.

Three kinds of error reach these handlers:

- a :class:`~sandbox.errors.VendorError` raised by a backend or handler, already vendor-shaped;
- :class:`~sandbox.validation.RequestInvalid`, from the validators, with every issue found;
- Connexion's and Starlette's own refusals (unknown route, wrong method, missing credentials,
  wrong content type), which each mounted API's :class:`~sandbox.errors.ErrorShape` rewords.

Anything else is a sandbox bug: it is logged and answered with a 500 in the vendor's shape.

Connexion's 405 lists the wrong methods in ``Allow`` (one route per method; the first partial
match answers), so the 405 handler computes ``Allow`` from the spec instead.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from connexion import AsyncApp
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionResponse
from starlette.exceptions import HTTPException

from sandbox.errors import ErrorShape, VendorError
from sandbox.store import StoreWriteError
from sandbox.validation import RequestInvalid
from specs.readings import Profile

log = logging.getLogger("creditbox")
# A write the disk refused (full, read-only): the vendor's 503, since retrying once there is room
# succeeds, and nothing of the request was kept.
NOT_SAVED = "The change could not be saved ({reason}); nothing was changed. Try again later."
NOT_SAVED_RETRY_SECONDS = 30

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class AllowedMethods:
    """Which methods each path of the mounted specs answers, for the ``Allow`` header. As in
    OpenAPI's own matching, a path without templates names its resource before a templated one
    that also matches it (``/customers/bulk`` before ``/customers/{uuid}``)."""

    def __init__(self) -> None:
        self._routes: list[tuple[re.Pattern[str], frozenset[str], bool]] = []

    def add_spec(self, base_path: str, spec: Mapping[str, Any]) -> None:
        for template, item in spec.get("paths", {}).items():
            methods = {method.upper() for method in item if method in _METHODS}
            if "GET" in methods:
                methods.add("HEAD")
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(base_path + template))
            concrete = "{" not in template
            self._routes.append((re.compile(f"^{pattern}/?$"), frozenset(methods), concrete))

    def for_path(self, path: str) -> list[str]:
        matching = [
            (methods, concrete)
            for pattern, methods, concrete in self._routes
            if pattern.match(path)
        ]
        exact = [methods for methods, concrete in matching if concrete]
        found: set[str] = set()
        for methods in exact or [methods for methods, _ in matching]:
            found |= methods
        return sorted(found)


class ErrorShapes:
    """Finds the error shape of the API a request was sent to, by its mount prefix."""

    def __init__(self, by_prefix: Mapping[str, ErrorShape], fallback: ErrorShape) -> None:
        self._by_prefix = sorted(by_prefix.items(), key=lambda item: -len(item[0]))
        self._fallback = fallback

    def for_path(self, path: str) -> ErrorShape:
        for prefix, shape in self._by_prefix:
            if path == prefix or path.startswith(prefix + "/"):
                return shape
        return self._fallback


def render(
    error: VendorError, profile: Profile, extra_headers: Mapping[str, str] | None = None
) -> ConnexionResponse:
    return ConnexionResponse(
        status_code=error.status_code,
        mimetype="application/json",
        content_type="application/json",
        body=json.dumps(error.body_in(profile)),
        headers={**error.headers(), **(extra_headers or {})},
    )


def install(app: AsyncApp, shapes: ErrorShapes, allowed: AllowedMethods, profile: Profile) -> None:
    """Register the handlers on ``app`` (which answers in ``profile``'s readings); the most
    specific exception class wins."""

    def answer(error: VendorError, extra: Mapping[str, str] | None = None) -> ConnexionResponse:
        return render(error, profile, extra)

    def vendor_error(request: Any, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, VendorError)
        return answer(exc)

    def invalid_request(request: Any, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, RequestInvalid)
        return answer(shapes.for_path(request.url.path).invalid_request(exc.issues))

    def framework_refusal(request: Any, exc: Exception) -> ConnexionResponse:
        assert isinstance(exc, HTTPException)
        path = request.url.path
        detail = exc.detail if isinstance(exc.detail, str) else None
        if exc.status_code >= 500:
            log.error("sandbox error on %s %s: %s", request.method, path, detail)
        extra = {"Allow": ", ".join(allowed.for_path(path))} if exc.status_code == 405 else None
        return answer(shapes.for_path(path).http_error(exc.status_code, detail), extra)

    def not_saved(request: Any, exc: Exception) -> ConnexionResponse:
        log.error("write refused by the disk on %s %s: %s", request.method, request.url.path, exc)
        refusal = shapes.for_path(request.url.path).http_error(503, NOT_SAVED.format(reason=exc))
        return answer(refusal.retrying_after(NOT_SAVED_RETRY_SECONDS))

    def unexpected(request: Any, exc: Exception) -> ConnexionResponse:
        log.exception("sandbox bug on %s %s", request.method, request.url.path, exc_info=exc)
        return answer(shapes.for_path(request.url.path).http_error(500, None))

    handlers: Iterable[tuple[type[Exception], Any]] = (
        (VendorError, vendor_error),
        (StoreWriteError, not_saved),
        (RequestInvalid, invalid_request),
        (ProblemException, framework_refusal),
        (HTTPException, framework_refusal),
        (Exception, unexpected),
    )
    for exception_class, handler in handlers:
        app.add_error_handler(exception_class, handler)
