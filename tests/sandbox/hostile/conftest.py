"""One ``creditbox serve`` process for the hostile-input tests (a worker's share of them).

The server runs with its output in a log file rather than ``processes.serving``'s pipe: a bug's
traceback would otherwise fill a pipe nobody reads and stall the server.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.sandbox.hostile.target import TIMEOUT, Target
from tests.support.processes import serving


@pytest.fixture(scope="package")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    root = tmp_path_factory.mktemp("hostile")
    data_dir = root / "data"
    log = tmp_path_factory.mktemp("hostile-log") / "serve.log"
    args = ("--data-dir", str(data_dir), "--fixture", "fixtures/demo.yaml")
    with (
        log.open("wb") as output,
        serving(args, output=output) as base_url,
        httpx.Client(base_url=base_url, timeout=TIMEOUT) as http,
    ):
        yield Target(base_url, http, root, data_dir)
