"""The harness's registry: every vendor API it can check, by its ``--api`` name.

A vendor is one package here (``contracts/vendors/<v>/``: adapter, client, rules, invariants)
and one entry below; another installed package adds one through the ``creditbox.adapters``
entry point. Nothing else in the harness names a vendor (docs/adding-a-vendor.md)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points

from contracts.adapter import Adapter
from contracts.vendors.count.adapter import CountAdapter
from contracts.vendors.dayzero.adapter import DayZeroAdapter
from contracts.vendors.kojo.adapter import KojoAdapter
from contracts.vendors.solvimon.adapter import SolvimonAdapter

BUILT_IN: tuple[Adapter, ...] = (DayZeroAdapter(), CountAdapter(), SolvimonAdapter(), KojoAdapter())
_NAME = re.compile(r"[a-z][a-z0-9_]*")  # an --api value and the sandbox's mount path
# the group other packages register an Adapter under (``name = "module:ADAPTER"``)
ENTRY_POINT_GROUP = "creditbox.adapters"


def installed(entries: Iterable[EntryPoint]) -> tuple[Adapter, ...]:
    """The vendors other installed packages add (``entries``), in name order. A name that is
    no lowercase identifier, a built-in vendor's or another plugin's is refused, so a plugin
    can neither replace a vendor nor take a path the sandbox uses."""
    added: dict[str, Adapter] = {}
    for entry in sorted(entries, key=lambda found: found.name):
        taken = entry.name in added or any(known.name == entry.name for known in BUILT_IN)
        if not _NAME.fullmatch(entry.name) or taken:
            raise ValueError(f"entry point {entry.value}: the name {entry.name!r} is not free")
        adapter = entry.load()
        if not isinstance(adapter, Adapter) or adapter.name != entry.name:
            raise TypeError(f"entry point {entry.value}: not an Adapter named {entry.name!r}")
        added[entry.name] = adapter
    return tuple(added.values())


INSTALLED = installed(entry_points(group=ENTRY_POINT_GROUP))
ADAPTERS: dict[str, Adapter] = {adapter.name: adapter for adapter in BUILT_IN + INSTALLED}
