"""Tally's errors: ``{"error": {"message": "<text>"}}``, whatever the status."""

from __future__ import annotations

from typing import Any

from sandbox.errors import VendorError

NOTE_NOT_FOUND = "No such note"
MORE_THAN_REMAINS = "The note has {remaining} left; {amount} was asked"


class TallyError(VendorError):
    def body(self) -> Any:
        return {"error": {"message": self.message}}


class Shape:
    """Tally's words for the refusals that happen before a handler runs."""

    def invalid_request(self, issues: list[dict[str, Any]]) -> VendorError:
        first = issues[0] if issues else {"loc": ["body"], "msg": "invalid"}
        where = ".".join(str(part) for part in first["loc"])
        return TallyError(f"{where}: {first['msg']}")

    def http_error(self, status: int, detail: str | None) -> VendorError:
        return TallyError(detail or "Refused", status)

    def rate_limited(self, retry_after: int) -> VendorError:
        return TallyError("Too many requests", 429).retrying_after(retry_after)


SHAPE = Shape()
