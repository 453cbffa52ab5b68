"""The store: one lock, one partition per tenant, a log entry per transaction, all or nothing."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from sandbox.store import Store, StoreCorruptError, StoreWriteError, commit_log
from sandbox.store import storage as storage_module


def log_lines(data_dir: Path, tenant: str) -> list[bytes]:
    path = data_dir / "tenants" / f"{tenant}.log"
    return path.read_bytes().splitlines(keepends=True) if path.exists() else []


def memos(store: Store, tenant: str = "alpha") -> list[dict]:
    with store.transaction(tenant) as db:
        return [dict(doc) for doc in db.table("memos").all()]


def test_each_tenant_gets_its_own_files(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.transaction("alpha") as db:
        db.table("things").insert({"n": 1})
    with store.transaction("beta") as db:
        db.table("things").insert({"n": 2})
    assert sorted(p.name for p in (tmp_path / "tenants").iterdir()) == ["alpha.log", "beta.log"]
    assert b'"n":1' in log_lines(tmp_path, "alpha")[0]
    assert b'"n":1' not in log_lines(tmp_path, "beta")[0]


def test_writes_survive_a_new_store_on_the_same_directory(tmp_path: Path) -> None:
    with Store(tmp_path).transaction("alpha") as db:
        db.table("memos").insert({"n": 1})
        db.table("memos").insert({"n": 2})
    with Store(tmp_path).transaction("alpha") as db:
        db.table("memos").update({"n": 20}, doc_ids=[2])
        db.table("memos").insert({"n": 3})
        db.table("memos").remove(doc_ids=[1])
    assert memos(Store(tmp_path)) == [{"n": 20}, {"n": 3}]


def test_a_failed_transaction_writes_nothing_and_is_undone(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.transaction("alpha") as db:
        db.table("memos").insert({"n": 1})
        db.table("memos").insert({"n": 5})
    before = log_lines(tmp_path, "alpha")

    with pytest.raises(RuntimeError), store.transaction("alpha") as db:
        db.table("memos").insert({"n": 2})
        db.table("memos").update({"n": 50}, doc_ids=[2])
        db.table("memos").remove(doc_ids=[1])
        db.table("invoices").insert({"n": 3})
        raise RuntimeError("midway")

    assert log_lines(tmp_path, "alpha") == before
    with store.transaction("alpha") as db:
        assert db.table("memos").all() == [{"n": 1}, {"n": 5}]
        assert db.table("invoices").all() == []
        assert db.table("memos").insert({"n": 4}) == 4  # an undone insert's id is not reused
    assert memos(Store(tmp_path)) == [{"n": 1}, {"n": 5}, {"n": 4}]


def test_one_transaction_is_one_log_entry(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.transaction("alpha") as db:
        for n in range(5):
            db.table("memos").insert({"n": n})
    with store.transaction("alpha") as db:
        db.table("memos").all()
    assert len(log_lines(tmp_path, "alpha")) == 1


def test_a_write_costs_the_size_of_the_change_not_of_the_tenant(tmp_path: Path) -> None:
    store = Store(tmp_path)
    entry_sizes = []
    for size in (10, 10_000):
        tenant = f"t{size}"
        with store.transaction(tenant) as db:
            db.table("memos").insert_multiple({"n": n, "pad": "x" * 50} for n in range(size))
        with store.transaction(tenant) as db:
            db.table("memos").update({"n": -1}, doc_ids=[size // 2])
        entry_sizes.append(len(log_lines(tmp_path, tenant)[-1]))
    assert entry_sizes[0] == entry_sizes[1] - len(str(10_000 // 2)) + len(str(10 // 2))


def test_a_long_log_is_folded_into_a_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_module, "COMPACT_AT_LEAST", 2_000)
    store = Store(tmp_path)
    for n in range(100):
        with store.transaction("alpha") as db:
            db.table("memos").insert({"n": n, "pad": "x" * 20})
    snapshot = json.loads((tmp_path / "tenants" / "alpha.json").read_text())
    assert len(snapshot["memos"]) > 50  # compacted at least once, late in the run
    assert (tmp_path / "tenants" / "alpha.log").stat().st_size <= 2_000
    assert [m["n"] for m in memos(Store(tmp_path))] == list(range(100))


def test_whatever_a_document_holds_comes_back_from_the_log_and_from_a_snapshot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # beyond 64 bits (which orjson cannot write), non-ASCII text, floats, nesting, nulls
    odd = {"big": 2**70, "text": "Café Zürich ☕", "ratio": 0.1, "deep": {"a": [None, True]}}
    store = Store(tmp_path)
    with store.transaction("alpha") as db:
        db.table("memos").insert({"n": 1, **odd})
    assert memos(Store(tmp_path)) == [{"n": 1, **odd}]  # read back from the log
    monkeypatch.setattr(storage_module, "COMPACT_AT_LEAST", 100)
    with store.transaction("alpha") as db:
        db.table("memos").insert({"n": 2, "pad": "x" * 200})
    assert (tmp_path / "tenants" / "alpha.log").stat().st_size == 0  # folded into the snapshot
    assert memos(Store(tmp_path)) == [{"n": 1, **odd}, {"n": 2, "pad": "x" * 200}]


def test_a_crash_between_snapshot_and_emptying_the_log_loses_and_repeats_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path)
    with store.transaction("alpha") as db:
        db.table("memos").insert_multiple([{"n": 1}, {"n": 2}])
    store.drop_tenant("alpha")  # a reset is logged too
    with store.transaction("alpha") as db:
        db.table("memos").insert({"n": 3})
        db.table("counters").insert({"value": 1})
    with store.transaction("alpha") as db:
        db.table("counters").update({"value": 2}, doc_ids=[1])

    def crash(self: object) -> None:
        raise OSError("the crash came before the log was emptied")

    monkeypatch.setattr(storage_module, "COMPACT_AT_LEAST", 0)
    monkeypatch.setattr(commit_log.CommitLog, "clear", crash)
    with store.transaction("alpha") as db:
        db.table("memos").remove(doc_ids=[1])
    snapshot = json.loads((tmp_path / "tenants" / "alpha.json").read_text())
    assert snapshot["memos"] == {} and len(log_lines(tmp_path, "alpha")) == 5
    with Store(tmp_path).transaction("alpha") as db:
        assert db.table("memos").all() == []
        assert db.table("counters").all() == [{"value": 2}]


def test_a_torn_last_line_is_cut_off_and_the_log_goes_on(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.transaction("alpha") as db:
        db.table("memos").insert({"n": 1})
    path = tmp_path / "tenants" / "alpha.log"
    whole = path.read_bytes()
    with path.open("ab") as log:
        log.write(b'1234abcd {"set":{"memos":{"2":{"n"')  # the crash came mid-write
    store = Store(tmp_path)
    assert path.read_bytes() == whole
    with store.transaction("alpha") as db:
        db.table("memos").insert({"n": 2})
    assert memos(Store(tmp_path)) == [{"n": 1}, {"n": 2}]


def test_a_damaged_line_before_the_last_stops_start_up(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for n in range(3):
        with store.transaction("alpha") as db:
            db.table("memos").insert({"n": n})
    path = tmp_path / "tenants" / "alpha.log"
    damaged = path.read_bytes().replace(b'"n":0', b'"n":9')
    path.write_bytes(damaged)
    with pytest.raises(StoreCorruptError, match="line 1"):
        Store(tmp_path)
    assert path.read_bytes() == damaged


def test_a_corrupt_snapshot_stops_start_up_instead_of_being_overwritten(tmp_path: Path) -> None:
    (tmp_path / "tenants").mkdir()
    (tmp_path / "tenants" / "alpha.json").write_text('{"memos": {"1": ')
    with pytest.raises(StoreCorruptError):
        Store(tmp_path)
    assert (tmp_path / "tenants" / "alpha.json").read_text() == '{"memos": {"1": '


def test_a_snapshot_in_tinydb_layout_is_read_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "tenants").mkdir()
    (tmp_path / "tenants" / "alpha.json").write_text('{"memos": {"2": {"n": 2}, "10": {"n": 10}}}')
    store = Store(tmp_path)
    with store.transaction("alpha") as db:
        assert [doc.doc_id for doc in db.table("memos").all()] == [2, 10]
        assert db.table("memos").insert({"n": 11}) == 11


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path)

    def insert_many(worker: int) -> None:
        for n in range(50):
            with store.transaction("alpha") as db:
                db.table("memos").insert({"worker": worker, "n": n})

    threads = [threading.Thread(target=insert_many, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(memos(Store(tmp_path))) == 200


def test_in_memory_store_writes_no_files_but_still_rolls_back(tmp_path: Path) -> None:
    store = Store(None)
    with store.transaction("alpha") as db:
        db.table("memos").insert({"n": 1})
    with pytest.raises(ValueError), store.transaction("alpha") as db:
        db.table("memos").truncate()
        raise ValueError
    with pytest.raises(ValueError), store.transaction("alpha") as db:
        db.drop_tables()
        raise ValueError
    assert memos(store) == [{"n": 1}]
    assert store.in_memory


def test_tenant_ids_cannot_escape_the_data_directory(tmp_path: Path) -> None:
    with pytest.raises(ValueError), Store(tmp_path).transaction("../outside"):
        pass


@pytest.mark.parametrize("tenant_id", ["_registry", "abc\n", "", "-x", "a" * 65, "../x"])
def test_tenant_ids_that_could_collide_or_mislead_are_refused(
    tmp_path: Path, tenant_id: str
) -> None:
    with pytest.raises(ValueError), Store(tmp_path).transaction(tenant_id):
        pass


def test_a_write_that_fails_on_disk_is_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path)
    with store.transaction("alpha") as db:
        db.table("memos").insert({"n": 1})
    before = log_lines(tmp_path, "alpha")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdatasync", disk_full)
    with pytest.raises(StoreWriteError), store.transaction("alpha") as db:
        db.table("memos").insert({"n": 2})
    monkeypatch.undo()

    assert log_lines(tmp_path, "alpha") == before  # the unflushed entry was cut back off
    with store.transaction("alpha") as db:
        assert db.table("memos").all() == [{"n": 1}]
        db.table("memos").insert({"n": 3})
    assert [m["n"] for m in memos(Store(tmp_path))] == [1, 3]


def test_a_reset_and_a_deleted_tenant_stay_that_way_after_a_restart(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for tenant in ("alpha", "beta"):
        with store.transaction(tenant) as db:
            db.table("memos").insert({"n": 1})
    store.drop_tenant("alpha")
    store.delete_tenant("beta")
    assert not (tmp_path / "tenants" / "beta.log").exists()
    again = Store(tmp_path)
    assert memos(again, "alpha") == []
    assert memos(again, "beta") == []


def test_a_restored_export_reads_back_the_same(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.transaction("alpha") as db:
        db.table("memos").insert_multiple([{"n": 1}, {"n": 2}])
        db.table("memos").remove(doc_ids=[1])
    exported = store.export_tenant("alpha")
    store.import_tenant("beta", exported)
    assert Store(tmp_path).export_tenant("beta") == exported == {"memos": {"2": {"n": 2}}}


def test_backend_keeps_its_own_copy_of_what_it_stores() -> None:
    from sandbox.vendors.dayzero.models import DayZeroBackend
    from sandbox.vendors.dayzero.scope import BusinessScope

    backend = DayZeroBackend(Store(None))
    scope = BusinessScope("alpha", "b1")
    customer = backend.create_customer(scope, {"name": "Acme"})
    fields = {
        "customer_id": customer["id"],
        "amount_cents": 100,
        "line_items": [{"description": "a"}],
    }
    memo = backend.create_memo(scope, fields).memo
    fields["line_items"].append({"description": "b"})
    assert backend.get_memo(scope, memo["id"]).memo["line_items"] == [{"description": "a"}]
