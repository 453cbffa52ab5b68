"""The practical ceiling for Python: plain Starlette returning a fixed DayZero memo.

Run as ``uvicorn bench.ceiling:app``; the benchmark's figures are also given as a ratio to it.
"""

from __future__ import annotations

import json

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

MEMO = json.dumps(
    {
        "id": "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "number": "CM-0001",
        "status": "issued",
        "amount": 3000,
        "amount_in_dollars": "30.00",
        "amount_applied": 0,
        "amount_remaining": 3000,
        "currency": "USD",
    }
).encode()


async def memo(request: Request) -> Response:
    status = 201 if request.method == "POST" else 200
    await request.body()
    return Response(MEMO, status_code=status, media_type="application/json")


app = Starlette(routes=[Route("/{path:path}", memo, methods=["GET", "POST"])])
