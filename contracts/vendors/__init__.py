"""The harness's registry: every vendor API it can check, by its ``--api`` name.

A vendor is one package here (``contracts/vendors/<v>/``: adapter, client, rules, invariants)
and one entry below; another installed package adds one through the ``creditbox.adapters``
entry point. Nothing else in the harness names a vendor (docs/adding-a-vendor.md)."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points

from contracts.adapter import Adapter
from contracts.vendors.count.adapter import CountAdapter
from contracts.vendors.dayzero.adapter import DayZeroAdapter
from contracts.vendors.kojo.adapter import KojoAdapter
from contracts.vendors.solvimon.adapter import SolvimonAdapter
from creditbox import plugins

BUILT_IN: tuple[Adapter, ...] = (DayZeroAdapter(), CountAdapter(), SolvimonAdapter(), KojoAdapter())
# the group other packages register an Adapter under (``name = "module:ADAPTER"``)
ENTRY_POINT_GROUP = "creditbox.adapters"


def installed(entries: Iterable[EntryPoint]) -> tuple[Adapter, ...]:
    """The vendors other installed packages add (``entries``), in name order; a name that is
    not free is refused (``creditbox.plugins``)."""
    return plugins.installed(entries, Adapter, BUILT_IN)


INSTALLED = installed(entry_points(group=ENTRY_POINT_GROUP))
ADAPTERS: dict[str, Adapter] = {adapter.name: adapter for adapter in BUILT_IN + INSTALLED}
