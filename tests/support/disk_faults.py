"""Make a served sandbox's disk full or read-only from a test, at the system-call boundary.

A ``sitecustomize`` module, first on the server's ``PYTHONPATH``, wraps ``os.open`` and
``os.write``. While the fault file holds ``full`` (writes fail with ENOSPC) or ``read-only``
(opening for writing fails with EROFS), calls on files inside the data directory fail as the
kernel fails them; everything else, and the sandbox's own code, runs unchanged. A real full or
read-only file system would need mount privileges that CI does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SITECUSTOMIZE = """
import errno
import os

_FAULT_FILE = os.environ["CREDITBOX_DISK_FAULT"]
_DATA_DIR = os.path.realpath(os.environ["CREDITBOX_DISK_FAULT_DIR"])
_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_real_open, _real_write = os.open, os.write


def _fault():
    try:
        with open(_FAULT_FILE, encoding="utf-8") as fault:
            return fault.read().strip()
    except OSError:
        return ""


def _inside(path):
    resolved = os.path.realpath(path)
    return resolved == _DATA_DIR or resolved.startswith(_DATA_DIR + os.sep)


def _open(path, flags, *args, **kwargs):
    if flags & _WRITING and _fault() == "read-only" and _inside(os.fspath(path)):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fspath(path))
    return _real_open(path, flags, *args, **kwargs)


def _write(fd, data):
    fault = _fault()
    if fault in ("full", "read-only"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            target = ""
        if target and _inside(target):
            code = errno.ENOSPC if fault == "full" else errno.EROFS
            raise OSError(code, os.strerror(code))
    return _real_write(fd, data)


os.open = _open
os.write = _write
"""


@dataclass
class DiskFaults:
    """``env`` for the server; ``set("full")``, ``set("read-only")``, ``clear()`` at any time."""

    workdir: Path
    data_dir: Path

    def __post_init__(self) -> None:
        shim = self.workdir / "disk-fault-shim"
        shim.mkdir(parents=True, exist_ok=True)
        (shim / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
        self._shim = shim
        self._fault = self.workdir / "disk-fault"
        self.clear()

    @property
    def env(self) -> dict[str, str]:
        return {
            "PYTHONPATH": str(self._shim),
            "CREDITBOX_DISK_FAULT": str(self._fault),
            "CREDITBOX_DISK_FAULT_DIR": str(self.data_dir),
        }

    def set(self, fault: str) -> None:
        assert fault in ("full", "read-only")
        self._fault.write_text(fault, encoding="utf-8")

    def clear(self) -> None:
        self._fault.write_text("", encoding="utf-8")
