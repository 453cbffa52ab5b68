"""Connexion's own floor: the fastest a Connexion app answers on this machine, whatever it does.

``python -m bench.connexion_floor`` serves a Connexion ``AsyncApp`` of two operations, each an
``async`` handler returning a fixed memo, and loads each with wrk as ``make bench`` does
(20 connections, then one client):

- ``GET /memo``: no security, no parameters;
- ``GET /memos/{memo_id}``: a bearer scheme and a path and a header parameter to validate, as the
  sandbox's get memo has.

The sandbox does all the second one does and then its own work, so the second's figures bound
what the sandbox can reach while Connexion runs its requests (``bench/findings.md``).
"""

from __future__ import annotations

import sys
from typing import Any

from connexion import AsyncApp

from bench import load, servers
from bench.load import Request
from sandbox.embedded import free_port

MEMO = {
    "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
    "number": "CM-0001",
    "status": "issued",
    "amount": 3000,
}
TOKEN = "floor"
_JSON_OBJECT = {"application/json": {"schema": {"type": "object"}}}
_ANSWER = {"200": {"description": "the memo", "content": _JSON_OBJECT}}
SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Connexion's floor", "version": "1"},
    "paths": {
        "/memo": {"get": {"operationId": "bench.connexion_floor.plain", "responses": _ANSWER}},
        "/memos/{memo_id}": {
            "get": {
                "operationId": "bench.connexion_floor.secured",
                "security": [{"bearer": []}],
                "parameters": [
                    {
                        "name": "memo_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 64},
                    },
                    {
                        "name": "x-business-id",
                        "in": "header",
                        "schema": {"type": "string", "maxLength": 64},
                    },
                ],
                "responses": _ANSWER,
            }
        },
    },
    "components": {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "x-bearerInfoFunc": "bench.connexion_floor.token_info",
            }
        }
    },
}


async def plain() -> tuple[dict[str, Any], int]:
    return MEMO, 200


async def secured(memo_id: str) -> tuple[dict[str, Any], int]:
    return MEMO, 200


def token_info(token: str) -> dict[str, str] | None:
    return {"sub": "floor"} if token == TOKEN else None


def make_app() -> AsyncApp:
    app = AsyncApp(__name__)
    app.add_api(SPEC)
    return app


app = make_app()


def requests(base_url: str) -> dict[str, Request]:
    return {
        "no security, no parameters": Request("GET", f"{base_url}/memo", {}),
        "bearer scheme, two parameters": Request(
            "GET",
            f"{base_url}/memos/{MEMO['id']}",
            {"Authorization": f"Bearer {TOKEN}", "x-business-id": "floor"},
        ),
    }


def main() -> int:
    port = free_port()
    command = [
        str(servers.BIN / "uvicorn"),
        "bench.connexion_floor:app",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    with servers.serving("connexion", command, "/memo", port) as server:
        for name, request in requests(server.base_url).items():
            busy = load.run(request, 5)
            alone = load.run(request, 3, connections=1)
            print(
                f"{name}: {busy.requests_per_second:,.0f} requests a second at "
                f"{load.CONNECTIONS} connections; one client's p50 {alone.p50_ms:.2f} ms"
                + (f" ({failed} failed)" if (failed := busy.failures + alone.failures) else "")
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
