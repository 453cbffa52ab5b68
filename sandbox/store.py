"""Persistence for the sandbox: the only module that imports TinyDB.

Why it looks the way it does:

- TinyDB is not thread-safe and Connexion runs sync handlers in a thread pool, so every access,
  read or write, happens inside :meth:`Store.transaction`, which holds the store's one lock.
- TinyDB rewrites its whole file on every write. Data is partitioned: one file per tenant (plus
  one small registry of tenants), so a write costs the size of that tenant, not of the database.
- TinyDB's own ``JSONStorage`` rewrites the file in place, which a crash can leave half-written.
  :class:`AtomicJSONStorage` writes a temporary file, fsyncs it and renames it over the old one.
- Documents that TinyDB returns share nested lists and dicts with the stored data: callers build
  new values instead of mutating what they read, and copy what they store from a request.
- A business operation touches several tables (a memo and the invoice it is applied to). The
  storage batches every write made inside one transaction and persists once at the end; if the
  operation raises, the tenant's data goes back to what was last persisted. Nothing half-done is
  ever visible or written.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage

__all__ = ["AtomicJSONStorage", "Store", "StoreCorruptError", "valid_tenant_id"]

_TENANT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
REGISTRY = "_registry"


def valid_tenant_id(tenant_id: str) -> bool:
    """Tenant ids name files: letters, digits, `_` and `-`, starting with a letter or digit."""
    return bool(_TENANT_ID.fullmatch(tenant_id))


class StoreCorruptError(RuntimeError):
    """A data file exists but cannot be read: refuse to start rather than overwrite it."""


class AtomicJSONStorage(Storage):
    """TinyDB storage: data in memory, persisted atomically once per transaction.

    ``path=None`` keeps everything in memory (``creditbox serve --in-memory``): transactions and
    rollback still work, nothing is written to disk.
    """

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._committed = "{}"
        if path is not None and path.exists():
            text = path.read_text(encoding="utf-8")
            try:
                json.loads(text)
            except ValueError as exc:
                raise StoreCorruptError(f"{path} is not valid JSON: {exc}") from exc
            self._committed = text
        self._data: dict[str, Any] = json.loads(self._committed)
        self._batching = False
        self._dirty = False

    def read(self) -> dict[str, Any]:
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data
        self._dirty = True
        if not self._batching:
            self.commit()

    def close(self) -> None:
        """Nothing to release: every committed transaction is already on disk."""

    @property
    def dirty(self) -> bool:
        """Whether this transaction has written anything not yet persisted."""
        return self._dirty

    def begin(self) -> None:
        self._batching = True

    def end(self) -> None:
        """Close a transaction that wrote nothing."""
        self._batching = False

    def commit(self) -> None:
        self._batching = False
        if not self._dirty:
            return
        text = json.dumps(self._data, separators=(",", ":"), sort_keys=True, allow_nan=False)
        if self._path is not None:
            _write_atomically(self._path, text)
        self._committed = text
        self._dirty = False

    def rollback(self) -> None:
        self._batching = False
        self._data = json.loads(self._committed)
        self._dirty = False


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a crash leaves either the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as tmp:
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class Store:
    """Tenant-partitioned TinyDB databases behind one lock.

    ``data_dir=None`` keeps all data in memory. Otherwise the layout is::

        <data_dir>/_registry.json           the tenants and their credentials
        <data_dir>/tenants/<tenant>.json    one tenant's data, every vendor's tables
    """

    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        self._lock = threading.RLock()
        self._storages: dict[str, AtomicJSONStorage] = {}
        self._databases: dict[str, TinyDB] = {}
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
            self._database(REGISTRY)  # fail at start-up, not on first request, if it is corrupt
            for path in sorted((data_dir / "tenants").glob("*.json")):
                if valid_tenant_id(path.stem):
                    self._database(path.stem)

    @property
    def in_memory(self) -> bool:
        return self.data_dir is None

    def _path(self, partition: str) -> Path | None:
        if self.data_dir is None:
            return None
        if partition == REGISTRY:
            return self.data_dir / f"{REGISTRY}.json"
        return self.data_dir / "tenants" / f"{partition}.json"

    def _database(self, partition: str) -> TinyDB:
        database = self._databases.get(partition)
        if database is None:
            storage = self._storages.get(partition)
            if storage is None:
                storage = AtomicJSONStorage(self._path(partition))
                self._storages[partition] = storage
            database = TinyDB(storage=lambda: storage)
            self._databases[partition] = database
        return database

    def transaction(self, tenant_id: str) -> AbstractContextManager[TinyDB]:
        """A transaction on one tenant's data (see :meth:`_transaction`)."""
        if not valid_tenant_id(tenant_id):
            raise ValueError(f"invalid tenant id {tenant_id!r}")
        return self._transaction(tenant_id)

    @contextmanager
    def _transaction(self, partition: str) -> Iterator[TinyDB]:
        """Hold the lock and yield the partition's database; persist once on success, undo on error.

        ``partition`` is a tenant id, or :data:`REGISTRY` for the tenants registry.
        """
        with self._lock:
            database = self._database(partition)
            storage = self._storages[partition]
            storage.begin()
            try:
                yield database
                storage.commit()
            except BaseException:
                if storage.dirty:
                    storage.rollback()
                    # TinyDB tables cache ids and query results: drop them with the handle.
                    del self._databases[partition]
                else:
                    storage.end()
                raise

    def registry(self) -> AbstractContextManager[TinyDB]:
        """A transaction on the tenants registry."""
        return self._transaction(REGISTRY)

    def drop_tenant(self, tenant_id: str) -> None:
        """Remove every table of a tenant (reset). Credentials live in the registry and stay."""
        with self.transaction(tenant_id) as database:
            database.drop_tables()

    def delete_tenant(self, tenant_id: str) -> None:
        """Remove a tenant's partition: its tables and its file."""
        with self._lock:
            self.drop_tenant(tenant_id)
            self._databases.pop(tenant_id, None)
            self._storages.pop(tenant_id, None)
            path = self._path(tenant_id)
            if path is not None:
                path.unlink(missing_ok=True)

    def export_tenant(self, tenant_id: str) -> dict[str, Any]:
        """Every table of a tenant, as TinyDB stores them: ``{table: {doc_id: document}}``."""
        with self.transaction(tenant_id) as database:
            return json.loads(json.dumps(database.storage.read() or {}))

    def import_tenant(self, tenant_id: str, tables: dict[str, Any]) -> None:
        """Replace every table of a tenant with ``tables`` (as :meth:`export_tenant` gives them),
        in one transaction: a failure leaves the tenant as it was."""
        with self.transaction(tenant_id) as database:
            database.drop_tables()
            database.storage.write(json.loads(json.dumps(tables)))
