"""The request journal: the last requests of each tenant, for demos and for debugging a client.

Bounded in memory (``size`` entries per tenant, the oldest dropped first) and never written to
disk: it is a window on recent traffic, not an audit trail. Requests whose credentials name no
tenant are not recorded.

Every request is recorded and few are ever read, so an entry keeps its times as they were taken
(``datetime``) and they are written out as timestamps only when the entries are read.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox import clock

DEFAULT_SIZE = 200


@dataclass
class RequestJournal:
    size: int = DEFAULT_SIZE
    _entries: dict[str, deque[dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, tenant_id: str, entry: dict[str, Any]) -> None:
        with self._lock:
            entries = self._entries.get(tenant_id)
            if entries is None:
                entries = self._entries[tenant_id] = deque(maxlen=self.size)
            entries.append(entry)

    def recent(self, tenant_id: str, limit: int | None = None) -> list[dict[str, Any]]:
        """The tenant's entries, newest first."""
        with self._lock:
            entries = list(self._entries.get(tenant_id, ()))
        entries.reverse()
        chosen = entries[:limit] if limit is not None else entries
        return [_written_out(entry) for entry in chosen]

    def forget(self, tenant_id: str) -> None:
        with self._lock:
            self._entries.pop(tenant_id, None)


def _written_out(entry: dict[str, Any]) -> dict[str, Any]:
    """The entry with its times as the timestamps the sandbox writes everywhere."""
    return {
        key: clock.timestamp(value) if isinstance(value, datetime) else value
        for key, value in entry.items()
    }
