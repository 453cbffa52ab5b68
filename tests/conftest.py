from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from sandbox.app import create_app
from tests.support.dayzero_client import DayZero


@pytest.fixture
def client() -> Iterator[TestClient]:
    """The whole sandbox in memory, every response checked against its spec."""
    with TestClient(create_app(None, validate_responses=True)) as test_client:
        yield test_client


@pytest.fixture
def dayzero(client: TestClient) -> DayZero:
    """DayZero as the demo tenant."""
    return DayZero(client)
