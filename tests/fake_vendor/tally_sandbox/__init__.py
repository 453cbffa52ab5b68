"""Tally's sandbox half: one package, the files docs/adding-a-vendor.md lists, and its
VendorMount (``MOUNT``), registered under the ``creditbox.vendors`` entry point."""

from __future__ import annotations

from pathlib import Path

from sandbox.vendor_mount import VendorMount
from tests.fake_vendor.tally_sandbox import auth, console, errors, fixtures

MOUNT = VendorMount(
    name="tally",
    spec=str(Path(__file__).resolve().parents[1] / "tally.yaml"),
    handlers="tests.fake_vendor.tally_sandbox.handlers",
    shape=errors.SHAPE,
    new_credentials=auth.new_credentials,
    demo_credentials=auth.DEMO_CREDENTIALS,
    tenant_of_request=auth.tenant_of_request,
    load_fixture=fixtures.load,
    read_console=console.read,
    request_headers=auth.request_headers,
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
