"""A vendor from another installed package (entry points ``creditbox.vendors`` and
``creditbox.adapters``) can neither replace a vendor nor take a name that is no vendor's; a
vendor package's parts are read by their names (``VendorMount.of_package``), a typo refused."""

from __future__ import annotations

from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

from contracts.vendors import installed as installed_adapters
from sandbox.vendor_mount import VendorMount
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


@pytest.mark.parametrize(("installed", "value", "group", "kind"), [
    (installed_mounts, ADAPTER, "creditbox.vendors", "a VendorMount"),
    (installed_adapters, MOUNT, "creditbox.adapters", "an Adapter"),
], ids=["sandbox", "harness"])  # fmt: skip
def test_a_plugin_whose_object_is_the_other_registrys_is_refused(
    installed: Any, value: str, group: str, kind: str
) -> None:
    with pytest.raises(TypeError, match=f"not {kind} named 'tally'"):
        installed([EntryPoint("tally", value, group)])


TALLY = "tests.fake_vendor.tally_sandbox"
AUTH = f"from {TALLY}.auth import DEMO_CREDENTIALS, new_credentials, tenant_of_request\n"


def _vendor_package(root: Path, package: str, files: dict[str, str]) -> str:
    """A vendor package under ``root`` made of Tally's parts, with ``files`` besides."""
    (root / package).mkdir()
    parts = {
        "__init__.py": "",
        "auth.py": AUTH + f"from {TALLY}.auth import request_headers\n",
        "errors.py": f"from {TALLY}.errors import SHAPE\n",
        "fixtures.py": f"from {TALLY}.fixtures import load\n",
        "console.py": f"from {TALLY}.console import read\n",
        "handlers.py": "",
    }
    for file, text in {**parts, **files}.items():
        (root / package / file).write_text(text, encoding="utf-8")
    return package


def test_a_vendor_package_gives_its_optional_parts_by_their_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    plain = VendorMount.of_package(_vendor_package(tmp_path, "plain_vendor", {"auth.py": AUTH}))
    assert (plain.name, plain.request_headers, plain.control_routes) == ("plain_vendor", None, {})
    full = VendorMount.of_package(
        _vendor_package(tmp_path, "full_vendor", {"control.py": "ROUTES = {'seed': print}\n"})
    )
    assert full.request_headers is not None
    assert full.control_routes == {"seed": print}


def test_a_vendor_package_without_handlers_is_refused_when_its_mount_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(tmp_path))
    package = _vendor_package(tmp_path, "no_handlers", {})
    (tmp_path / package / "handlers.py").unlink()
    with pytest.raises(ValueError, match="no_handlers: a vendor package has a handlers module"):
        VendorMount.of_package(package)
