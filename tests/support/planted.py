"""Deliberate, switchable bugs: a sandbox whose DayZero responses break one invariant each.

Each bug is a function that corrupts the memos or invoices in a response body, in a way that
breaks exactly one documented invariant (the tests prove that too). ``python -m
tests.support.planted --bug NAME ... --port P`` serves the sandbox with those bugs switched on,
so the contract runner can be pointed at it exactly as at a real deployment.
"""

from __future__ import annotations

import argparse
import json
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

JSON = dict[str, Any]


def _dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def memos_in(body: Any) -> Iterator[JSON]:
    if isinstance(body, dict):
        if "amount_remaining" in body:
            yield body
        for key in ("items", "credit_memos"):
            for item in body.get(key) or []:
                yield from memos_in(item)


def invoices_in(body: Any) -> Iterator[JSON]:
    if isinstance(body, dict):
        if "amount_due" in body:
            yield body
        for item in body.get("items") or []:
            yield from invoices_in(item)


def remaining_off_by_one(body: Any) -> None:
    for memo in memos_in(body):
        memo["amount_remaining"] += 1
        memo["amount_remaining_in_dollars"] = _dollars(memo["amount_remaining"])


def dollars_disagree(body: Any) -> None:
    for memo in memos_in(body):
        memo["amount_in_dollars"] = _dollars(memo["amount"] + 100)


def status_ignores_amounts(body: Any) -> None:
    for memo in memos_in(body):
        if memo["status"] != "draft":
            memo["status"] = (
                "fully_applied" if memo["amount_applied"] != memo["amount"] else "issued"
            )


def issued_memos_deletable(body: Any) -> None:
    for memo in memos_in(body):
        memo["can_be_deleted"] = memo["status"] != "draft"


def has_applications_inverted(body: Any) -> None:
    for memo in memos_in(body):
        memo["has_applications"] = not memo["applications"]


def applications_overstated(body: Any) -> None:
    for memo in memos_in(body):
        for application in memo["applications"][:1]:
            application["amount_applied"] += 1
            application["amount_applied_dollars"] = _dollars(application["amount_applied"])


def invoice_due_off_by_one(body: Any) -> None:
    for invoice in invoices_in(body):
        invoice["amount_due"] += 1
        invoice["amount_due_in_dollars"] = _dollars(invoice["amount_due"])


def invoice_dollars_disagree(body: Any) -> None:
    for invoice in invoices_in(body):
        invoice["total_in_dollars"] = _dollars(invoice["total"] + 1)


# bug -> the contract check that must catch it
BUGS: dict[str, tuple[Callable[[Any], None], str]] = {
    "remaining_off_by_one": (remaining_off_by_one, "dayzero_remaining_is_amount_minus_applied"),
    "dollars_disagree": (dollars_disagree, "dayzero_dollar_strings_equal_cents"),
    "status_ignores_amounts": (status_ignores_amounts, "dayzero_status_agrees_with_amounts"),
    "issued_memos_deletable": (issued_memos_deletable, "dayzero_can_be_deleted_iff_draft"),
    "has_applications_inverted": (
        has_applications_inverted,
        "dayzero_has_applications_iff_applications",
    ),
    "applications_overstated": (
        applications_overstated,
        "dayzero_applications_sum_to_amount_applied",
    ),
    "invoice_due_off_by_one": (
        invoice_due_off_by_one,
        "dayzero_invoice_due_is_total_minus_paid_and_credited",
    ),
    "invoice_dollars_disagree": (
        invoice_dollars_disagree,
        "dayzero_invoice_dollar_strings_equal_cents",
    ),
}


class PlantedBugs:
    """ASGI middleware: rewrites successful DayZero JSON responses through the chosen bugs."""

    def __init__(self, app: ASGIApp, bugs: list[str]) -> None:
        self.app = app
        self.mutators = [BUGS[name][0] for name in bugs]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/dayzero/"):
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            if 200 <= start["status"] < 300 and body:
                data = json.loads(body)
                for mutate in self.mutators:
                    mutate(data)
                body = json.dumps(data).encode()
            headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


def main() -> None:
    parser = argparse.ArgumentParser(description="the sandbox, with planted bugs")
    parser.add_argument("--bug", action="append", choices=sorted(BUGS), required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    import uvicorn

    from sandbox.app import create_app

    uvicorn.run(
        PlantedBugs(create_app(None), args.bug), host=args.host, port=args.port, log_level="warning"
    )


if __name__ == "__main__":
    main()
