"""Schemathesis-generated COUNT requests, signed as a real client signs them: never a 5xx."""

from __future__ import annotations

import warnings
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings

from contracts.vendors.count.signing import CountRequestsSigner
from sandbox.app import create_app
from specs import spec_path
from tests.support.clients import count_signer


def test_generated_requests_never_get_a_server_error() -> None:
    warnings.filterwarnings("ignore")
    schema = schemathesis.openapi.from_path(str(spec_path("count.yaml")))
    schema.app = create_app(None, validate_responses=True)
    auth = CountRequestsSigner(count_signer())
    statuses: Counter[int] = Counter()
    signed: Counter[int] = Counter()  # the partner routes': the OAuth start takes no signature
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=8, suppress_health_check=list(HealthCheck), deadline=None)
        def call(case: schemathesis.Case) -> None:
            response = case.call(auth=auth)
            statuses[response.status_code] += 1
            if case.formatted_path.startswith("/partners"):
                signed[response.status_code] += 1
            assert response.status_code < 500, (
                case.method,
                case.formatted_path,
                response.text[:300],
            )

        call()
    assert sum(statuses.values()) >= 150
    assert statuses[200] + statuses[201] > 0, statuses
    assert 401 not in signed, "every generated request was signed correctly"


def test_a_percent_encoded_path_may_be_signed_as_sent() -> None:
    from starlette.testclient import TestClient

    from tests.support.clients import count_client

    with TestClient(create_app(None)) as client:
        response = count_client(client).call("GET", "/customers/a%20b")
    assert response.status_code == 404, response.text
