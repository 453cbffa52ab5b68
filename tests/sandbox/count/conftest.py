from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from contracts.vendors.count.client import CountClient
from tests.support.clients import count_client


@pytest.fixture
def count(client: TestClient) -> CountClient:
    """COUNT as the demo tenant, every request signed."""
    return count_client(client)
