"""Run the sandbox inside the current process, on a free loopback port, in a background thread.

For test suites (the ``creditbox_sandbox`` pytest fixture) and ``creditbox contracts
--in-process``: real HTTP on 127.0.0.1, no subprocess to manage, gone when the process ends.
"""

from __future__ import annotations

import socket
import threading
import time
import warnings
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

import uvicorn

from specs.readings import Profile


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmbeddedSandbox:
    """``with EmbeddedSandbox() as sandbox: sandbox.base_url`` serves a fresh sandbox."""

    def __init__(
        self,
        data_dir: Path | None = None,
        host: str = "127.0.0.1",
        planted_bugs: Iterable[str] = (),
        profile: Profile | None = None,
        admin_token: str | None = None,
    ) -> None:
        warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
        from sandbox.app import create_app

        self.port = free_port(host)
        self.base_url = f"http://{host}:{self.port}"
        app = create_app(
            data_dir, planted_bugs=planted_bugs, profile=profile, admin_token=admin_token
        )
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
