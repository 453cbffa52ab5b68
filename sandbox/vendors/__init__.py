"""The sandbox's registry: the vendor APIs it mounts, each at ``/<name>`` with the vendor's own
paths. A vendor is one package (``sandbox/vendors/<v>/``) and one entry below; another installed
package adds one through the ``creditbox.vendors`` entry point (docs/adding-a-vendor.md)."""

from __future__ import annotations

from collections.abc import Iterable
from importlib.metadata import EntryPoint, entry_points

from creditbox import plugins
from sandbox.vendor_mount import VendorMount
from sandbox.vendors.count import auth as count_auth
from sandbox.vendors.count import console as count_console
from sandbox.vendors.count import control as count_control
from sandbox.vendors.count import errors as count_errors
from sandbox.vendors.count import fixtures as count_fixtures
from sandbox.vendors.dayzero import auth as dayzero_auth
from sandbox.vendors.dayzero import console as dayzero_console
from sandbox.vendors.dayzero import errors as dayzero_errors
from sandbox.vendors.dayzero import fixtures as dayzero_fixtures
from sandbox.vendors.kojo import auth as kojo_auth
from sandbox.vendors.kojo import console as kojo_console
from sandbox.vendors.kojo import control as kojo_control
from sandbox.vendors.kojo import errors as kojo_errors
from sandbox.vendors.kojo import fixtures as kojo_fixtures
from sandbox.vendors.solvimon import auth as solvimon_auth
from sandbox.vendors.solvimon import console as solvimon_console
from sandbox.vendors.solvimon import control as solvimon_control
from sandbox.vendors.solvimon import errors as solvimon_errors
from sandbox.vendors.solvimon import fixtures as solvimon_fixtures
from sandbox.vendors.solvimon import middleware as solvimon_middleware

BUILT_IN: tuple[VendorMount, ...] = (
    VendorMount(
        name="dayzero",
        spec="dayzero.yaml",
        handlers="sandbox.vendors.dayzero.handlers",
        shape=dayzero_errors.SHAPE,
        new_credentials=dayzero_auth.new_credentials,
        demo_credentials=dayzero_auth.DEMO_CREDENTIALS,
        tenant_of_request=dayzero_auth.tenant_of_request,
        load_fixture=dayzero_fixtures.load,
        read_console=dayzero_console.read,
        request_headers=dayzero_auth.request_headers,
        identity_fields=("business_id",),
    ),
    VendorMount(
        name="count",
        spec="count.yaml",
        handlers="sandbox.vendors.count.handlers",
        shape=count_errors.SHAPE,
        new_credentials=count_auth.new_credentials,
        demo_credentials=count_auth.DEMO_CREDENTIALS,
        tenant_of_request=count_auth.tenant_of_request,
        load_fixture=count_fixtures.load,
        read_console=count_console.read,
        control_routes=count_control.ROUTES,
        before_security=count_auth.SignatureMiddleware,
        # 100 requests a minute per client id: COUNT's getting-started/important-note page
        documented_rate_limit=(100, 60.0),
        identity_fields=("workspace_id",),
    ),
    VendorMount(
        name="solvimon",
        spec="solvimon.yaml",
        handlers="sandbox.vendors.solvimon.handlers",
        shape=solvimon_errors.SHAPE,
        new_credentials=solvimon_auth.new_credentials,
        demo_credentials=solvimon_auth.DEMO_CREDENTIALS,
        tenant_of_request=solvimon_auth.tenant_of_request,
        load_fixture=solvimon_fixtures.load,
        read_console=solvimon_console.read,
        request_headers=solvimon_auth.request_headers,
        control_routes=solvimon_control.ROUTES,
        before_security=solvimon_middleware.VersionGuard,
        stamp_responses=solvimon_middleware.RequestIds,
        identity_fields=("platform_id", "platform_ids"),
    ),
    VendorMount(
        name="kojo",
        spec="kojo.yaml",
        handlers="sandbox.vendors.kojo.handlers",
        shape=kojo_errors.SHAPE,
        new_credentials=kojo_auth.new_credentials,
        demo_credentials=kojo_auth.DEMO_CREDENTIALS,
        tenant_of_request=kojo_auth.tenant_of_request,
        load_fixture=kojo_fixtures.load,
        read_console=kojo_console.read,
        control_routes=kojo_control.ROUTES,
        other_shapes=(("/oauth2", kojo_errors.OAUTH_SHAPE),),
        # 20 requests a second per organisation: Kojo's getting-started/api-limits page
        documented_rate_limit=(20, 1.0),
    ),
)

# the group other packages register a VendorMount under (``name = "module:MOUNT"``)
ENTRY_POINT_GROUP = "creditbox.vendors"


def installed(entries: Iterable[EntryPoint]) -> tuple[VendorMount, ...]:
    """The vendors other installed packages add (``entries``), in name order; a name that is
    not free is refused (``creditbox.plugins``)."""
    return plugins.installed(entries, VendorMount, BUILT_IN)


VENDORS: tuple[VendorMount, ...] = BUILT_IN + installed(entry_points(group=ENTRY_POINT_GROUP))
