"""When the target is a creditbox sandbox, its control API can seed what a vendor API cannot
create (COUNT legacy duplicates, Solvimon invoices and keys, Kojo data). This is how the rules
find it and the tenant their credentials belong to; on any other target they find nothing and
skip what needs it. HTTP only: the harness never imports the sandbox."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx

from contracts.http import Requester

# the control API's path on a creditbox sandbox's host
CONTROL_ROOT = "/_sandbox"


def control_url(base_url: str) -> str:
    """The control API's URL on the host of ``base_url`` (a vendor mount)."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}{CONTROL_ROOT}"


def sandbox_tenant(
    http: Requester, control: str, vendor: str, field: str, value: str
) -> tuple[str, dict[str, Any]] | None:
    """The id and ``vendor`` credentials of the tenant whose ``field`` is ``value``, or ``None``
    when the target has no control API or no such tenant."""
    try:
        response = http.request("GET", f"{control}/tenants")
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    for tenant in response.json().get("items", []):
        credentials = tenant.get("credentials", {}).get(vendor, {})
        if credentials.get(field) == value:
            return str(tenant["id"]), credentials
    return None
