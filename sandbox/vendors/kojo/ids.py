"""Kojo's ids are cuids: ``c`` + time + counter + fingerprint + randomness, base 36, 25 chars."""

from __future__ import annotations

import itertools
import os
import secrets
import threading
import time

_BASE = 36
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_counter = itertools.count()
_lock = threading.Lock()
_FINGERPRINT = (os.getpid() % (_BASE**2), secrets.randbelow(_BASE**2))


def _base36(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, _BASE)
        digits.append(_DIGITS[digit])
    return "".join(reversed(digits))


def cuid() -> str:
    with _lock:
        count = next(_counter) % (_BASE**4)
    return (
        "c"
        + _base36(int(time.time() * 1000), 8)
        + _base36(count, 4)
        + _base36(_FINGERPRINT[0], 2)
        + _base36(_FINGERPRINT[1], 2)
        + _base36(secrets.randbelow(_BASE**8), 8)
    )
