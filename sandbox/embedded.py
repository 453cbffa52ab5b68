"""Run the sandbox inside the current process, on a free loopback port, in a background thread.

For test suites (the ``creditbox_sandbox`` pytest fixture) and ``creditbox contracts
--in-process``: real HTTP on 127.0.0.1, no subprocess to manage, gone when the process ends.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from specs.readings import Profile


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedSandbox:
    """``with EmbeddedSandbox() as sandbox: sandbox.base_url`` serves a fresh sandbox.

    ``stand_ins`` go to ``create_app`` (``sandbox/seams.py``); ``wrap``, when given, is put
    around the whole app, as a proxy in front of a deployment would be."""

    def __init__(
        self,
        data_dir: Path | None = None,
        host: str = "127.0.0.1",
        stand_ins: Mapping[Any, Any] | None = None,
        wrap: Callable[[ASGIApp], ASGIApp] | None = None,
        profile: Profile | None = None,
        admin_token: str | None = None,
    ) -> None:
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from sandbox.app import create_app

        self.port = free_port(host)
        self.base_url = f"http://{host}:{self.port}"
        app: ASGIApp = create_app(
            data_dir, stand_ins=stand_ins, profile=profile, admin_token=admin_token
        )
        if wrap is not None:
            app = wrap(app)
        config = uvicorn.Config(app, host=host, port=self.port, log_level="error")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, name="creditbox-sandbox", daemon=True
        )

    def start(self, timeout: float = 20) -> EmbeddedSandbox:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the embedded sandbox did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> EmbeddedSandbox:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
