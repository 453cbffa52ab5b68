"""The sandbox's clock: every timestamp the sandbox stores or compares comes from here.

Each tenant has a test clock: real time plus an offset that the control API can only move
forward (``POST /_sandbox/tenants/{id}/clock/advance``). The offset of the tenant a request acts
on is set for the duration of that request (:func:`tenant_time`), so everything time-driven
(COUNT's ``overdue``, Solvimon's drafts turning final, idempotency keys expiring, Kojo tokens
expiring, every stamped date) follows the tenant's clock without being told which tenant it is.
The offset lives in a context variable, which follows the request into the worker threads that
run synchronous handlers.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta

_offset: ContextVar[timedelta] = ContextVar("creditbox_clock_offset", default=timedelta(0))


def now() -> datetime:
    """The current tenant's time (real time outside a tenant's request)."""
    return datetime.now(UTC) + _offset.get()


def real_now() -> datetime:
    """Wall-clock time, for what must not follow a test clock (the journal's times, a rate
    limit's resetAt, which a client compares with its own clock)."""
    return datetime.now(UTC)


def offset_seconds() -> float:
    """How far the current tenant's clock is ahead of real time (0 outside a request)."""
    return _offset.get().total_seconds()


def today() -> date:
    return now().date()


def timestamp(moment: datetime | None = None) -> str:
    """An RFC 3339 UTC timestamp with a ``Z`` suffix, as stored and returned."""
    return (moment or now()).isoformat(timespec="microseconds").replace("+00:00", "Z")


@contextmanager
def tenant_time(offset: timedelta) -> Iterator[None]:
    """Run the enclosed code on a tenant's clock: real time plus ``offset``."""
    token = _offset.set(offset)
    try:
        yield
    finally:
        _offset.reset(token)
