"""The TinyDB store: one lock, one file per tenant, atomic writes, all-or-nothing transactions."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from sandbox.store import Store, StoreCorruptError


def test_each_tenant_gets_its_own_file(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.transaction("alpha") as db:
        db.table("things").insert({"n": 1})
    with store.transaction("beta") as db:
        db.table("things").insert({"n": 2})
    assert json.loads((tmp_path / "tenants" / "alpha.json").read_text())["things"] == {
        "1": {"n": 1}
    }
    assert json.loads((tmp_path / "tenants" / "beta.json").read_text())["things"] == {"1": {"n": 2}}


def test_writes_survive_a_new_store_on_the_same_directory(tmp_path: Path) -> None:
    with Store(tmp_path).transaction("alpha") as db:
        db.table("things").insert({"n": 1})
    with Store(tmp_path).transaction("alpha") as db:
        assert db.table("things").all() == [{"n": 1}]


def test_a_failed_transaction_writes_nothing_and_is_undone(tmp_path: Path) -> None:
    store = Store(tmp_path)
    with store.transaction("alpha") as db:
        db.table("memos").insert({"n": 1})
    before = (tmp_path / "tenants" / "alpha.json").read_bytes()

    with pytest.raises(RuntimeError), store.transaction("alpha") as db:
        db.table("memos").insert({"n": 2})
        db.table("invoices").insert({"n": 3})
        raise RuntimeError("midway")

    assert (tmp_path / "tenants" / "alpha.json").read_bytes() == before
    with store.transaction("alpha") as db:
        assert db.table("memos").all() == [{"n": 1}]
        assert db.table("invoices").all() == []
        assert db.table("memos").insert({"n": 4}) == 2  # ids carry on from what was kept


def test_one_transaction_is_one_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sandbox.store as store_module

    writes: list[Path] = []
    real_write = store_module._write_atomically
    monkeypatch.setattr(
        store_module, "_write_atomically", lambda p, t: (writes.append(p), real_write(p, t))
    )
    store = Store(tmp_path)
    with store.transaction("alpha") as db:
        for n in range(5):
            db.table("memos").insert({"n": n})
    with store.transaction("alpha") as db:
        db.table("memos").all()
    assert writes == [tmp_path / "tenants" / "alpha.json"]


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for n in range(3):
        with store.transaction("alpha") as db:
            db.table("memos").insert({"n": n})
    assert sorted(p.name for p in (tmp_path / "tenants").iterdir()) == ["alpha.json"]


def test_a_corrupt_file_stops_start_up_instead_of_being_overwritten(tmp_path: Path) -> None:
    (tmp_path / "tenants").mkdir()
    (tmp_path / "tenants" / "alpha.json").write_text('{"memos": {"1": ')
    with pytest.raises(StoreCorruptError):
        Store(tmp_path)
    assert (tmp_path / "tenants" / "alpha.json").read_text() == '{"memos": {"1": '


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
    with Store(tmp_path).transaction("alpha") as db:
        assert len(db.table("memos").all()) == 200


def test_in_memory_store_writes_no_files_but_still_rolls_back(tmp_path: Path) -> None:
    store = Store(None)
    with store.transaction("alpha") as db:
        db.table("memos").insert({"n": 1})
    with pytest.raises(ValueError), store.transaction("alpha") as db:
        db.table("memos").truncate()
        raise ValueError
    with store.transaction("alpha") as db:
        assert db.table("memos").all() == [{"n": 1}]
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
    import sandbox.store as store_module

    store = Store(tmp_path)
    with store.transaction("alpha") as db:
        db.table("memos").insert({"n": 1})

    def disk_full(path: Path, text: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module, "_write_atomically", disk_full)
    with pytest.raises(OSError), store.transaction("alpha") as db:
        db.table("memos").insert({"n": 2})
    monkeypatch.undo()

    with store.transaction("alpha") as db:
        assert db.table("memos").all() == [{"n": 1}]
        db.table("memos").insert({"n": 3})
    assert [
        d["n"]
        for d in json.loads((tmp_path / "tenants" / "alpha.json").read_text())["memos"].values()
    ] == [1, 3]


def test_backend_keeps_its_own_copy_of_what_it_stores() -> None:
    from sandbox.vendors.dayzero.auth import BusinessScope
    from sandbox.vendors.dayzero.models import DayZeroBackend

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
