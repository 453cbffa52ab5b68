"""COUNT's errors, in the reading of the disputed point ``count.error-body``
(docs/disputed-points.md):

- ``client`` (default): ``{"message": "<text>", "statusCode": <status>}``, a 401 adding ``error``
  (e.g. ``invalid_token``), a 429 ``type: RATE_LIMITED``: what COUNT's own client reads
  (getcount/count-cli ``CountApiErrorBody``);
- ``reference``: ``{"status": "error", "message", "code", "details"?, "errors"?}``, as COUNT's
  REST reference pages document every error. Their one code, ``token_expired``, is an expired
  access token's; the others are ours, one per kind of refusal, and ``errors`` lists a
  validation failure's fields.
"""

from __future__ import annotations

import uuid
from typing import Any

from sandbox.errors import VendorError
from specs.readings import Profile

MISSING_HMAC_HEADERS = "x-client-id, x-timestamp and x-signature are required"
UNKNOWN_CLIENT = "Unknown client id"
INVALID_TOKEN = "Invalid or expired partner access token"
MISSING_TOKEN = "A partner access token is required: Authorization: Bearer <token>"
WORKSPACE_NOT_AUTHORISED = "Workspace not authorised for this client"
CUSTOMER_NOT_FOUND = "Customer not found"
PRODUCT_NOT_FOUND = "Product not found"
DUPLICATE_EMAIL = "A customer with this email already exists in the workspace"
ONE_PRIMARY_CONTACT = "Only one contact can be the primary contact (isPrimary: true)"
INVOICE_NOT_FOUND = "Invoice not found"
AMBIGUOUS_UUID = (
    "UUID {uuid} is ambiguous in this workspace: legacy duplicate records share it. "
    "It answers 409 until the records are migrated"
)
MEMO_NOT_FOUND = "Credit memo not found"
NOT_APPLIED = "This credit memo is not applied to this invoice"
NOT_AN_INVOICE = "Credit can only be applied to records of invoiceType invoice"
NOT_A_MEMO = "Credit can only come from records of invoiceType memo"
MEMO_DRAFTS_NOT_APPROVED = (
    "Credit memo drafts are not approved: update the memo and send it (sending finalises it)"
)
TOTAL_BELOW_CREDIT = (
    "The new total is below the credit already applied to or from this record: remove credit first"
)
CURRENCY_MISMATCH = "The credit memo and the invoice are in different currencies"
OVER_OPEN_BALANCE = "The credit exceeds the invoice's open balance"
OVER_REMAINING = "The credit exceeds the credit memo's remaining credit"
APPLIED_TO_NEEDS_MEMO = "appliedToInvoiceUuid is only for credit memos"
APPLY_CREDIT_NEEDS_INVOICE = "applyCredit is only for invoices"
MEMO_NOT_RECURRING = (
    "Credit memos cannot be recurring: recurring templates need invoiceType invoice"
)
ONLY_INVOICES_RECUR = "Recurring templates need invoiceType invoice"
NO_FILES = "Send at least one file in the multipart field documents"
TOO_MANY_FILES = "At most {limit} files per upload"
FILE_TOO_LARGE = "{name} is larger than {limit} bytes"
PUBLIC_LINK_NOT_FOUND = "This public link does not exist"
TEMPLATE_NOT_FOUND = "Recurring invoice template not found"
TEMPLATE_ALREADY_PAUSED = "The template is already paused"
TEMPLATE_NOT_PAUSED = "The template is not paused"

TRANSACTION_NOT_FOUND = "Transaction not found"
TRANSACTION_NOT_ASSIGNED = "This transaction does not pay this invoice"
INCOME_PAYS_INVOICES = "Only an Income transaction can pay invoices"
PAYS_INVOICES_ONLY = "Transactions can only pay records of invoiceType invoice"
PAYMENT_CURRENCY_MISMATCH = "The transaction and the invoice are in different currencies"
PAYMENT_OVER_OPEN_BALANCE = "The payment exceeds the invoice's open balance"
OVER_TRANSACTION = "The payments exceed what the transaction has left to assign"

RATE_LIMITED = "Rate limit exceeded for this client; retry in {seconds} s"

# how Connexion words a request without a bearer token
_FRAMEWORK_NO_TOKEN = "No authorization token provided"
_FRAMEWORK_MESSAGE = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Cannot find the requested resource",
    405: "Method Not Allowed",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
}


# the reference reading's machine-readable codes, by status (ours: the pages list none of these)
_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    408: "REQUEST_TIMEOUT",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
    503: "SERVICE_UNAVAILABLE",
}


class CountError(VendorError):
    # the reference reading's code, where COUNT's pages name one (otherwise by status, ours)
    code: str | None = None

    def __init__(
        self,
        message: str,
        status_code: int | None = None,
        fields: list[dict[str, str]] | None = None,
        **extra: str,
    ) -> None:
        super().__init__(message, status_code)
        self.extra = extra
        self.fields = fields or []

    def body(self) -> Any:
        return {"message": self.message, "statusCode": self.status_code, **self.extra}

    def body_in(self, profile: Profile) -> Any:
        if profile.reading("count.error-body") != "reference":
            return self.body()
        code = self.code or _CODES.get(self.status_code, "INTERNAL_ERROR")
        body: dict[str, Any] = {"status": "error", "message": self.message, "code": code}
        if self.fields:
            body["code"], body["errors"] = "VALIDATION_ERROR", self.fields
        if self.retry_after is not None:
            body["details"] = {"retryAfter": self.retry_after}
        return body


class BadRequest(CountError):
    status_code = 400


class Unauthorized(CountError):
    status_code = 401


class TokenExpired(Unauthorized):
    """An expired access token: 401 with ``token_expired`` (COUNT's authorization pages); in
    the client's reading, the ``error`` and ``error_description`` its refresh logic looks for
    (count-cli ``shouldRefreshAfterError``)."""

    code = "token_expired"

    def __init__(self, message: str) -> None:
        super().__init__(message, error="invalid_token", error_description=message)


class Forbidden(CountError):
    status_code = 403


class NotFound(CountError):
    status_code = 404


class Conflict(CountError):
    status_code = 409


class CountShape:
    """:class:`sandbox.errors.ErrorShape` for COUNT: validation failures are 400 with a message."""

    def invalid_request(self, issues: list[dict[str, Any]]) -> VendorError:
        fields = []
        for issue in issues:
            where = ".".join(str(step) for step in issue["loc"][1:]) or str(issue["loc"][0])
            fields.append({"field": where, "message": str(issue["msg"])})
        message = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
        return BadRequest(message or "Invalid request", fields=fields)

    def http_error(self, status: int, detail: str | None) -> VendorError:
        if status == 401:  # the bearer check (signatures are refused before it, in their words)
            missing = detail is not None and detail.startswith(_FRAMEWORK_NO_TOKEN)
            return Unauthorized(MISSING_TOKEN if missing else INVALID_TOKEN, error="invalid_token")
        return CountError(_FRAMEWORK_MESSAGE.get(status) or detail or "Error", status)

    def rate_limited(self, retry_after: int) -> VendorError:
        """COUNT's 429 above 100 requests a minute per client id: ``type: RATE_LIMITED`` and a
        ``requestId``, as COUNT's client reads them."""
        message = RATE_LIMITED.format(seconds=retry_after)
        error = CountError(message, 429, type="RATE_LIMITED", requestId=str(uuid.uuid4()))
        return error.retrying_after(retry_after)


SHAPE = CountShape()
