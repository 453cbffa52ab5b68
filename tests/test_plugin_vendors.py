"""A vendor from another installed package (entry points ``creditbox.vendors`` and
``creditbox.adapters``) can neither replace a vendor nor take a name that is no vendor's."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from typing import Any

import pytest

from contracts.vendors import installed as installed_adapters
from sandbox.vendors import installed as installed_mounts

MOUNT = "tests.fake_vendor.tally_sandbox:MOUNT"
ADAPTER = "tests.fake_vendor.tally_contracts.adapter:ADAPTER"
BOTH = [
    (installed_mounts, MOUNT, "creditbox.vendors"),
    (installed_adapters, ADAPTER, "creditbox.adapters"),
]


@pytest.mark.parametrize(("installed", "value", "group"), BOTH, ids=["sandbox", "harness"])
def test_a_plugin_vendor_is_added_under_its_name(installed: Any, value: str, group: str) -> None:
    [added] = installed([EntryPoint("tally", value, group)])
    assert added.name == "tally"


@pytest.mark.parametrize(("installed", "value", "group"), BOTH, ids=["sandbox", "harness"])
@pytest.mark.parametrize(
    "names", [["dayzero"], ["tally", "tally"], ["_sandbox"], ["Tally"], ["ta/lly"]],
    ids=["built-in", "twice", "reserved", "upper-case", "path"],
)  # fmt: skip
def test_a_plugin_that_would_take_a_name_not_free_is_refused(
    installed: Any, value: str, group: str, names: list[str]
) -> None:
    with pytest.raises(ValueError, match="is not free"):
        installed([EntryPoint(name, value, group) for name in names])


@pytest.mark.parametrize(("installed", "value", "group"), BOTH, ids=["sandbox", "harness"])
def test_a_plugin_whose_object_is_not_a_vendor_of_its_name_is_refused(
    installed: Any, value: str, group: str
) -> None:
    with pytest.raises(TypeError, match="named 'other'"):
        installed([EntryPoint("other", value, group)])
