"""Who may use the control API (``/_sandbox``): anyone on loopback, the admin token elsewhere.

The control API resets tenants, reads every tenant's credentials and moves clocks, so a sandbox
reachable from other machines (a shared demo environment) must not open it to whoever finds the
port. ``creditbox serve`` on a non-loopback address therefore always runs with an admin token
(given, or generated and printed); on loopback it stays open unless a token is given.

The token is checked by the control spec's own security scheme (``AdminToken``, a bearer token),
so the API docs page offers it under "Authorize". specs/control.yaml ships the token as optional
(``security: [{}, {AdminToken: []}]``), so clients generated from it and Prism in front of it work
with a sandbox on loopback; a sandbox with a token serves the spec with it required
(``guarded``), and one without takes the scheme out (``unguarded``). Vendor credentials are
never compared with it: a DayZero token or a Solvimon key sent as a bearer token is just a wrong
admin token.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from typing import Any

from sandbox.runtime import sandbox_of

ENV = "CREDITBOX_ADMIN_TOKEN"
SCHEME = "AdminToken"


def admin_token_info(token: str, request: Any) -> dict[str, Any] | None:
    """Connexion's ``x-bearerInfoFunc`` for ``AdminToken``: the sandbox's admin token, exactly."""
    expected = sandbox_of(request.scope).admin_token
    if expected is None or not hmac.compare_digest(token.encode(), expected.encode()):
        return None
    return {"sub": "sandbox-admin"}


def new_admin_token() -> str:
    return secrets.token_urlsafe(24)


def is_loopback(host: str) -> bool:
    """Whether ``host`` (what the server listens on) is reachable only from this machine.

    Names other than ``localhost`` count as reachable from elsewhere: what they resolve to may
    change, and guarding too much costs a header while guarding too little exposes every tenant.
    """
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def guarded(spec: dict[str, Any]) -> dict[str, Any]:
    """The control spec with the admin token required: for a sandbox that has one."""
    spec["security"] = [{SCHEME: []}]
    return spec


def unguarded(spec: dict[str, Any]) -> dict[str, Any]:
    """The control spec without its admin-token requirement: for a sandbox that has no token."""
    spec.pop("security", None)
    components = spec.get("components", {})
    components.get("securitySchemes", {}).pop(SCHEME, None)
    if components.get("securitySchemes") == {}:
        del components["securitySchemes"]
    for item in spec.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("security", None)
    return spec
