"""The store: tenant-partitioned TinyDB databases behind one lock.

Why it looks the way it does:

- TinyDB is not thread-safe and Connexion runs sync handlers in a thread pool, so every access,
  read or write, happens inside :meth:`Store.transaction`, which holds the store's one lock. A
  write's log entry is flushed after the lock is let go, so that writers waiting for the disk
  share one flush and readers do not wait for it; the writer is answered only after it.
- Data is partitioned: one partition per tenant (plus one small registry of tenants). Each keeps
  its data in memory, found through indexes (:mod:`sandbox.store.indexed_table`), and on disk as a
  snapshot plus a log of committed transactions (:mod:`sandbox.store.storage`), so a write costs
  the size of the change, not of the tenant or the database.
- Documents that TinyDB returns share nested lists and dicts with the stored data: callers build
  new values instead of mutating what they read, and copy what they store from a request.
- A business operation touches several tables (a memo and the invoice it is applied to). A
  transaction is persisted once, at the end, as one log entry; if the operation raises, every
  document it changed is put back. Nothing half-done is ever visible or written.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from sandbox.store.commit_log import CommitLog, FlushFailed, check_writable
from sandbox.store.indexed_table import IndexedTable
from sandbox.store.storage import PartitionStorage

__all__ = ["REGISTRY", "Database", "Store", "valid_tenant_id"]

_TENANT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
REGISTRY = "_registry"


def valid_tenant_id(tenant_id: str) -> bool:
    """Tenant ids name files: letters, digits, `_` and `-`, starting with a letter or digit."""
    return bool(_TENANT_ID.fullmatch(tenant_id))


class StoreWriteError(RuntimeError):
    """A committed change could not be written to disk; it was undone in memory as well."""


class Database(TinyDB):
    """A partition's TinyDB, whose tables are :class:`IndexedTable`."""

    table_class = IndexedTable  # type: ignore[assignment]

    def table(self, name: str, **kwargs: Any) -> IndexedTable:
        table = super().table(name, **kwargs)
        assert isinstance(table, IndexedTable)
        return table


class Store:
    """Tenant-partitioned TinyDB databases behind one lock.

    ``data_dir=None`` keeps all data in memory. Otherwise the layout is::

        <data_dir>/_registry.json, _registry.log         the tenants and their credentials
        <data_dir>/tenants/<tenant>.json, <tenant>.log   one tenant's data, every vendor's tables

    (``.json``: the last snapshot, in TinyDB's own layout; ``.log``: transactions since then.)
    """

    def __init__(self, data_dir: Path | None) -> None:
        self.data_dir = data_dir
        self._lock = threading.RLock()
        self._storages: dict[str, PartitionStorage] = {}
        self._databases: dict[str, Database] = {}
        if data_dir is not None:
            # Fail at start-up, not on a client's first write, if the directory takes no writes.
            check_writable(data_dir)
            check_writable(data_dir / "tenants")
            # Fail at start-up, not on a first request, if a file cannot be read.
            self._database(REGISTRY)
            tenant_files = (data_dir / "tenants").glob("*.*")
            for name in sorted(
                {path.stem for path in tenant_files if path.suffix in {".json", ".log"}}
            ):
                if valid_tenant_id(name):
                    self._database(name)

    @property
    def in_memory(self) -> bool:
        return self.data_dir is None

    def _path(self, partition: str) -> Path | None:
        if self.data_dir is None:
            return None
        if partition == REGISTRY:
            return self.data_dir / f"{REGISTRY}.json"
        return self.data_dir / "tenants" / f"{partition}.json"

    def _database(self, partition: str) -> Database:
        database = self._databases.get(partition)
        if database is None:
            storage = self._storages.get(partition)
            if storage is None:
                storage = PartitionStorage(self._path(partition))
                self._storages[partition] = storage
            database = Database(storage=lambda: storage)
            self._databases[partition] = database
        return database

    def transaction(self, tenant_id: str) -> AbstractContextManager[Database]:
        """A transaction on one tenant's data (see :meth:`_transaction`)."""
        if not valid_tenant_id(tenant_id):
            raise ValueError(f"invalid tenant id {tenant_id!r}")
        return self._transaction(tenant_id)

    @contextmanager
    def _transaction(self, partition: str) -> Iterator[Database]:
        """Hold the lock and yield the partition's database; persist once on success, undo on error.

        A commit the disk refuses (full, read-only) is undone in memory too and raised as
        :class:`StoreWriteError`: what the client was told not to rely on is not served either.

        ``partition`` is a tenant id, or :data:`REGISTRY` for the tenants registry.
        """
        with self._lock:
            database = self._database(partition)
            storage = self._storages[partition]
            storage.begin()
            try:
                yield database
                try:
                    written = storage.commit()
                except OSError as problem:  # the disk refused: nothing of it is kept
                    raise StoreWriteError(f"{problem.strerror or problem}") from problem
            except BaseException:
                if storage.dirty:
                    self._undo(partition, database, storage)
                else:
                    storage.end()
                raise
        if written is not None and storage.log is not None:
            self._flush(partition, storage, storage.log, written)

    def _flush(
        self, partition: str, storage: PartitionStorage, log: CommitLog, written: int
    ) -> None:
        """Wait, without the lock, until the entry is on disk (group commit: see
        ``sandbox.store.commit_log``). If the flush fails, nothing written since the last good
        one is kept: the partition is read afresh from its files, and every writer waiting on
        it is told its change was not saved."""
        try:
            log.sync_through(written)
        except FlushFailed as problem:
            if problem.first:
                with self._lock:
                    log.drop_unflushed()
                    if self._storages.get(partition) is storage:
                        del self._storages[partition]
                        self._databases.pop(partition, None)
            raise StoreWriteError(f"{problem.strerror or problem}") from problem

    def _undo(self, partition: str, database: Database, storage: PartitionStorage) -> None:
        undone = storage.rollback()
        if undone.whole_partition:
            del self._databases[partition]  # its tables' indexes describe the replaced data
            return
        for name, doc_keys in undone.documents.items():
            database.table(name).reindex(doc_keys)  # ids of undone inserts are not given out again

    def registry(self) -> AbstractContextManager[Database]:
        """A transaction on the tenants registry."""
        return self._transaction(REGISTRY)

    def drop_tenant(self, tenant_id: str) -> None:
        """Remove every table of a tenant (reset). Credentials live in the registry and stay."""
        with self.transaction(tenant_id) as database:
            database.drop_tables()

    def delete_tenant(self, tenant_id: str) -> None:
        """Remove a tenant's partition: its tables and its files."""
        with self._lock:
            self.drop_tenant(tenant_id)
            self._databases.pop(tenant_id, None)
            storage = self._storages.pop(tenant_id, None)
            if storage is not None:
                storage.destroy()

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
