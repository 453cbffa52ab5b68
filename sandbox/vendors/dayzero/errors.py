"""DayZero's errors: ``{"detail": "<text>"}``, and FastAPI's 422 list for invalid requests.

The messages are the ones DayZero's API answers with where its pages show them ("Not
authenticated", "Not enough permissions"); the rest follow the same plain style.
"""

from __future__ import annotations

from typing import Any

from sandbox.errors import VendorError
from sandbox.runtime import reading

NOT_AUTHENTICATED = "Not authenticated"
NOT_ENOUGH_PERMISSIONS = "Not enough permissions"
CUSTOMER_NOT_FOUND = "Customer not found"
INVOICE_NOT_FOUND = "Invoice not found"
CREDIT_MEMO_NOT_FOUND = "Credit memo not found"
NOT_APPLIED_TO_INVOICE = "Credit memo is not applied to this invoice"
INVOICE_OF_OTHER_CUSTOMER = "Invoice belongs to a different customer"
INVOICE_NOT_OPEN = "Credit can only be applied to an open invoice"
CURRENCY_MISMATCH = "Credit memo and invoice currencies differ"
EXCEEDS_MEMO_REMAINING = "Amount exceeds the credit memo's remaining balance"
EXCEEDS_INVOICE_DUE = "Amount exceeds the invoice's amount due"
INVOICE_NOT_DRAFT = "Only draft invoices can be finalized"
INVOICE_NOT_VOIDABLE = "Only open invoices can be voided"
INVOICE_NOT_PAYABLE = "Only finalized invoices that are not void can be paid"
TRANSACTION_NOT_FOUND = "Transaction not found"
PAYMENT_NOT_FOUND = "Payment not found"
EXCEEDS_TRANSACTION_UNALLOCATED = "Amount exceeds the transaction's unallocated amount"
TRANSACTION_CURRENCY_MISMATCH = "Transaction and invoice currencies differ"


class DayZeroError(VendorError):
    def body(self) -> Any:
        return {"detail": self.message}


class BadRequest(DayZeroError):
    status_code = 400


class NotAuthenticated(DayZeroError):
    status_code = 401

    def __init__(self, message: str = NOT_AUTHENTICATED) -> None:
        super().__init__(message)

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": "Bearer"}


class Forbidden(DayZeroError):
    status_code = 403

    def __init__(self, message: str = NOT_ENOUGH_PERMISSIONS) -> None:
        super().__init__(message)


class NotFound(DayZeroError):
    status_code = 404


class StateConflict(DayZeroError):
    """An operation the record's status does not allow. The reference pages list 400 for it;
    DayZero's error-handling guide names 409 for "state conflict (e.g. voiding a paid invoice)":
    the disputed point ``dayzero.conflict-status`` (docs/disputed-points.md) picks the status."""

    def __init__(self, message: str) -> None:
        conflict = reading("dayzero.conflict-status") == "conflict"
        super().__init__(message, 409 if conflict else 400)


class ValidationFailed(DayZeroError):
    """FastAPI's 422: ``{"detail": [{loc, msg, type, input?, ctx?}]}``."""

    status_code = 422

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(str(error.get("msg")) for error in errors))
        self.errors = errors

    def body(self) -> Any:
        return {"detail": self.errors}


RATE_LIMITED = "Too Many Requests"

# The words FastAPI answers with for refusals that happen before DayZero's own code runs.
_FRAMEWORK_DETAIL = {
    401: NOT_AUTHENTICATED,
    403: NOT_ENOUGH_PERMISSIONS,
    404: "Not Found",
    405: "Method Not Allowed",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
}


class DayZeroShape:
    """:class:`sandbox.errors.ErrorShape` for DayZero."""

    def invalid_request(self, issues: list[dict[str, Any]]) -> VendorError:
        return ValidationFailed(issues)

    def http_error(self, status: int, detail: str | None) -> VendorError:
        if status == 401:
            return NotAuthenticated()
        return DayZeroError(_FRAMEWORK_DETAIL.get(status) or detail or "Error", status)

    def rate_limited(self, retry_after: int) -> VendorError:
        """No public DayZero page shows its 429; ours keeps the ``{detail}`` shape."""
        return DayZeroError(RATE_LIMITED, 429).retrying_after(retry_after)


SHAPE = DayZeroShape()
