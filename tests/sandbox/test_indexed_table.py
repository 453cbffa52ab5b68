"""The indexed table answers every query exactly as plain TinyDB does, in creation order."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage

from sandbox.store import Selection, Store

Q = Query()
QUERIES = {
    "equal": Q.business == "b1",
    "equal int": Q.amount == 3,
    "equal none": Q.invoice == None,  # noqa: E711 (TinyDB's query language)
    "one of": Q.customer.one_of(["c1", "c3", "nobody"]),
    "and": (Q.business == "b2") & (Q.customer == "c2"),
    "and with a scan part": (Q.business == "b1") & (Q.amount > 5),
    "nested and": (Q.business == "b1") & ((Q.customer == "c1") & Q.state.one_of(["open", "void"])),
    "or (scans)": (Q.customer == "c1") | (Q.amount == 0),
    "not (scans)": ~(Q.business == "b1"),
    "nested path (scans)": Q.meta.kind == "x",
    "field missing from some": Q.state == "open",
    "list value never equals a scalar": Q.tags == "a",
    "nothing matches": Q.business == "b9",
}


def random_document(rng: random.Random) -> dict[str, Any]:
    document: dict[str, Any] = {
        "business": rng.choice(["b1", "b2", "b3"]),
        "customer": rng.choice(["c1", "c2", "c3", "c4"]),
        "amount": rng.randrange(10),
        "invoice": rng.choice([None, "i1", "i2"]),
        "meta": {"kind": rng.choice(["x", "y"])},
        "tags": rng.choice([["a"], "a", "b"]),
    }
    if rng.random() < 0.7:
        document["state"] = rng.choice(["open", "void", "draft"])
    return document


def same_answers(table: Any, plain: Any) -> None:
    for name, query in QUERIES.items():
        expected = sorted(plain.search(query), key=lambda doc: doc.doc_id)
        found = table.search(query)
        assert found == expected, name
        assert [doc.doc_id for doc in found] == [doc.doc_id for doc in expected], name
        assert table.get(query) == (expected[0] if expected else None), name
        assert table.count(query) == len(expected), name
        assert list(table.select(query)) == expected, name


@pytest.mark.parametrize("seed", range(5))
def test_queries_answer_as_plain_tinydb_through_inserts_updates_removes_and_rollbacks(
    tmp_path: Path, seed: int
) -> None:
    rng = random.Random(seed)
    store = Store(tmp_path)
    plain = TinyDB(storage=MemoryStorage).table("docs")
    for step in range(300):
        action = rng.random()
        with store.transaction("alpha") as db:
            table = db.table("docs")
            if action < 0.5 or len(plain) == 0:
                document = random_document(rng)
                assert table.insert(document) == plain.insert(document)
            elif action < 0.75:
                doc_id = rng.choice([doc.doc_id for doc in plain.all()])
                changes = random_document(rng)
                table.update(changes, doc_ids=[doc_id])
                plain.update(changes, doc_ids=[doc_id])
            elif action < 0.85:
                query = rng.choice(list(QUERIES.values()))
                table.update({"amount": step}, query)
                plain.update({"amount": step}, query)
            elif action < 0.95:
                doc_id = rng.choice([doc.doc_id for doc in plain.all()])
                table.remove(doc_ids=[doc_id])
                plain.remove(doc_ids=[doc_id])
            else:
                query = rng.choice(list(QUERIES.values()))
                table.remove(query)
                plain.remove(query)
        if step % 10 == 0:
            with store.transaction("alpha") as db:
                same_answers(db.table("docs"), plain)
            # a failed transaction leaves the indexes describing what was kept
            with pytest.raises(RuntimeError), store.transaction("alpha") as db:
                plain.remove(doc_ids=[plain.insert({})])  # the undone insert's id is spent
                db.table("docs").insert(random_document(rng))
                db.table("docs").update({"business": "b9"}, Q.business == "b1")
                db.table("docs").remove(Q.customer == "c2")
                raise RuntimeError
    with store.transaction("alpha") as db:
        same_answers(db.table("docs"), plain)
    with Store(tmp_path).transaction("alpha") as db:
        same_answers(db.table("docs"), plain)


def test_a_selection_reads_only_the_documents_asked_for() -> None:
    store = Store(None)
    with store.transaction("alpha") as db:
        db.table("memos").insert_multiple({"business": "b1", "n": n} for n in range(1000))
        db.table("memos").insert({"business": "b2", "n": -1})
        selection = db.table("memos").select(Q.business == "b1")
        assert isinstance(selection, Selection)
        assert len(selection) == 1000
        assert selection.doc_ids[:3] == [1, 2, 3]
        assert [doc["n"] for doc in selection[-2:]] == [998, 999]
        assert len(db.table("memos").select(Q.business == "b1")) == 1000


def test_upsert_updates_through_the_index_or_inserts() -> None:
    store = Store(None)
    with store.transaction("alpha") as db:
        counters = db.table("counters")
        counters.upsert({"key": "memo", "value": 1}, Q.key == "memo")
        counters.upsert({"key": "memo", "value": 2}, Q.key == "memo")
        counters.upsert({"key": "invoice", "value": 1}, Q.key == "invoice")
        assert counters.all() == [{"key": "memo", "value": 2}, {"key": "invoice", "value": 1}]
        assert counters.get(Q.key == "memo") == {"key": "memo", "value": 2}
