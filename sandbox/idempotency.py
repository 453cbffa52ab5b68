"""What every idempotent endpoint needs, whatever the vendor: the keys being handled right now,
and a fingerprint that says whether a retried request is the same request.

Keys in flight are held in memory, never stored: a crash must not leave a key stuck "in
progress" for the two days it is kept. Completed responses are stored by the vendor's backend,
in the same transaction as the change they describe, so a crash can never keep one without the
other.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any


class AlreadyInFlight(RuntimeError):
    """A request with this key is being handled right now."""


class InFlightKeys:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: set[Hashable] = set()

    @contextmanager
    def hold(self, key: Hashable) -> Iterator[None]:
        """Hold ``key`` while the request runs; raise :class:`AlreadyInFlight` if it is held."""
        with self._lock:
            if key in self._held:
                raise AlreadyInFlight(key)
            self._held.add(key)
        try:
            yield
        finally:
            with self._lock:
                self._held.discard(key)


def fingerprint(method: str, path: str, body: Any) -> str:
    """Equal for the same route and the same JSON body, however its keys were ordered."""
    canonical = json.dumps([method.upper(), path, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def expired(stored_at: str, now: datetime, keep: timedelta) -> bool:
    moment = datetime.fromisoformat(stored_at.replace("Z", "+00:00"))
    return now - moment >= keep
