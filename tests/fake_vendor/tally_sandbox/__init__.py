"""Tally's sandbox half: one package, the files docs/adding-a-vendor.md lists, and its
VendorMount (``MOUNT``), registered under the ``creditbox.vendors`` entry point."""

from __future__ import annotations

from pathlib import Path

from sandbox.vendor_mount import VendorMount

MOUNT = VendorMount.of_package(
    __name__,
    name="tally",
    spec=str(Path(__file__).resolve().parents[1] / "tally.yaml"),
    fixture_schema={
        "type": "object",
        "properties": {"notes": {"type": "array", "items": {"type": "object"}}},
    },
    credentials_schema={
        "type": "object",
        "required": ["api_key"],
        "properties": {"api_key": {"type": "string"}, "base_url": {"type": "string"}},
    },
)
