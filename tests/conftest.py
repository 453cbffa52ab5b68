from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from contracts.vendors.dayzero.client import DayZeroClient
from sandbox.app import create_app
from tests.support.clients import dayzero_client


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The whole sandbox in memory, every response checked against its spec."""
    with TestClient(create_app(None, validate_responses=True)) as test_client:
        yield test_client


@pytest.fixture
def dayzero(client: TestClient) -> DayZeroClient:
    """DayZero as the demo tenant."""
    return dayzero_client(client)
