"""Faults a tenant asks for, to rehearse the bad days a real vendor will not produce on demand.

A tenant's fault settings (stored in its registry record, so they survive a restart) hold:

- **rules**: added latency (fixed plus uniform jitter) and an error rate answered with the
  vendor's own 5xx body, each for every request of the tenant or only for one vendor, one method
  and the paths matching a glob (``fnmatch``) under the vendor's mount;
- **rate limits**: per vendor, one or more sliding windows, each counting the requests of the
  tenant to that vendor; a request is served only when every window has room. A vendor's
  documented limits (its ``VendorTraits.documented_rate_limits``: Kojo's 20 a second and 3,600
  an hour) apply when a tenant names the vendor without a limit of its own; for a vendor that
  documents none, a limit must be given. The windows run on the tenant's test clock (real
  monotonic time plus the clock's offset), so advancing the clock an hour empties the hour's
  window, as waiting would: an integrator's back-off for the hourly tier is tested in seconds.

Faults act before the vendor's handler runs: a faulted request changes no stored data. Latency is
added before the handler, so it delays the whole request as a slow network or service would.
"""

from __future__ import annotations

import fnmatch
import math
import random
import threading
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from sandbox.vendor_traits import VendorTraits

ERROR_STATUSES = (500, 502, 503, 504)
MAX_LATENCY_MS = 60_000


class FaultSettingsInvalid(ValueError):
    """The settings a client sent cannot be used (the control API's 400)."""


@dataclass(frozen=True)
class FaultRule:
    vendor: str | None = None
    method: str | None = None
    route: str | None = None  # glob on the path under the vendor's mount, e.g. "/api/v1/*"
    latency_ms: int = 0
    jitter_ms: int = 0
    error_rate: float = 0.0
    error_status: int = 500

    def applies(self, vendor: str, method: str, path: str) -> bool:
        return (
            (self.vendor is None or self.vendor == vendor)
            and (self.method is None or self.method.upper() == method.upper())
            and (self.route is None or fnmatch.fnmatchcase(path, self.route))
        )


@dataclass(frozen=True)
class RateLimit:
    vendor: str
    limit: int
    window_seconds: float


@dataclass(frozen=True)
class FaultSettings:
    rules: tuple[FaultRule, ...] = ()
    rate_limits: tuple[RateLimit, ...] = ()

    @classmethod
    def parse(cls, body: Mapping[str, Any], vendors: Iterable[VendorTraits]) -> FaultSettings:
        """Settings from the control API's body (already checked against its schema); raises
        :class:`FaultSettingsInvalid` for what the schema cannot say."""
        documented_limits = {vendor.name: vendor.documented_rate_limits for vendor in vendors}
        known = set(documented_limits)
        rules = []
        for number, rule in enumerate(body.get("rules") or []):
            parsed = FaultRule(**rule)
            if parsed.vendor is not None and parsed.vendor not in known:
                raise FaultSettingsInvalid(f"rules.{number}.vendor: no vendor {parsed.vendor!r}")
            if parsed.error_status not in ERROR_STATUSES:
                raise FaultSettingsInvalid(f"rules.{number}.error_status: one of {ERROR_STATUSES}")
            if parsed.latency_ms + parsed.jitter_ms > MAX_LATENCY_MS:
                raise FaultSettingsInvalid(
                    f"rules.{number}: latency_ms + jitter_ms is at most {MAX_LATENCY_MS}"
                )
            rules.append(parsed)
        limits = []
        for number, entry in enumerate(body.get("rate_limits") or []):
            vendor = entry["vendor"]
            if vendor not in known:
                raise FaultSettingsInvalid(f"rate_limits.{number}.vendor: no vendor {vendor!r}")
            tiers = _tiers(entry, documented_limits[vendor])
            if not tiers:
                raise FaultSettingsInvalid(
                    f"rate_limits.{number}: {vendor} documents no rate limit; "
                    "give limit and window_seconds"
                )
            limits += [RateLimit(vendor, limit, window) for limit, window in tiers]
        # the same window named twice is one window (each counts every request once)
        return cls(tuple(rules), tuple(dict.fromkeys(limits)))

    @classmethod
    def stored(cls, stored: Mapping[str, Any]) -> FaultSettings:
        return cls(
            tuple(FaultRule(**rule) for rule in stored.get("rules") or []),
            tuple(RateLimit(**limit) for limit in stored.get("rate_limits") or []),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "rules": [asdict(rule) for rule in self.rules],
            "rate_limits": [asdict(limit) for limit in self.rate_limits],
        }

    def delay_seconds(self, vendor: str, method: str, path: str, rng: random.Random) -> float:
        """The latency to add: every matching rule's fixed part plus a draw of its jitter."""
        milliseconds = sum(
            rule.latency_ms + rng.uniform(0, rule.jitter_ms)
            for rule in self.rules
            if rule.applies(vendor, method, path)
        )
        return milliseconds / 1000

    def error_status(self, vendor: str, method: str, path: str, rng: random.Random) -> int | None:
        """The 5xx to answer instead of handling the request, if a matching rule's draw says so."""
        for rule in self.rules:
            matches = rule.error_rate and rule.applies(vendor, method, path)
            if matches and rng.random() < rule.error_rate:
                return rule.error_status
        return None

    def rate_limits_of(self, vendor: str) -> tuple[RateLimit, ...]:
        return tuple(limit for limit in self.rate_limits if limit.vendor == vendor)


def _tiers(
    entry: Mapping[str, Any], documented: tuple[tuple[int, float], ...]
) -> list[tuple[int, float]]:
    """The windows an entry of ``rate_limits`` asks for: every documented one when it names
    neither limit nor window; otherwise the one it names, what it leaves out taken from the
    documented window of the same length, else from the shortest (empty when the vendor
    documents none and the entry does not say both)."""
    limit, window = entry.get("limit"), entry.get("window_seconds")
    if limit is None and window is None:
        return [(int(tier[0]), float(tier[1])) for tier in documented]
    same = [tier for tier in documented if window is not None and tier[1] == window]
    fallback = (same or list(documented))[:1]
    if limit is None:
        limit = fallback[0][0] if fallback else None
    if window is None:
        window = fallback[0][1] if fallback else None
    if limit is None or window is None:
        return []
    return [(int(limit), float(window))]


@dataclass
class RateLimiter:
    """Sliding-window request counts per (tenant, vendor, window), in memory; ``now`` is the
    tenant's clock in monotonic seconds."""

    _hits: dict[tuple[str, RateLimit], deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, tenant_id: str, limits: Iterable[RateLimit], now: float) -> int | None:
        """Count the request in every window if each has room; otherwise count it in none and
        answer the seconds until the fullest has room (a refused request uses up nothing)."""
        with self._lock:
            windows = [
                (limit, self._hits.setdefault((tenant_id, limit), deque())) for limit in limits
            ]
            waits = []
            for limit, hits in windows:
                while hits and hits[0] <= now - limit.window_seconds:
                    hits.popleft()
                if len(hits) >= limit.limit:
                    waits.append(max(1, math.ceil(hits[0] + limit.window_seconds - now)))
            if waits:
                return max(waits)
            for _, hits in windows:
                hits.append(now)
            return None

    def forget(self, tenant_id: str) -> None:
        with self._lock:
            for key in [key for key in self._hits if key[0] == tenant_id]:
                del self._hits[key]
