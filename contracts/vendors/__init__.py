"""The harness's registry: every vendor API it can check, by its ``--api`` name.

A vendor is one package here (``contracts/vendors/<v>/``: adapter, client, rules, invariants)
and one line below; nothing else in the harness names a vendor (docs/adding-a-vendor.md)."""

from __future__ import annotations

from contracts.adapter import Adapter
from contracts.vendors.count.adapter import CountAdapter
from contracts.vendors.dayzero.adapter import DayZeroAdapter
from contracts.vendors.kojo.adapter import KojoAdapter
from contracts.vendors.solvimon.adapter import SolvimonAdapter

ADAPTERS: dict[str, Adapter] = {
    adapter.name: adapter
    for adapter in (DayZeroAdapter(), CountAdapter(), SolvimonAdapter(), KojoAdapter())
}
