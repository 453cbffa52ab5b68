from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from contracts.vendors.kojo.client import KojoClient
from tests.support.clients import kojo_client


@pytest.fixture
def kojo(client: TestClient) -> KojoClient:
    """Kojo as the demo tenant, with a token from its token step."""
    return kojo_client(client)
