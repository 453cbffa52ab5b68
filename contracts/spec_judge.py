"""The spec's own judgement of the harness's own exchanges: Schemathesis' status-code and
response-schema checks, run on every response the rules receive, not only on the ones
Schemathesis generates.

The rules make the richest responses of a run (memos applied and unapplied, refusals of every
documented kind, error bodies of every status), and Schemathesis' generated traffic rarely
reaches them: a field dropped from an applied memo, or an error body in another shape, would
pass unseen if only its traffic were judged. The failures are reported under the codes
Schemathesis gives the same failures (``ST103``, ``ST108``), so the two layers' findings of one
kind meet in one verdict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

import httpx
import schemathesis
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.core.transport import expand_status_codes

# Schemathesis' check names and the codes its reports give their failures.
STATUS_CODE = "ST103"
RESPONSE_SCHEMA = "ST108"
CHECK_CODES = {
    "status_code_conformance": STATUS_CODE,
    "response_schema_conformance": RESPONSE_SCHEMA,
}
STATEMENTS = {
    STATUS_CODE: "Every response's status is one the spec declares for its operation "
    "(Schemathesis' status_code_conformance, also on the harness's own requests)",
    RESPONSE_SCHEMA: "Every response body conforms to the spec's schema for its status "
    "(Schemathesis' response_schema_conformance, also on the harness's own requests)",
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
        declared = operation.responses.status_codes
        if "default" not in declared and response.status_code not in expand_status_codes(declared):
            yield (
                STATUS_CODE,
                f"{operation.label}: {response.status_code} is not a status the spec declares "
                f"({', '.join(declared)})",
            )
            return
        try:
            response.elapsed  # noqa: B018 - Schemathesis reads it; a response built by hand has none
        except RuntimeError:
            response.elapsed = dt.timedelta(0)
        try:
            operation.validate_response(response)
        except FailureGroup as group:
            for failure in group.exceptions:
                yield _described(operation.label, response.status_code, failure)
        except Failure as failure:
            yield _described(operation.label, response.status_code, failure)


def _described(label: str, status: int, failure: Failure) -> tuple[str, str]:
    """The failure's code, and its title with the first lines of its message (what broke)."""
    detail = " ".join(line.strip() for line in failure.message.splitlines()[:3] if line.strip())
    return failure.code, f"{label} {status}: {failure.title}: {detail}"[:500]
