"""Group commit: writers waiting for the disk share one flush, the store's lock is not held while
the disk flushes, each writer returns only once its entry is flushed, and a flush that fails
keeps none of the changes it did not flush."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sandbox.store import Store, StoreWriteError

WRITERS = 16
WRITES_EACH = 10


def memos(store: Store, tenant: str = "alpha") -> list[int]:
    with store.transaction(tenant) as db:
        return sorted(doc["n"] for doc in db.table("memos").all())


def insert(store: Store, n: int) -> None:
    with store.transaction("alpha") as db:
        db.table("memos").insert({"n": n})


def _in_threads(work: Callable[[int], None], count: int) -> list[BaseException]:
    problems: list[BaseException] = []

    def run(index: int) -> None:
        try:
            work(index)
        except BaseException as problem:  # collected for the test to assert on
            problems.append(problem)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return problems


def test_concurrent_writers_share_flushes_and_every_write_is_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path)
    insert(store, -1)  # the log file exists before the writers start
    real = os.fdatasync
    flushes = []

    def slow_flush(fd: int) -> None:  # a disk that takes 5 ms a flush
        flushes.append(fd)
        time.sleep(0.005)
        real(fd)

    monkeypatch.setattr(os, "fdatasync", slow_flush)

    def writer(index: int) -> None:
        for k in range(WRITES_EACH):
            insert(store, index * WRITES_EACH + k)

    assert _in_threads(writer, WRITERS) == []
    monkeypatch.undo()
    writes = WRITERS * WRITES_EACH
    assert len(flushes) < writes // 2, f"{len(flushes)} flushes for {writes} writes"
    expected = [-1, *range(writes)]
    assert memos(store) == expected
    assert memos(Store(tmp_path)) == expected  # read back from the files alone


def _blocking_flush(monkeypatch: pytest.MonkeyPatch, outcome: Callable[[int], None]) -> Any:
    """fdatasync that waits until the test lets it go, then does ``outcome``."""
    entered, release = threading.Event(), threading.Event()

    def flush(fd: int) -> None:
        entered.set()
        assert release.wait(timeout=30)
        outcome(fd)

    monkeypatch.setattr(os, "fdatasync", flush)
    return entered, release


def _writer_inside_its_flush(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Store, threading.Thread, threading.Event]:
    """A store holding memo 1, and a writer of memo 2 held inside its flush until the event
    it returns is set."""
    store = Store(tmp_path)
    insert(store, 1)
    entered, release = _blocking_flush(monkeypatch, os.fdatasync)
    writer = threading.Thread(target=insert, args=(store, 2))
    writer.start()
    assert entered.wait(timeout=10)
    return store, writer, release


def test_readers_and_other_writers_do_not_wait_for_a_flush(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, writer, release = _writer_inside_its_flush(tmp_path, monkeypatch)
    # the writer is inside its flush: the store answers a read meanwhile, change included
    # (it is not yet acknowledged; it is flushed before the writer returns)
    assert memos(store) == [1, 2]
    assert writer.is_alive()
    release.set()
    writer.join(timeout=10)
    assert memos(Store(tmp_path)) == [1, 2]


def test_a_failed_flush_keeps_none_of_the_unflushed_writes_and_tells_each_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(tmp_path)
    insert(store, 1)  # acknowledged: flushed

    def disk_error(fd: int) -> None:
        raise OSError(5, "Input/output error")

    entered, release = _blocking_flush(monkeypatch, disk_error)
    outcomes: dict[int, str] = {}

    def write(n: int) -> None:
        try:
            insert(store, n)
            outcomes[n] = "saved"
        except StoreWriteError as refusal:
            outcomes[n] = str(refusal)

    first = threading.Thread(target=write, args=(2,))
    first.start()
    assert entered.wait(timeout=10)
    second = threading.Thread(target=write, args=(3,))  # written while the flush hangs
    second.start()
    time.sleep(0.2)
    release.set()
    first.join(timeout=10)
    second.join(timeout=10)
    monkeypatch.undo()

    assert outcomes == {2: "Input/output error", 3: "Input/output error"}
    assert memos(store) == [1]  # neither is served
    insert(store, 4)  # and the store goes on
    assert memos(store) == [1, 4]
    assert memos(Store(tmp_path)) == [1, 4]  # nor kept on disk


def test_a_deleted_tenants_waiting_writer_is_not_kept_waiting_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, writer, release = _writer_inside_its_flush(tmp_path, monkeypatch)
    remover = threading.Thread(target=store.delete_tenant, args=("alpha",))
    remover.start()
    release.set()
    writer.join(timeout=10)
    remover.join(timeout=10)
    monkeypatch.undo()
    assert not writer.is_alive() and not remover.is_alive()
    assert not (tmp_path / "tenants" / "alpha.log").exists()
    assert memos(Store(tmp_path)) == []
