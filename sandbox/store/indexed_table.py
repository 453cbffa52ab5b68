"""A TinyDB table that finds documents through in-memory indexes and changes them one by one.

Plain TinyDB answers every query by testing every document, and rebuilds the whole table on
every write. Both grow with the data: with 100,000 memos a get by id took over a second here. This
table keeps TinyDB's API and query language (the models keep writing ``Query().id == memo_id``)
and changes two things:

- **Reads.** A query's equality tests on top-level fields (``==`` and ``one_of``, alone or joined
  by ``&``) are looked up in an index of that field, built the first time a query uses the field
  and kept current on every write. Only the documents the index names are tested against the
  whole query. Queries the indexes cannot narrow (``|``, ``~``, nested paths, ``test``) still
  scan, as in TinyDB.
- **Writes.** Inserts, updates and removes change only the documents concerned, and tell the
  storage (:class:`sandbox.store.storage.PartitionStorage`) which ones, so it can log just those
  and undo just those.

Results come in document-id order, oldest first, which is also creation order.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from typing import Any, overload

from tinydb.table import Document, Table

from sandbox.store.storage import PartitionStorage

__all__ = ["IndexedTable", "Selection"]

_INDEXABLE = (str, int, float, bool, type(None))
_MISSING: Any = object()
Condition = tuple[str, tuple[Any, ...]]  # field, the values it may equal


class FieldIndex:
    """Document ids by the value of one top-level field; each value's ids kept sorted."""

    def __init__(self, field: str) -> None:
        self.field = field
        self._ids: dict[Any, list[int]] = {}
        self._value_of: dict[int, Any] = {}

    @classmethod
    def build(cls, field: str, documents: Mapping[str, Mapping[str, Any]]) -> FieldIndex:
        index = cls(field)
        for doc_key, document in documents.items():
            value = index._value(document)
            if value is not _MISSING:
                doc_id = int(doc_key)
                index._value_of[doc_id] = value
                index._ids.setdefault(value, []).append(doc_id)
        for ids in index._ids.values():
            ids.sort()
        return index

    def _value(self, document: Mapping[str, Any] | None) -> Any:
        if document is None:
            return _MISSING
        value = document.get(self.field, _MISSING)
        return value if isinstance(value, _INDEXABLE) else _MISSING

    def update(self, doc_id: int, document: Mapping[str, Any] | None) -> None:
        """The document with this id is now ``document`` (``None``: it is gone)."""
        old = self._value_of.get(doc_id, _MISSING)
        new = self._value(document)
        if old is not _MISSING and new is not _MISSING and type(old) is type(new) and old == new:
            return
        if old is not _MISSING:
            ids = self._ids[old]
            position = bisect.bisect_left(ids, doc_id)
            if position < len(ids) and ids[position] == doc_id:
                del ids[position]
            if not ids:
                del self._ids[old]
            del self._value_of[doc_id]
        if new is not _MISSING:
            ids = self._ids.setdefault(new, [])
            if not ids or ids[-1] < doc_id:
                ids.append(doc_id)
            else:
                bisect.insort(ids, doc_id)
            self._value_of[doc_id] = new

    def ids(self, value: Any) -> list[int]:
        """Ids of the documents whose field equals ``value``, ascending. Do not change the list."""
        return self._ids.get(value, [])

    def holds(self, doc_id: int, values: tuple[Any, ...]) -> bool:
        return self._value_of.get(doc_id, _MISSING) in values


def _conditions(spec: Any) -> tuple[list[Condition], bool]:
    """The equality tests every match of a TinyDB query satisfies (read from the query's hash),
    and whether they are the whole query."""
    if not isinstance(spec, tuple) or not spec:
        return [], False
    operator = spec[0]
    if operator in ("==", "one_of") and len(spec) == 3:
        path, value = spec[1], spec[2]
        if isinstance(path, tuple) and len(path) == 1 and isinstance(path[0], str):
            values = (value,) if operator == "==" else value
            if isinstance(values, tuple) and all(isinstance(v, _INDEXABLE) for v in values):
                return [(path[0], values)], True
        return [], False
    if operator == "and":
        conditions: list[Condition] = []
        complete = True
        for part in spec[1]:
            found, whole = _conditions(part)
            conditions += found
            complete = complete and whole
        return conditions, complete and bool(conditions)
    return [], False


class Selection(Sequence[Document]):
    """The documents of a query, oldest first, read from the table only when asked for.

    A page of 50 out of 100,000 matches reads 50 documents. Valid until the table next changes:
    use it inside the transaction that made it.
    """

    def __init__(self, documents: Mapping[str, Mapping[str, Any]], doc_ids: Sequence[int]) -> None:
        self._documents = documents
        self.doc_ids = doc_ids

    def __len__(self) -> int:
        return len(self.doc_ids)

    @overload
    def __getitem__(self, position: int) -> Document: ...
    @overload
    def __getitem__(self, position: slice) -> list[Document]: ...
    def __getitem__(self, position: int | slice) -> Document | list[Document]:
        if isinstance(position, slice):
            return [self._document(doc_id) for doc_id in self.doc_ids[position]]
        return self._document(self.doc_ids[position])

    def _document(self, doc_id: int) -> Document:
        return Document(self._documents[str(doc_id)], doc_id)


class _Tracked(MutableMapping[int, Any]):
    """A table's raw documents as TinyDB's updaters see them (int ids), telling the storage about
    each document before the updater can change it."""

    def __init__(self, documents: dict[str, Any], before_change: Callable[[str], None]) -> None:
        self._documents = documents
        self._before_change = before_change
        self.touched: set[str] = set()

    def _touch(self, doc_key: str) -> None:
        if doc_key not in self.touched:
            self._before_change(doc_key)
            self.touched.add(doc_key)

    def __getitem__(self, doc_id: int) -> Any:
        doc_key = str(doc_id)
        document = self._documents[doc_key]
        self._touch(doc_key)  # TinyDB's update changes the document it gets in place
        return document

    def __setitem__(self, doc_id: int, document: Any) -> None:
        doc_key = str(doc_id)
        self._touch(doc_key)
        self._documents[doc_key] = document

    def __delitem__(self, doc_id: int) -> None:
        doc_key = str(doc_id)
        if doc_key not in self._documents:
            raise KeyError(doc_id)
        self._touch(doc_key)
        del self._documents[doc_key]

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self._documents

    def __iter__(self) -> Iterator[int]:
        return (int(doc_key) for doc_key in list(self._documents))

    def __len__(self) -> int:
        return len(self._documents)


class IndexedTable(Table):
    """TinyDB's table with indexed equality lookups and document-by-document writes."""

    _storage: PartitionStorage

    def __init__(self, storage: PartitionStorage, name: str, **kwargs: Any) -> None:
        super().__init__(storage, name, **kwargs)
        self._indexes: dict[str, FieldIndex] = {}

    # reads ----------------------------------------------------------------------------------

    def select(self, cond: Any) -> Selection:
        """The query's matches, oldest first; read lazily when the indexes answer it whole."""
        documents = self._read_table()
        candidates, complete = self._candidates(cond)
        if candidates is None:
            return Selection(documents, [doc.doc_id for doc in self._scan(cond)])
        if complete:
            return Selection(documents, candidates)
        return Selection(documents, [i for i in candidates if cond(documents[str(i)])])

    def search(self, cond: Any) -> list[Document]:
        candidates, complete = self._candidates(cond)
        if candidates is None:
            return self._scan(cond)
        documents = self._read_table()
        found = []
        for doc_id in candidates:
            document = documents[str(doc_id)]
            if complete or cond(document):
                found.append(Document(document, doc_id))
        return found

    def _scan(self, cond: Any) -> list[Document]:
        """TinyDB's own search, every document tested, in document-id order."""
        return sorted(super().search(cond), key=lambda doc: doc.doc_id)

    def get(  # type: ignore[override]
        self,
        cond: Any = None,
        doc_id: int | None = None,
        doc_ids: list[int] | None = None,
    ) -> Document | list[Document] | None:
        if cond is None or doc_id is not None or doc_ids is not None:
            return super().get(cond, doc_id, doc_ids)
        candidates, complete = self._candidates(cond)
        if candidates is None:
            found = self._scan(cond)
            return found[0] if found else None
        documents = self._read_table()
        for candidate in candidates:
            document = documents[str(candidate)]
            if complete or cond(document):
                return Document(document, candidate)
        return None

    def __iter__(self) -> Iterator[Document]:
        documents = self._read_table()
        for doc_key in sorted(documents, key=int):
            yield Document(documents[doc_key], int(doc_key))

    # writes ---------------------------------------------------------------------------------

    def update(
        self,
        fields: Mapping[str, Any] | Callable[[MutableMapping[str, Any]], None],
        cond: Any = None,
        doc_ids: Iterable[int] | None = None,
    ) -> list[int]:
        if cond is not None and doc_ids is None:
            doc_ids = [doc.doc_id for doc in self.search(cond)]
        return super().update(fields, None, doc_ids)

    def remove(self, cond: Any = None, doc_ids: Iterable[int] | None = None) -> list[int]:
        if cond is not None and doc_ids is None:
            doc_ids = [doc.doc_id for doc in self.search(cond)]
        return super().remove(None, doc_ids)

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        tables = self._storage.read()
        documents = tables.setdefault(self.name, {})
        tracked = _Tracked(
            documents, lambda doc_key: self._storage.before_change(self.name, doc_key)
        )
        try:
            updater(tracked)  # type: ignore[arg-type]  # a dict for all TinyDB's updaters do
        finally:
            self.reindex(tracked.touched)

    def reindex(self, doc_keys: Iterable[str]) -> None:
        """These documents changed (or were put back by a rollback): bring the indexes along."""
        documents = self._read_table()
        for doc_key in doc_keys:
            document = documents.get(doc_key)
            for index in self._indexes.values():
                index.update(int(doc_key), document)
        self.clear_cache()

    # the query planner ----------------------------------------------------------------------

    def _index(self, field: str) -> FieldIndex:
        index = self._indexes.get(field)
        if index is None:
            index = self._indexes[field] = FieldIndex.build(field, self._read_table())
        return index

    def _candidates(self, cond: Any) -> tuple[Sequence[int] | None, bool]:
        """Ascending ids of the documents that can match ``cond`` (``None``: could be any), and
        whether they all do."""
        conditions, complete = _conditions(getattr(cond, "_hash", None))
        if not conditions:
            return None, False
        narrowed: list[tuple[FieldIndex, tuple[Any, ...], Sequence[int]]] = []
        for field, values in conditions:
            index = self._index(field)
            if len(values) == 1:
                ids: Sequence[int] = index.ids(values[0])
            else:
                ids = sorted({doc_id for value in values for doc_id in index.ids(value)})
            narrowed.append((index, values, ids))
        narrowed.sort(key=lambda entry: len(entry[2]))
        fewest = narrowed[0][2]
        if len(narrowed) == 1:
            return fewest, complete
        others = narrowed[1:]
        return [
            doc_id
            for doc_id in fewest
            if all(index.holds(doc_id, values) for index, values, _ in others)
        ], complete
