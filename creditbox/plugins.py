"""Vendors that other installed packages add, through an entry point group: what the sandbox's
registry (``creditbox.vendors``) and the harness's (``creditbox.adapters``) both do with their
group. It lives outside both halves because neither may import the other, and it imports
neither: each registry says which type its entries have and which names are already taken."""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib.metadata import EntryPoint
from typing import Protocol, TypeVar


class Named(Protocol):
    @property
    def name(self) -> str: ...


Entry = TypeVar("Entry", bound=Named)

# a mount path and an --api value: no name that could reach a path the sandbox uses
_NAME = re.compile(r"[a-z][a-z0-9_]*")


def installed(
    entries: Iterable[EntryPoint], kind: type[Entry], built_in: Iterable[Named]
) -> tuple[Entry, ...]:
    """The ``kind`` objects that ``entries`` name, in name order. A name that is no lowercase
    identifier, or is a built-in vendor's or another plugin's, is refused, so a plugin can
    neither replace a vendor nor take a path the sandbox uses; so is an object that is not a
    ``kind`` of the entry point's name."""
    taken = {known.name for known in built_in}
    added: dict[str, Entry] = {}
    for entry in sorted(entries, key=lambda found: found.name):
        if not _NAME.fullmatch(entry.name) or entry.name in taken or entry.name in added:
            raise ValueError(f"entry point {entry.value}: the name {entry.name!r} is not free")
        loaded = entry.load()
        if not isinstance(loaded, kind) or loaded.name != entry.name:
            raise TypeError(
                f"entry point {entry.value}: not {_article(kind.__name__)} {kind.__name__} "
                f"named {entry.name!r}"
            )
        added[entry.name] = loaded
    return tuple(added.values())


def _article(noun: str) -> str:
    return "an" if noun[0].lower() in "aeiou" else "a"
