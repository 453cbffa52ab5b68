"""The request journal: the last requests of each tenant, for demos and for debugging a client.

Bounded in memory (``size`` entries per tenant, the oldest dropped first) and never written to
disk: it is a window on recent traffic, not an audit trail. Requests whose credentials name no
tenant are not recorded.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any

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
        return entries[:limit] if limit is not None else entries

    def forget(self, tenant_id: str) -> None:
        with self._lock:
            self._entries.pop(tenant_id, None)
