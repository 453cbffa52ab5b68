"""The vendor APIs the sandbox mounts, each from its spec: ``/<name>`` + the vendor's own paths."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.errors import ErrorShape
from sandbox.vendors.dayzero import auth as dayzero_auth
from sandbox.vendors.dayzero import errors as dayzero_errors


@dataclass(frozen=True)
class VendorMount:
    name: str
    spec: str
    handlers: str
    shape: ErrorShape
    new_credentials: Callable[[], dict[str, Any]]
    demo_credentials: dict[str, Any]

    @property
    def base_path(self) -> str:
        return f"/{self.name}"


VENDORS: tuple[VendorMount, ...] = (
    VendorMount(
        name="dayzero",
        spec="dayzero.yaml",
        handlers="sandbox.vendors.dayzero.handlers",
        shape=dayzero_errors.SHAPE,
        new_credentials=dayzero_auth.new_credentials,
        demo_credentials=dayzero_auth.DEMO_CREDENTIALS,
    ),
)
