"""Stand-ins: a caller's own version of one of the sandbox's classes or functions, used in its
place by one app.

The sandbox never makes any. A test that must prove the contract harness finds a drifted
deployment builds one from a subclass of a vendor backend or a wrapper of a function, and passes
``{original: stand_in}`` to ``create_app``, as moto's and Schemathesis' own tests keep their broken
servers in the tests. Code that builds what a test may stand in for asks ``Seams.of(original)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")


class Seams:
    """The stand-ins of one app: each original class or function, and what answers in its place."""

    def __init__(self, stand_ins: Mapping[Any, Any] | None = None) -> None:
        self._stand_ins = dict(stand_ins or {})

    def of(self, original: T) -> T:
        """``original``, or what stands in for it in this app."""
        found: T = self._stand_ins.get(original, original)
        return found

    def __bool__(self) -> bool:
        return bool(self._stand_ins)
