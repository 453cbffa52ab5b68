"""The harness's registry: every vendor API it can check, by its ``--api`` name.

A vendor is one package here (``contracts/vendors/<v>/``: adapter, client, rules, invariants)
and one entry below; another installed package adds one through the ``creditbox.adapters``
entry point. Nothing else in the harness names a vendor (docs/adding-a-vendor.md)."""

from __future__ import annotations

from importlib.metadata import entry_points

from contracts.adapter import Adapter
from contracts.vendors.count.adapter import CountAdapter
from contracts.vendors.dayzero.adapter import DayZeroAdapter
from contracts.vendors.kojo.adapter import KojoAdapter
from contracts.vendors.solvimon.adapter import SolvimonAdapter

BUILT_IN: tuple[Adapter, ...] = (DayZeroAdapter(), CountAdapter(), SolvimonAdapter(), KojoAdapter())
# the group other packages register an Adapter under (``name = "module:ADAPTER"``)
ENTRY_POINT_GROUP = "creditbox.adapters"


def _installed() -> tuple[Adapter, ...]:
    """The adapters other installed packages add, in name order; one that reuses a built-in
    name is refused, so a plugin cannot silently replace a vendor."""
    added = []
    for entry in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda found: found.name):
        adapter = entry.load()
        if not isinstance(adapter, Adapter) or adapter.name != entry.name:
            raise TypeError(f"entry point {entry.value}: not an Adapter named {entry.name!r}")
        if any(known.name == adapter.name for known in BUILT_IN):
            raise ValueError(f"entry point {entry.value}: {adapter.name!r} is a built-in vendor")
        added.append(adapter)
    return tuple(added)


ADAPTERS: dict[str, Adapter] = {adapter.name: adapter for adapter in BUILT_IN + _installed()}
