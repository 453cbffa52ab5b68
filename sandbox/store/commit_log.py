"""The files a tenant's data lives in: a snapshot, and a log of the transactions committed since.

Why a log: TinyDB's own storages rewrite the whole file on every write, so a write costs the size
of everything stored. Here a committed transaction appends one line that holds only the documents
it changed, and is flushed to disk (``fdatasync``) before the client is answered: a write costs
the size of the change, and an acknowledged write survives a crash. Now and then the partition
writes a fresh snapshot and empties the log (see :mod:`sandbox.store.storage`).

Group commit: appending an entry (under the store's lock) only writes it; the writer is answered
after :meth:`CommitLog.sync_through` has flushed a point of the log at or past its entry, outside
the lock. Writers that wait together share one flush: whoever flushes first covers every entry
written before it. A flush that fails poisons the log: nothing written since the last good flush
is acknowledged, and the store drops it from memory and the file (``sandbox.store.partitions``).

Each line is ``<crc32 as 8 hex digits> <JSON>\\n``. Only the last line can be torn by a crash (one
writer, appends only, each one flushed before the next); a torn last line was never acknowledged,
so it is cut off when the log is opened. A bad line anywhere else means the file was damaged:
the store refuses to start rather than guess.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = [
    "CommitLog",
    "FlushFailed",
    "StoreCorruptError",
    "StoreUnwritableError",
    "check_writable",
    "read_snapshot",
    "write_atomically",
]
PROBE_BYTES = 4096


class StoreCorruptError(RuntimeError):
    """A data file exists but cannot be read: refuse to start rather than overwrite it."""


class FlushFailed(OSError):
    """The entries of a log from some point on could not be flushed to disk. ``first`` is true
    for the one caller that met the failure itself: it has the store drop what was not flushed.
    """

    def __init__(self, problem: OSError, *, first: bool) -> None:
        super().__init__(problem.errno, problem.strerror or str(problem))
        self.first = first


class StoreUnwritableError(RuntimeError):
    """The data directory takes no writes (read-only, full, not ours): refuse to start, rather
    than fail on a client's first write."""


def check_writable(directory: Path) -> None:
    """Create, fill, flush and remove a small file in ``directory``, as a commit would."""
    probe = directory / ".creditbox-write-check"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            if os.write(fd, b"\0" * PROBE_BYTES) != PROBE_BYTES:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            os.fdatasync(fd)
        finally:
            os.close(fd)
        probe.unlink()
    except OSError as problem:
        with contextlib.suppress(OSError):
            probe.unlink()
        reason = problem.strerror or str(problem)
        raise StoreUnwritableError(f"{directory} cannot be written: {reason}") from None


def read_snapshot(path: Path) -> dict[str, Any]:
    """A snapshot file's tables (TinyDB's own JSON layout), or nothing if there is no file."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise StoreCorruptError(f"{path} is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise StoreCorruptError(f"{path} does not hold tables")
    return data


def write_atomically(path: Path, text: str) -> None:
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
    _sync_directory(path.parent)


def _sync_directory(directory: Path) -> None:
    """Make a file's creation or rename durable, not only its contents."""
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _line(entry_json: str) -> bytes:
    body = entry_json.encode("utf-8")
    return b"%08x %s\n" % (zlib.crc32(body), body)


def _parse(line: bytes) -> Any:
    """The entry on one full line, or ``None`` if the line is damaged."""
    checksum, _, body = line.rstrip(b"\n").partition(b" ")
    try:
        if int(checksum, 16) != zlib.crc32(body):
            return None
        return json.loads(body)
    except ValueError:
        return None


class CommitLog:
    """An append-only file of committed transactions, each flushed to disk before it counts."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._broken = False
        self._size = path.stat().st_size if path.exists() else 0
        # Entries are numbered as they are written; ``_flushed`` is the last one known to be on
        # disk, and its byte offset ``_flushed_size``. One flush runs at a time.
        self._written = 0
        self._flushed = 0
        self._flushed_size = self._size
        self._flushing = threading.Lock()
        self._poisoned: OSError | None = None
        self._removed = False

    @property
    def size(self) -> int:
        """Bytes of committed entries in the log."""
        return self._size

    def entries(self) -> Iterator[Any]:
        """Every committed entry, oldest first; a torn last line is cut off the file."""
        if not self.path.exists():
            return
        with self.path.open("rb") as log:
            lines = log.read().split(b"\n")
        good = 0
        for number, line in enumerate(lines[:-1], start=1):
            entry = _parse(line)
            if entry is None:
                if number == len(lines) - 1:  # the last full line: torn before it was flushed
                    break
                raise StoreCorruptError(f"{self.path}: line {number} is damaged")
            good += len(line) + 1
            yield entry
        if good != self._size:
            # What follows the last good line (a torn write) was never acknowledged.
            with self.path.open("r+b") as log:
                log.truncate(good)
                os.fsync(log.fileno())
            self._size = good

    def append(self, entry_json: str) -> int:
        """Write one entry (not yet flushed: see :meth:`sync_through`); its number. On failure
        the log is as it was before."""
        if self._broken:
            raise OSError(f"{self.path} could not be repaired after a failed write; restart")
        if self._poisoned is not None:
            raise OSError(self._poisoned.errno, self._poisoned.strerror or str(self._poisoned))
        line = _line(entry_json)
        fd = self._open()
        try:
            written = os.write(fd, line)
            if written != len(line):
                raise OSError(f"short write to {self.path}: {written} of {len(line)} bytes")
        except BaseException:
            self._cut_back()
            raise
        self._size += len(line)
        self._written += 1
        return self._written

    def sync_through(self, entry: int) -> None:
        """Return once entry number ``entry`` is on disk, flushing it (and everything written
        before the flush) if no flush has covered it yet; :class:`FlushFailed` if it cannot be."""
        failure: FlushFailed | None = None
        with self._flushing:
            if entry <= self._flushed or self._removed:
                pass  # flushed already, or the partition is gone with its files
            elif self._poisoned is not None:
                failure = FlushFailed(self._poisoned, first=False)
            elif self._fd is None:  # closed after a failed write it could not cut back
                self._poisoned = OSError(f"{self.path} was closed before its entries were flushed")
                failure = FlushFailed(self._poisoned, first=True)
            else:
                covered, size, fd = self._written, self._size, self._fd
                try:
                    os.fdatasync(fd)
                except OSError as problem:
                    # After a failed flush the kernel may have dropped the pages: a later flush
                    # that succeeds proves nothing about them. Nothing since the last good flush
                    # counts any more.
                    self._poisoned = problem
                    failure = FlushFailed(problem, first=True)
                else:
                    if covered > self._flushed:  # a snapshot may have covered more meanwhile
                        self._flushed, self._flushed_size = covered, size
        if failure is not None:
            raise failure

    def drop_unflushed(self) -> None:
        """Cut the file back to its last good flush (after a failed one). The log takes no more
        entries: the store opens the partition afresh from its files."""
        self._size = self._flushed_size
        if self._fd is None and self.path.exists():
            with contextlib.suppress(OSError):  # not even opened: the next start reads it as is
                self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        self._cut_back()
        self._broken = True
        self.close()

    def flushed_everything(self) -> None:
        """Every entry written so far is on disk another way (a snapshot that holds them)."""
        with self._flushing:
            self._flushed, self._flushed_size = self._written, self._size

    def clear(self) -> None:
        """Empty the log (after a snapshot that holds everything in it)."""
        fd = self._open()
        os.ftruncate(fd, 0)
        os.fsync(fd)
        self._size = 0
        self.flushed_everything()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def remove(self) -> None:
        self._removed = True
        self.close()
        self.path.unlink(missing_ok=True)
        self._size = 0

    def _open(self) -> int:
        if self._fd is None:
            created = not self.path.exists()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            if created:
                _sync_directory(self.path.parent)
        return self._fd

    def _cut_back(self) -> None:
        """Drop a partly written entry, so that the next append does not follow garbage."""
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, self._size)
            os.fsync(self._fd)
        except OSError:
            # The file cannot even be cut back: write nothing more after the torn line. The next
            # start cuts it off (it was never acknowledged).
            self._broken = True
            self.close()
