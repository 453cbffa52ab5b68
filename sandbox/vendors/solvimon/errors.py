"""Solvimon's errors: ``{type, code, message, field?, resource_id?, resource_type?}``.

``type`` is ``INVALID_REQUEST`` for anything the client can fix and ``API_ERROR`` for a fault of
the service. A field a request got wrong is named in Solvimon's dotted form, with list indexes
(``periods.0.groups.1.amount``).
"""

from __future__ import annotations

from typing import Any

from sandbox.errors import VendorError, framework_refusal

INVOICE = "INVOICE"
PLATFORM = "PLATFORM"

INVOICE_NOT_FOUND = "Invoice {id} not found"
UNSUPPORTED_VERSION = "API version {version} does not exist; use version 1"
MISSING_KEY = "Provide an API key in X-API-KEY or a token in Authorization: Bearer"
UNKNOWN_KEY = "The API key or token is not valid"
PLATFORM_NOT_ALLOWED = "This API key cannot act on platform {platform}"
PERMISSION_MISSING = "This API key lacks the {permission} permission"
PERMISSIONS_MISSING = "This API key lacks the {permissions} permission"
NOT_FINAL = "Only a FINAL invoice can be credited; this one is {status}"
NOTHING_TO_CREDIT = "Nothing on this invoice is left to credit"
WRONG_CURRENCY = "The amount must be in the invoice's currency {currency}"
ZERO_AMOUNT = "The amount to credit must be more than zero"
# ours: Solvimon documents no refusal of an empty list of groups
NO_GROUPS = "groups: give at least one group to credit"
NO_SUCH_PERIOD = "The invoice has no period with period_order {order}"
NO_SUCH_GROUP = "Period {period} has no group with group_order {order}"
NO_SUCH_LINE = "Group {group} of period {period} has no line with line_order {order}"
REPEATED_ORDER = "{what} {order} is given more than once"
OVER_CREDIT = "Only {left} {currency} of this is left to credit; {asked} was asked"
PARTS_DISAGREE = "The amount {amount} is not the sum of its parts ({parts})"
PERIODS_AND_GROUPS = "Give either periods or the deprecated groups, not both"
NO_PERIOD_FOR_GROUPS = "The deprecated groups need an invoice with a period"
# ours: Solvimon's schema names the types, not which of them POST /invoices refuses
NOT_ONE_OFF = (
    "type: only ONE_OFF and ONE_OFF_CREDIT invoices can be created; "
    "{kind} invoices come from subscriptions and crediting"
)
NO_CUSTOMER = "customer_id: give customer_id or customer_reference for a one-off invoice"
LINKS_ONLY_ONE_OFF_CREDIT = "linked_invoices_ids can only be used for ONE_OFF_CREDIT invoices"
# ours: a one-off credit invoice credits the originals it names
NO_ORIGINALS = "linked_invoices_ids: name the original invoices a ONE_OFF_CREDIT credits"
LINKED_TWICE = "linked_invoices_ids: invoice {id} is given more than once"
# ours: a credit is in the currency of what it credits
CURRENCIES_DIFFER = "A ONE_OFF_CREDIT credits invoices of one currency, {currency}; {other} differs"
NOT_A_CREDIT = "Only a credit invoice can be refunded; this one is {kind}"
ALREADY_REFUNDED = "This credit invoice was already refunded at {at}"
KEY_REUSED = (
    "This Idempotency-Key was used for another request; send a new key for a different request"
)
RATE_LIMITED = "Too many requests; retry later"
KEY_IN_FLIGHT = "A request with this Idempotency-Key is still being processed; retry later"
INTERNAL = "Something went wrong on our side"

_FRAMEWORK = {
    401: ("UNAUTHORISED", MISSING_KEY),
    403: ("USER_NOT_ALLOWED", "Not allowed"),
    404: ("RESOURCE_NOT_FOUND", "The requested resource does not exist"),
    405: ("BAD_REQUEST", "This method is not allowed on this resource"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json"),
}


class SolvimonError(VendorError):
    code = "BAD_REQUEST"
    error_type = "INVALID_REQUEST"

    def __init__(
        self,
        message: str,
        status_code: int | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        resource_id: str | None = None,
        resource_type: str | None = None,
    ) -> None:
        super().__init__(message, status_code)
        self.code = code or self.code
        self.field = field
        self.resource_id = resource_id
        self.resource_type = resource_type

    def body(self) -> Any:
        body: dict[str, Any] = {"type": self.error_type, "code": self.code, "message": self.message}
        for key in ("field", "resource_id", "resource_type"):
            value = getattr(self, key)
            if value is not None:
                body[key] = value
        return body


class InvalidField(SolvimonError):
    status_code = 400
    code = "INVALID_FIELD"


class InvalidOperation(SolvimonError):
    status_code = 400
    code = "INVALID_OPERATION"


class Unauthorised(SolvimonError):
    status_code = 401
    code = "UNAUTHORISED"


class NotAllowed(SolvimonError):
    status_code = 403
    code = "USER_NOT_ALLOWED"


class NotFound(SolvimonError):
    status_code = 404
    code = "RESOURCE_NOT_FOUND"


class InvoiceNotFound(NotFound):
    def __init__(self, invoice_id: str) -> None:
        super().__init__(
            INVOICE_NOT_FOUND.format(id=invoice_id), resource_id=invoice_id, resource_type=INVOICE
        )


class LinkedInvoiceNotFound(SolvimonError):
    """An invoice named in a request body that the platform does not have: 400, since a 404
    names the path's resource."""

    status_code = 400
    code = "RESOURCE_NOT_FOUND"

    def __init__(self, invoice_id: str, field: str) -> None:
        super().__init__(
            INVOICE_NOT_FOUND.format(id=invoice_id),
            field=field,
            resource_id=invoice_id,
            resource_type=INVOICE,
        )


class UnsupportedVersion(NotFound):
    code = "UNSUPPORTED_VERSION"

    def __init__(self, version: str) -> None:
        super().__init__(UNSUPPORTED_VERSION.format(version=version[:20]))


class IdempotencyKeyReused(SolvimonError):
    status_code = 409
    code = "IDEMPOTENCY_CHECK_FAILED"

    def __init__(self) -> None:
        super().__init__(KEY_REUSED, field="Idempotency-Key")


class IdempotencyKeyInFlight(SolvimonError):
    status_code = 422
    code = "IDEMPOTENCY_CHECK_FAILED"

    def __init__(self) -> None:
        super().__init__(KEY_IN_FLIGHT, field="Idempotency-Key")


def _field(loc: list[Any]) -> str:
    """``["body", "periods", 0, "amount"]`` → ``periods.0.amount``; a header keeps its name."""
    steps = [str(step) for step in loc[1:]] if len(loc) > 1 else [str(step) for step in loc]
    return ".".join(steps)


class SolvimonShape:
    """:class:`sandbox.errors.ErrorShape` for Solvimon: one error body, naming the first field."""

    def invalid_request(self, issues: list[dict[str, Any]]) -> VendorError:
        if not issues:
            return SolvimonError("The request is not valid", 400, code="INVALID_REQUEST")
        first = issues[0]
        field = _field(list(first["loc"]))
        missing = first.get("type") == "missing"
        return InvalidField(
            f"{field}: {first['msg']}", code="MISSING_FIELD" if missing else None, field=field
        )

    def http_error(self, status: int, detail: str | None) -> VendorError:
        if status >= 500:
            error = SolvimonError(INTERNAL, status, code="INTERNAL_ERROR")
            error.error_type = "API_ERROR"
            return error
        if status == 401 and detail and "not valid" in detail:
            return Unauthorised(UNKNOWN_KEY)
        code, message = framework_refusal(status, detail, _FRAMEWORK)
        return SolvimonError(message, status, code=code)

    def rate_limited(self, retry_after: int) -> VendorError:
        """Solvimon documents no rate limit; ours answers in its error shape."""
        return SolvimonError(RATE_LIMITED, 429, code="TOO_MANY_REQUESTS").retrying_after(
            retry_after
        )


SHAPE = SolvimonShape()
