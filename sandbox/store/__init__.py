"""Persistence for the sandbox: the only package that imports TinyDB's database, storage and
table classes (the vendors' models take ``Database`` and ``Document`` from here, and build
queries with TinyDB's ``Query``).

- :mod:`~sandbox.store.partitions`: :class:`Store`, one partition per tenant behind one lock,
  transactions that are persisted whole or undone whole.
- :mod:`~sandbox.store.indexed_table`: the TinyDB table class, with in-memory indexes.
- :mod:`~sandbox.store.storage`: the TinyDB storage class, data in memory, one log entry per
  committed transaction.
- :mod:`~sandbox.store.commit_log`: the files (snapshot and log) and what survives a crash.
"""

from tinydb.table import Document

from sandbox.store.commit_log import StoreCorruptError, StoreUnwritableError
from sandbox.store.indexed_table import IndexedTable, Selection
from sandbox.store.partitions import REGISTRY, Database, Store, StoreWriteError, valid_tenant_id

__all__ = [
    "REGISTRY",
    "Database",
    "Document",
    "IndexedTable",
    "Selection",
    "Store",
    "StoreCorruptError",
    "StoreUnwritableError",
    "StoreWriteError",
    "valid_tenant_id",
]
