"""The sandbox's registry: the vendor APIs it mounts, each at ``/<name>`` with the vendor's own
paths. A vendor is one package (``sandbox/vendors/<v>/``) and one entry below, which reads the
package's modules by convention and names only what differs; another installed package adds
one through the ``creditbox.vendors`` entry point (docs/adding-a-vendor.md)."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points

from creditbox import plugins
from sandbox.vendor_mount import VendorMount
from sandbox.vendors.count.auth import SignatureMiddleware
from sandbox.vendors.kojo.errors import OAUTH_SHAPE
from sandbox.vendors.solvimon.middleware import RequestIds, VersionGuard

BUILT_IN: tuple[VendorMount, ...] = (
    VendorMount.of_package("sandbox.vendors.dayzero", identity_fields=("business_id",)),
    VendorMount.of_package(
        "sandbox.vendors.count",
        before_security=SignatureMiddleware,
        # 100 requests a minute per client id: COUNT's getting-started/important-note page
        documented_rate_limits=((100, 60.0),),
        identity_fields=("workspace_id",),
    ),
    VendorMount.of_package(
        "sandbox.vendors.solvimon",
        before_security=VersionGuard,
        stamp_responses=RequestIds,
        identity_fields=("platform_id", "platform_ids"),
    ),
    VendorMount.of_package(
        "sandbox.vendors.kojo",
        other_shapes=(("/oauth2", OAUTH_SHAPE),),
        # 20 requests a second and 3,600 an hour per organisation: Kojo's
        # getting-started/api-limits page
        documented_rate_limits=((20, 1.0), (3600, 3600.0)),
    ),
)

# the group other packages register a VendorMount under (``name = "module:MOUNT"``)
ENTRY_POINT_GROUP = "creditbox.vendors"


def installed(entries: Iterable[EntryPoint]) -> tuple[VendorMount, ...]:
    """The vendors other installed packages add (``entries``), in name order; a name that is
    not free is refused (``creditbox.plugins``)."""
    return plugins.installed(entries, VendorMount, BUILT_IN)


VENDORS: tuple[VendorMount, ...] = BUILT_IN + installed(entry_points(group=ENTRY_POINT_GROUP))
