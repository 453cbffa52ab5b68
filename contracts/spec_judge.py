"""The spec's own judgement of the harness's own exchanges: Schemathesis' status-code and
response-schema checks, run on every response the rules receive, not only on the ones
Schemathesis generates.

The rules make the richest responses of a run (memos applied and unapplied, refusals of every
documented kind, error bodies of every status), and Schemathesis' generated traffic rarely
reaches them: a field dropped from an applied memo, or an error body in another shape, would
pass unseen if only its traffic were judged. The failures are reported under the codes
Schemathesis gives the same failures (``ST103``, ``ST108``), so the two layers' findings of one
kind meet in one verdict. These are Schemathesis' own check functions, called on the rules'
responses as its runner calls them on its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any, cast

import httpx
import schemathesis
from schemathesis.checks import CheckContext
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.transport import Response
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Schemathesis' own checks of a response against the spec, as its run calls them; they read
# nothing of the run's context, only the response and the operation.
CHECKS = (
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)
# What those checks are given for a run's context: they read none of it (a test pins it).
_NO_CONTEXT = cast(CheckContext, None)
# Schemathesis' check names and the codes its reports give their failures (the first four also
# on the rules' traffic, the others in the schema layer only).
CHECK_CODES = {
    "status_code_conformance": "ST103",
    "content_type_conformance": "ST105",
    "response_headers_conformance": "ST107",
    "response_schema_conformance": "ST108",
    "not_a_server_error": "ST101",
    "negative_data_rejection": "ST201",
    "positive_data_acceptance": "ST202",
    "missing_required_header": "ST203",
    "unsupported_method": "ST204",
    "allow_header_conformance": "ST205",
    "use_after_free": "ST301",
    "ensure_resource_availability": "ST302",
    "ignored_auth": "ST401",
    "object_level_authorization": "ST402",
}
STATEMENTS = {
    "ST103": "Every response's status is one the spec declares for its operation",
    "ST104": "Every response carries a Content-Type",
    "ST105": "Every response's Content-Type is one the spec declares",
    "ST106": "Every response's Content-Type is a well-formed media type",
    "ST107": "Every response carries the headers the spec requires",
    "ST108": "Every response body (and header) conforms to the spec's schema for its status",
}


class SpecJudge:
    """Judges responses of the API under ``base_path`` against an OpenAPI ``spec`` (the spec in
    the readings the target is expected to speak)."""

    def __init__(self, spec: Mapping[str, Any], base_path: str) -> None:
        self.schema = schemathesis.openapi.from_dict(dict(spec))
        self.base_path = base_path.rstrip("/")

    def failures(self, response: httpx.Response) -> Iterator[tuple[str, str]]:
        """(code, message) for each way ``response`` breaks the spec; nothing for a request to
        an operation the spec does not declare (a method or path the rule sent on purpose)."""
        path = response.request.url.path
        if not path.startswith(self.base_path):
            return
        operation = self.schema.find_operation_by_path(
            response.request.method, path[len(self.base_path) :] or "/"
        )
        if operation is None:
            return
        try:
            response.elapsed  # noqa: B018 - Schemathesis reads it; a response built by hand has none
        except RuntimeError:
            response.elapsed = dt.timedelta(0)
        received, case = Response.from_any(response), operation.Case()
        for check in CHECKS:
            try:
                check(_NO_CONTEXT, received, case)
            except FailureGroup as group:
                for failure in group.exceptions:
                    yield _described(operation.label, response.status_code, failure)
            except Failure as failure:
                yield _described(operation.label, response.status_code, failure)


def _described(label: str, status: int, failure: Failure) -> tuple[str, str]:
    """The failure's code, and its title with the first lines of its message (what broke)."""
    detail = " ".join(line.strip() for line in failure.message.splitlines()[:3] if line.strip())
    return failure.code, f"{label} {status}: {failure.title}: {detail}"[:500]
