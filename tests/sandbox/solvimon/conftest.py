from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from contracts.vendors.solvimon.client import SolvimonClient
from tests.support.clients import solvimon_client


@pytest.fixture
def solvimon(client: TestClient) -> SolvimonClient:
    """Solvimon as the demo tenant, with its API key."""
    return solvimon_client(client)
