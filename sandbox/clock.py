"""The sandbox's clock: every timestamp the sandbox stores comes from here."""

from datetime import UTC, date, datetime


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()


def timestamp(moment: datetime | None = None) -> str:
    """An RFC 3339 UTC timestamp with a ``Z`` suffix, as stored and returned."""
    return (moment or now()).isoformat(timespec="microseconds").replace("+00:00", "Z")
